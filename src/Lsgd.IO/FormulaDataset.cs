using Lsgd.Data;
using Lsgd.Formulas;

namespace Lsgd.IO;

/// <summary>
/// Reads the columns a <see cref="Formula"/> names from a CSV file, numbers and text alike, and builds its design
/// matrix: to fit (<see cref="Load(string, Formula, string?, CsvFormat?)"/>, which learns the encoding) or to predict (<see cref="Features"/>, which
/// applies a saved one).
/// </summary>
/// <remarks>
/// A column is numeric when any of its first <see cref="CsvReader.RowsToInspect"/> rows holds a number, as
/// <see cref="CsvReader.NumericColumns"/> decides for the default features; any other column is text, and its
/// cells (trimmed) are the categories. Messages name the file and line of a bad cell or an unseen category.
/// </remarks>
public static class FormulaDataset
{
    /// <summary>Reads the formula's columns from <paramref name="path"/>, learns the encoding and builds the data to fit.</summary>
    /// <param name="path">CSV file with a header row.</param>
    /// <param name="formula">The model formula (with a response).</param>
    /// <param name="format">Separator, decimal comma and missing values (default: comma-separated, missing values are errors).</param>
    /// <exception cref="FormulaException">No response, an unknown column (the message lists the file's columns), or a problem with a factor.</exception>
    /// <exception cref="CsvFormatException">A ragged row, or a cell that is missing or not a number in a numeric column.</exception>
    public static (Dataset Data, FormulaEncoding Encoding) Load(string path, Formula formula, CsvFormat? format = null) =>
        Load(path, formula, weights: null, format);

    /// <summary>
    /// Reads the formula's columns and the row weights in column <paramref name="weights"/> (weighted least squares;
    /// null: unweighted) from <paramref name="path"/>, learns the encoding and builds the data to fit.
    /// </summary>
    /// <param name="path">CSV file with a header row.</param>
    /// <param name="formula">The model formula (with a response).</param>
    /// <param name="weights">The column of row weights (finite numbers ≥ 0; a bad one names its line and column), or null.</param>
    /// <param name="format">Separator, decimal comma and missing values (default: comma-separated, missing values are errors).</param>
    /// <exception cref="FormulaException">No response, an unknown column (the message lists the file's columns), or a problem with a factor.</exception>
    /// <exception cref="CsvFormatException">A ragged row, a cell that is missing or not a number in a numeric column, or a weight that is negative or not finite.</exception>
    public static (Dataset Data, FormulaEncoding Encoding) Load(string path, Formula formula, string? weights, CsvFormat? format = null)
    {
        ArgumentNullException.ThrowIfNull(formula);
        format ??= CsvFormat.Default;
        if (formula.Response.Count == 0)
            throw new FormulaException(formula.Text, 0, "there is no response to fit: write the column to predict before '~', e.g. \"y ~ x1 + x2\".");
        var header = CsvReader.ReadHeader(path, format);
        formula.CheckColumns(header, path);
        var numeric = CsvReader.NumericColumns(path, format);
        if (weights is not null && !header.Contains(weights))
            throw new LsgdException($"--weights {weights}: {path} has no column {Quote.Text(weights)}. Its columns are {string.Join(", ", header)}.");
        if (weights is not null && !numeric.Contains(weights))
            throw new LsgdException($"--weights {weights}: the column {Quote.Text(weights)} of {path} is not numeric. Weights are finite numbers ≥ 0, one per row.");
        var columns = weights is null || formula.Columns.Contains(weights) ? formula.Columns : [.. formula.Columns, weights];
        var lines = new List<int>();
        var data = Read(path, columns, [.. columns.Where(c => !numeric.Contains(c))], format, lines);
        var encoding = FormulaEncoding.Fit(formula, data);
        if (encoding.FeatureNames.Count == 0 && !encoding.HasIntercept)
            throw new FormulaException(formula.Text, formula.Text.IndexOf('~', StringComparison.Ordinal) + 1, "the formula leaves no term and no intercept: add a term, or drop the '- 1'.");
        if (encoding.FeatureNames.Count > 0)
            FeatureSpec.CheckSize(path, data.Rows, encoding.FeatureNames.Count);   // before building it
        var design = encoding.Build(data);
        var dataset = new Dataset(design.Features, design.Targets!, design.Rows, design.FeatureNames.Count, design.TargetNames.Count, design.FeatureNames, design.TargetNames);
        if (weights is null)
            return (dataset, encoding);
        var w = data.Numbers(weights).ToArray();
        int bad = WeightColumn.FirstBad(w);
        if (bad >= 0)
            throw new CsvFormatException(path, lines[bad], header.ToList().IndexOf(weights) + 1, weights, WeightColumn.Problem(w[bad])!);
        WeightColumn.CheckNotAllZero(path, weights, w);
        return (dataset.WithWeights(w), encoding);
    }

    /// <summary>Builds the n × d features of a fitted encoding from the rows of <paramref name="path"/>.</summary>
    /// <exception cref="FormulaException">A missing column (the message lists the file's columns), or a category the model was not fitted with (naming the line).</exception>
    public static (double[] Features, int Rows) Features(FormulaEncoding encoding, string path, CsvFormat? format = null)
    {
        ArgumentNullException.ThrowIfNull(encoding);
        format ??= CsvFormat.Default;
        encoding.Formula.CheckColumns(CsvReader.ReadHeader(path, format), path, response: false);
        var columns = encoding.Formula.InputColumns;
        var data = Read(path, columns, [.. columns.Where(encoding.TextColumns.Contains)], format);
        var design = encoding.Build(data, response: false);
        return (design.Features, design.Rows);
    }

    /// <summary>Reads <paramref name="columns"/> of every row: those in <paramref name="text"/> as text, the others as numbers.</summary>
    internal static DataColumns Read(string path, IReadOnlyList<string> columns, IReadOnlyCollection<string> text, CsvFormat format, List<int>? lineNumbers = null)
    {
        using var reader = CsvReader.Open(path, format);
        var parser = new CsvRowParser(path, reader, columns, format);
        bool[] isText = [.. columns.Select(text.Contains)];
        var numbers = columns.Select(_ => new List<double>()).ToArray();
        var texts = columns.Select(_ => new List<string>()).ToArray();
        var lines = new List<int>();
        foreach (var row in reader)
        {
            if (!parser.IsDataRow(row)) continue;
            int line = row.LineNumberFrom;
            for (int j = 0; j < columns.Count; j++)
            {
                if (isText[j]) texts[j].Add(parser.ParseText(parser.Cell(row, j), line, j));
                else numbers[j].Add(parser.ParseCell(parser.Cell(row, j), line, j));
            }
            lines.Add(line);
        }
        if (lines.Count == 0)
            throw new LsgdException($"{path} has no data rows{(format.Missing == MissingValues.Drop ? " left after dropping those with missing values" : "")}: add one row per observation below the header.");
        lineNumbers?.AddRange(lines);
        var data = new DataColumns(lines.Count, i => $"{path}, line {lines[i]}");
        for (int j = 0; j < columns.Count; j++)
        {
            if (isText[j]) data.Add(columns[j], [.. texts[j]]);
            else data.Add(columns[j], [.. numbers[j]]);
        }
        return data;
    }
}
