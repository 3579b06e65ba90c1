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
    /// <param name="weights">
    /// The column of row weights for weighted least squares (<see cref="Dataset.WithWeights"/>), or null. It is never a
    /// feature; a negative, missing or non-finite weight is an error naming its line and column.
    /// </param>
    /// <returns>The data and the spec that rebuilds the features at prediction time.</returns>
    public static (Dataset Data, FeatureSpec Spec) Load(string path, IReadOnlyList<string> targets,
        IReadOnlyList<string>? features = null, int degree = 1, CsvFormat? format = null, string? weights = null)
    {
        format ??= CsvFormat.Default;
        var inputs = ColumnSelection.Resolve(path, () => CsvReader.ReadHeader(path, format), targets, features,
            () => CsvReader.NumericColumns(path, format), weights);
        var spec = new FeatureSpec(inputs, degree);
        spec.Validate();

        var table = CsvReader.ReadColumns(path, weights is null ? [.. inputs, .. targets] : [.. inputs, .. targets, weights], format);
        var x = spec.Build(table);
        var y = table.Select(targets);
        var data = new Dataset(x, y, table.Rows, spec.FeatureNames.Count, targets.Count, spec.FeatureNames, targets);
        return (weights is null ? data : data.WithWeights(Weights(table, weights, format)), spec);
    }

    /// <summary>The weight column of <paramref name="table"/>, checked: a bad weight names its line and column.</summary>
    private static double[] Weights(NumericTable table, string name, CsvFormat format)
    {
        var w = table.Column(name);
        int bad = WeightColumn.FirstBad(w);
        if (bad >= 0)
        {
            int column = CsvReader.ReadHeader(table.Path, format).ToList().IndexOf(name) + 1;
            throw new CsvFormatException(table.Path, table.Lines[bad], column, name, WeightColumn.Problem(w[bad])!);
        }
        WeightColumn.CheckNotAllZero(table.Path, name, w);
        return w;
    }
}
