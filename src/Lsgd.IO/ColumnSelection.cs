namespace Lsgd.IO;

/// <summary>
/// Checks the target and feature columns a user named against a file's columns, and picks the default
/// features (every other numeric column). Shared by the CSV and Parquet readers so they agree on the rules
/// and on the messages.
/// </summary>
internal static class ColumnSelection
{
    /// <summary>Validates <paramref name="targets"/> and <paramref name="features"/> and returns the feature columns.</summary>
    /// <param name="path">The file, for messages.</param>
    /// <param name="readColumns">Reads the names of all the file's columns (called after the targets are known to be non-empty).</param>
    /// <param name="targets">Target column(s); at least one.</param>
    /// <param name="features">Feature columns; null or empty means every other numeric column.</param>
    /// <param name="numericColumns">Reads the names of the file's numeric columns (called only for the default).</param>
    /// <param name="weights">The column of row weights (weighted least squares), or null: never a target or a feature, and left out of the default features.</param>
    /// <returns>The feature columns, in order; may be empty (the caller decides whether that is allowed).</returns>
    /// <exception cref="LsgdException">No target, an unknown column, a column named twice, a target used as a feature, or the weight column used as either.</exception>
    public static IReadOnlyList<string> Resolve(string path, Func<IReadOnlyList<string>> readColumns,
        IReadOnlyList<string> targets, IReadOnlyList<string>? features, Func<IReadOnlyList<string>> numericColumns, string? weights = null)
    {
        ArgumentNullException.ThrowIfNull(readColumns);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(numericColumns);
        if (targets.Count == 0)
            throw new LsgdException("No target column: name the column to predict with --target.");
        var header = readColumns();
        foreach (var t in targets)
            if (!header.Contains(t))
                throw new LsgdException($"{path} has no column {Quote.Text(t)} to use as the target. Its columns are: {Quote.List(header)}.");
        if (targets.Distinct().Count() != targets.Count)
            throw new LsgdException($"A target column is named twice ({string.Join(", ", targets)}). Name each once.");
        if (weights is not null)
        {
            if (!header.Contains(weights))
                throw new LsgdException($"{path} has no column {Quote.Text(weights)} to use as the weights. Its columns are: {Quote.List(header)}.");
            if (targets.Contains(weights))
                throw new LsgdException($"'{weights}' is both the target and the weights. Name another column with --weights.");
            if (features is { Count: > 0 } && features.Contains(weights))
                throw new LsgdException($"'{weights}' is both a feature and the weights. Drop it from --features.");
        }

        if (features is not { Count: > 0 })
            return [.. numericColumns().Where(c => !targets.Contains(c) && c != weights)];
        foreach (var f in features)
        {
            if (!header.Contains(f))
                throw new LsgdException($"{path} has no column {Quote.Text(f)} to use as a feature. Its columns are: {Quote.List(header)}.");
            if (targets.Contains(f))
                throw new LsgdException($"'{f}' is both a target and a feature. A model cannot use its target as an input; drop it from --features.");
        }
        if (features.Distinct().Count() != features.Count)
            throw new LsgdException($"A feature column is named twice ({string.Join(", ", features)}). Name each once.");
        return [.. features];
    }
}
