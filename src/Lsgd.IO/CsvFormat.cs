using System.Globalization;

namespace Lsgd.IO;

/// <summary>What to do with a missing value (an empty cell, <c>NA</c>, <c>N/A</c>, <c>NaN</c> or <c>null</c>) in a chosen column.</summary>
public enum MissingValues
{
    /// <summary>Stop with an error naming the file, line and column (the default).</summary>
    Error,

    /// <summary>Skip every row that has a missing value in a column being read.</summary>
    Drop,
}

/// <summary>
/// How a CSV file is written: the field separator (or none given, to detect it from the header line), whether
/// numbers use a decimal comma (<c>3,25</c>, as European spreadsheets export them) and what a missing value means.
/// A <see cref="char"/> converts to a format with that separator.
/// </summary>
public sealed record CsvFormat
{
    /// <summary>Comma-separated, decimal point, missing values are errors.</summary>
    public static CsvFormat Default { get; } = new() { Separator = ',' };

    /// <summary>The field separator; null detects it (see <see cref="SeparatorFor"/>).</summary>
    public char? Separator { get; init; }

    /// <summary>Whether numbers are written with a decimal comma (<c>3,25</c>); then the separator cannot be a comma.</summary>
    public bool DecimalComma { get; init; }

    /// <summary>What to do with missing values in the columns read.</summary>
    public MissingValues Missing { get; init; }

    /// <summary>A comma-separated format with <paramref name="separator"/> instead.</summary>
    public static implicit operator CsvFormat(char separator) => FromChar(separator);

    /// <summary>A format with <paramref name="separator"/>, a decimal point, and missing values as errors.</summary>
    public static CsvFormat FromChar(char separator) => new() { Separator = separator };

    /// <summary>
    /// The separator to read <paramref name="path"/> with: the one given; else tab for a <c>.tsv</c> file; else
    /// whichever of comma, semicolon and tab occurs most often (outside quotes) in the header line, a comma when
    /// none does (semicolon with <see cref="DecimalComma"/>).
    /// </summary>
    /// <exception cref="LsgdException">A decimal comma with a comma separator.</exception>
    public char SeparatorFor(string path)
    {
        char separator = Separator ?? Detect(path);
        if (DecimalComma && separator == ',')
            throw new LsgdException("--decimal-comma needs a separator other than ',': give --separator ';' (or tab), as files with a decimal comma use.");
        return separator;
    }

    private char Detect(string path)
    {
        if (path.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase))
            return '\t';
        string? header = null;
        try
        {
            using var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
            var buffer = new char[64 * 1024];
            int read = reader.ReadBlock(buffer, 0, buffer.Length);
            int end = Array.IndexOf(buffer, '\n', 0, read);
            header = new string(buffer, 0, end < 0 ? read : end);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            // Opening the file again reports the problem.
        }
        int commas = 0, semicolons = 0, tabs = 0;
        bool quoted = false;
        foreach (char c in header ?? "")
        {
            if (c == '"') quoted = !quoted;
            else if (quoted) continue;
            else if (c == ',') commas++;
            else if (c == ';') semicolons++;
            else if (c == '\t') tabs++;
        }
        if (DecimalComma) commas = 0;
        if (commas == 0 && semicolons == 0 && tabs == 0)
            return DecimalComma ? ';' : ',';
        if (commas >= semicolons && commas >= tabs) return ',';
        return semicolons >= tabs ? ';' : '\t';
    }

    /// <summary>Whether the (trimmed) cell is a missing value: empty, NA, N/A, NaN or null, in any case.</summary>
    public static bool IsMissing(ReadOnlySpan<char> cell) =>
        cell.IsEmpty ||
        cell.Equals("NA", StringComparison.OrdinalIgnoreCase) ||
        cell.Equals("N/A", StringComparison.OrdinalIgnoreCase) ||
        cell.Equals("NaN", StringComparison.OrdinalIgnoreCase) ||
        cell.Equals("null", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether a cell that is not a number here would be one with <see cref="DecimalComma"/> (3,25 in a ';'-separated file).</summary>
    internal bool LooksLikeDecimalComma(ReadOnlySpan<char> cell, char separator) =>
        !DecimalComma && separator != ',' && cell.Contains(',') && (this with { DecimalComma = true }).TryParseNumber(cell, out _);

    /// <summary>Parses a trimmed cell as a number in this format (decimal point or comma), finite or not.</summary>
    internal bool TryParseNumber(ReadOnlySpan<char> cell, out double value)
    {
        if (!DecimalComma)
            return double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        if (cell.Contains('.'))
        {
            value = 0;
            return false;
        }
        Span<char> copy = cell.Length <= 256 ? stackalloc char[cell.Length] : new char[cell.Length];
        cell.CopyTo(copy);
        copy.Replace(',', '.');
        return double.TryParse(copy, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }
}
