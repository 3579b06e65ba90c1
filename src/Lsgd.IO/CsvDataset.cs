using Lsgd.Data;

namespace Lsgd.IO;

/// <summary>Builds a <see cref="Dataset"/> from a CSV file: chosen targets, and features by name or by default.</summary>
public static class CsvDataset
{
    /// <summary>Loads targets and features from <paramref name="path"/>.</summary>
    /// <param name="path">CSV file with a header row.</param>
    /// <param name="targets">Target column(s); more than one gives a multi-output model.</param>
    /// <param name="features">Feature columns; null or empty means every other numeric column.</param>
    /// <param name="degree">Polynomial degree in the single feature column (1 = as is).</param>
    /// <param name="separator">Field separator.</param>
    /// <returns>The data and the spec that rebuilds the features at prediction time.</returns>
    public static (Dataset Data, FeatureSpec Spec) Load(string path, IReadOnlyList<string> targets,
        IReadOnlyList<string>? features = null, int degree = 1, char separator = ',')
    {
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.Count == 0)
            throw new LsgdException("No target column: name the column to predict with --target.");
        var header = CsvReader.ReadHeader(path, separator);
        foreach (var t in targets)
            if (!header.Contains(t))
                throw new LsgdException($"{path} has no column '{t}' to use as the target. Its columns are: {string.Join(", ", header)}.");
        if (targets.Distinct().Count() != targets.Count)
            throw new LsgdException($"A target column is named twice ({string.Join(", ", targets)}). Name each once.");

        IReadOnlyList<string> inputs;
        if (features is { Count: > 0 })
        {
            foreach (var f in features)
            {
                if (!header.Contains(f))
                    throw new LsgdException($"{path} has no column '{f}' to use as a feature. Its columns are: {string.Join(", ", header)}.");
                if (targets.Contains(f))
                    throw new LsgdException($"'{f}' is both a target and a feature. A model cannot use its target as an input; drop it from --features.");
            }
            if (features.Distinct().Count() != features.Count)
                throw new LsgdException($"A feature column is named twice ({string.Join(", ", features)}). Name each once.");
            inputs = features;
        }
        else
        {
            inputs = [.. CsvReader.NumericColumns(path, separator).Where(c => !targets.Contains(c))];
        }
        var spec = new FeatureSpec(inputs, degree);
        spec.Validate();

        var table = CsvReader.ReadColumns(path, [.. inputs, .. targets], separator);
        var x = spec.Build(table);
        var y = table.Select(targets);
        return (new Dataset(x, y, table.Rows, spec.FeatureNames.Count, targets.Count, spec.FeatureNames, targets), spec);
    }
}
