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
    /// <param name="format">Separator, decimal comma and missing values (default: comma-separated, missing values are errors).</param>
    /// <returns>The data and the spec that rebuilds the features at prediction time.</returns>
    public static (Dataset Data, FeatureSpec Spec) Load(string path, IReadOnlyList<string> targets,
        IReadOnlyList<string>? features = null, int degree = 1, CsvFormat? format = null)
    {
        format ??= CsvFormat.Default;
        var inputs = ColumnSelection.Resolve(path, () => CsvReader.ReadHeader(path, format), targets, features,
            () => CsvReader.NumericColumns(path, format));
        var spec = new FeatureSpec(inputs, degree);
        spec.Validate();

        var table = CsvReader.ReadColumns(path, [.. inputs, .. targets], format);
        var x = spec.Build(table);
        var y = table.Select(targets);
        return (new Dataset(x, y, table.Rows, spec.FeatureNames.Count, targets.Count, spec.FeatureNames, targets), spec);
    }
}
