using System.Globalization;
using nietras.SeparatedValues;

namespace Lsgd.IO;

/// <summary>
/// Reads numeric columns from CSV files with Sep: a header row is required, numbers are parsed in the
/// invariant culture (so NIST's <c>.11019</c>, <c>760.</c> and <c>0.35E-01</c> all read), quoted fields are
/// unescaped, and blank lines are skipped. Every problem names the file, line and column.
/// </summary>
public static class CsvReader
{
    /// <summary>The column names of <paramref name="path"/>'s header row.</summary>
    public static IReadOnlyList<string> ReadHeader(string path, char separator = ',')
    {
        using var reader = Open(path, separator);
        return [.. reader.Header.ColNames];
    }

    /// <summary>
    /// Names of the columns whose value in the first data row is a number: the numeric columns, on the
    /// assumption that a column's type does not change down the file (a later text cell is then an error).
    /// </summary>
    public static IReadOnlyList<string> NumericColumns(string path, char separator = ',')
    {
        using var reader = Open(path, separator);
        var names = reader.Header.ColNames;
        foreach (var row in reader)
        {
            if (row.Span.IsWhiteSpace()) continue;
            var result = new List<string>();
            for (int j = 0; j < Math.Min(row.ColCount, names.Count); j++)
                if (double.TryParse(row[j].Span, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                    result.Add(names[j]);
            return result;
        }
        throw new LsgdException($"{path} has a header but no data rows: add one row per observation below the header.");
    }

    /// <summary>Reads the named columns of every row as finite numbers.</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="columns">Header names to read, in the order wanted.</param>
    /// <param name="separator">The field separator (default comma).</param>
    /// <exception cref="LsgdException">Missing file, unknown column, no data rows.</exception>
    /// <exception cref="CsvFormatException">A ragged row, or a cell that is empty, not a number, NaN or infinite.</exception>
    public static NumericTable ReadColumns(string path, IReadOnlyList<string> columns, char separator = ',')
    {
        ArgumentNullException.ThrowIfNull(columns);
        using var reader = Open(path, separator);
        var header = reader.Header.ColNames;
        var indices = new int[columns.Count];
        for (int j = 0; j < columns.Count; j++)
        {
            if (!reader.Header.TryIndexOf(columns[j], out indices[j]))
                throw new LsgdException($"{path} has no column '{columns[j]}'. Its columns are: {string.Join(", ", header)}.");
        }

        var values = new List<double>();
        var lines = new List<int>();
        foreach (var row in reader)
        {
            int line = row.LineNumberFrom;
            if (row.ColCount != header.Count)
            {
                if (row.ColCount == 1 && row.Span.IsWhiteSpace()) continue;
                int column = Math.Min(row.ColCount, header.Count) + 1;
                throw new CsvFormatException(path, line, column, null,
                    $"the row has {Plural(row.ColCount, "field")} but the header has {header.Count}. " +
                    (row.ColCount < header.Count ? "A value is missing" : "There is an extra value") +
                    $", or the separator is not '{separator}'.");
            }
            for (int j = 0; j < indices.Length; j++)
            {
                var cell = row[indices[j]].Span.Trim();
                int column = indices[j] + 1;
                if (cell.IsEmpty)
                    throw new CsvFormatException(path, line, column, header[indices[j]],
                        "the cell is empty. Fill it in or remove the row.");
                if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
                    throw new CsvFormatException(path, line, column, header[indices[j]],
                        $"'{Shorten(cell)}' is not a number. Use digits with '.' as the decimal point, e.g. 3.25 or 1e-3.");
                if (!double.IsFinite(v))
                    throw new CsvFormatException(path, line, column, header[indices[j]],
                        $"'{Shorten(cell)}' is not a finite number. Remove or impute that row.");
                values.Add(v);
            }
            lines.Add(line);
        }
        if (lines.Count == 0)
            throw new LsgdException($"{path} has a header but no data rows: add one row per observation below the header.");
        return new NumericTable(path, [.. columns], [.. values], lines.Count, [.. lines]);
    }

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    private static string Shorten(ReadOnlySpan<char> cell) =>
        cell.Length <= 40 ? cell.ToString() : string.Concat(cell[..37], "...");

    private static SepReader Open(string path, char separator)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
            throw new LsgdException($"{path} is a folder, not a CSV file.");
        if (!File.Exists(path))
            throw new LsgdException($"{path} does not exist. Check the path (relative paths start from {Environment.CurrentDirectory}).");
        SepReader reader;
        try
        {
            reader = Sep.Reader(o => o with
            {
                Sep = new Sep(separator),
                HasHeader = true,
                Unescape = true,
                DisableColCountCheck = true,
                CultureInfo = CultureInfo.InvariantCulture,
            }).FromFile(path);
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or IOException or NotSupportedException)
        {
            throw new LsgdException($"{path} could not be read as CSV: {e.Message}");
        }
        if (reader.Header.IsEmpty || reader.Header.ColNames.All(string.IsNullOrWhiteSpace))
        {
            reader.Dispose();
            throw new LsgdException($"{path} is empty: a header row naming the columns is needed, then one row per observation.");
        }
        return reader;
    }
}
