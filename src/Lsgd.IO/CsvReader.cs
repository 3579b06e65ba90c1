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
    /// Names of the numeric columns: those whose first non-empty cell (among the first 100 rows) is a number,
    /// on the assumption that a column's type does not change down the file (a later text cell is then an error).
    /// </summary>
    public static IReadOnlyList<string> NumericColumns(string path, char separator = ',')
    {
        // Judge each column on its first non-empty cell among the first rows, so that a numeric column
        // whose first cell happens to be empty is not dropped (the empty cell is still an error when read).
        const int RowsToInspect = 100;
        using var reader = Open(path, separator);
        var names = reader.Header.ColNames;
        var kind = new bool?[names.Count];
        int seen = 0;
        foreach (var row in reader)
        {
            if (row.Span.IsWhiteSpace()) continue;
            for (int j = 0; j < Math.Min(row.ColCount, names.Count); j++)
            {
                var cell = row[j].Span.Trim();
                if (kind[j] is null && !cell.IsEmpty)
                    kind[j] = double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
            }
            if (++seen >= RowsToInspect || kind.All(k => k is not null)) break;
        }
        if (seen == 0)
            throw new LsgdException($"{path} has a header but no data rows: add one row per observation below the header.");
        return [.. names.Where((_, j) => kind[j] == true)];
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
        var parser = new CsvRowParser(path, reader, columns, separator);
        int width = parser.Width;
        var values = new double[Math.Max(width, 1) * 1024];
        var lines = new List<int>();
        foreach (var row in reader)
        {
            if ((long)(lines.Count + 1) * width > values.Length)
                Array.Resize(ref values, (int)Math.Min(Array.MaxLength, 2L * values.Length));
            if (parser.TryParse(row, values.AsSpan(lines.Count * width, width)))
                lines.Add(row.LineNumberFrom);
        }
        if (lines.Count == 0)
            throw new LsgdException($"{path} has a header but no data rows: add one row per observation below the header.");
        Array.Resize(ref values, lines.Count * width);
        return new NumericTable(path, [.. columns], values, lines.Count, [.. lines]);
    }

    /// <summary>Opens <paramref name="path"/> with the reader settings every CSV read here shares.</summary>
    /// <exception cref="LsgdException">Missing file, a folder, unreadable or empty file.</exception>
    internal static SepReader Open(string path, char separator)
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
