using System.Globalization;
using System.Runtime.CompilerServices;
using nietras.SeparatedValues;

namespace Lsgd.IO;

/// <summary>
/// Turns the chosen cells of one CSV row into finite doubles, or names the file, line and column of the
/// first cell that is not one. The single place where CSV cells are validated: <see cref="CsvReader"/>
/// (whole file in memory) and <see cref="CsvRowSource"/> (streaming) both call it, from the worker threads of
/// their <see cref="CsvParsePass"/>: for every row Sep reads, and for the rows and cells the pass's byte-level
/// path does not take (<see cref="ParsesBytes"/>).
/// </summary>
/// <remarks>
/// Cells are trimmed, then read in the invariant culture with <see cref="NumberStyles.Float"/>. Plain decimals
/// exact by Clinger's fast path go through <see cref="PlainDecimal"/>; the rest of the common
/// case goes through csFastFloat (the parser Sep itself uses), about three times faster than
/// <see cref="double.TryParse(ReadOnlySpan{char}, NumberStyles, IFormatProvider?, out double)"/>; it is taken
/// only when it consumes the whole cell and gives a finite number, which for such input is the same,
/// correctly rounded double. Everything else (text, NaN, infinities, odd spellings) goes to the runtime's
/// parser, so which cells are accepted and what the messages say does not depend on the fast path.
/// This type is immutable, so one instance may parse rows on several threads.
/// </remarks>
internal sealed class CsvRowParser
{
    private readonly string _path;
    private readonly char _separator;
    private readonly CsvFormat _format;
    private readonly bool _drop;
    private readonly bool _decimalComma;
    private readonly IReadOnlyList<string> _header;
    private readonly int[] _indices;

    /// <summary>Finds <paramref name="columns"/> in the header of <paramref name="reader"/>.</summary>
    /// <exception cref="LsgdException">A column is not in the header.</exception>
    public CsvRowParser(string path, SepReader reader, IReadOnlyList<string> columns, CsvFormat format)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(format);
        _path = path;
        _separator = reader.Spec.Sep.Separator;
        _format = format;
        _drop = format.Missing == MissingValues.Drop;
        _decimalComma = format.DecimalComma;
        _header = [.. reader.Header.ColNames];
        _indices = new int[columns.Count];
        for (int j = 0; j < columns.Count; j++)
        {
            if (!reader.Header.TryIndexOf(columns[j], out _indices[j]))
                throw new LsgdException($"{path} has no column {Quote.Text(columns[j])}. Its columns are: {Quote.List(_header)}.");
        }
    }

    /// <summary>The number of values each row gives.</summary>
    public int Width => _indices.Length;

    /// <summary>Parses the chosen cells of <paramref name="row"/> into <paramref name="values"/>.</summary>
    /// <param name="row">The current row of the reader.</param>
    /// <param name="values">Receives <see cref="Width"/> values, in the order of the chosen columns.</param>
    /// <returns>False for a blank line, which holds no data and is skipped; true otherwise.</returns>
    /// <exception cref="CsvFormatException">A ragged row, or a cell that is empty, not a number, NaN or infinite.</exception>
    public bool TryParse(SepReader.Row row, Span<double> values)
    {
        if (!IsDataRow(row)) return false;
        int line = row.LineNumberFrom;
        for (int j = 0; j < _indices.Length; j++)
            values[j] = ParseCell(Cell(row, j), line, j);
        return true;
    }

    /// <summary>
    /// Whether <paramref name="row"/> holds data: false for a blank line, and with <see cref="MissingValues.Drop"/>
    /// for a row with a missing value in a chosen column; throws for a ragged row.
    /// </summary>
    /// <exception cref="CsvFormatException">The row has more or fewer fields than the header.</exception>
    public bool IsDataRow(SepReader.Row row) => IsDataRow(row, row.LineNumberFrom);

    /// <summary><see cref="IsDataRow(SepReader.Row)"/> for a row whose first line in the file is <paramref name="line"/>.</summary>
    /// <exception cref="CsvFormatException">The row has more or fewer fields than the header.</exception>
    public bool IsDataRow(SepReader.Row row, int line)
    {
        if (row.ColCount == _header.Count)
        {
            if (_drop)
            {
                for (int j = 0; j < _indices.Length; j++)
                    if (CsvFormat.IsMissing(Cell(row, j).Trim())) return false;
            }
            return true;
        }
        ThrowUnlessBlank(row.ColCount, row.Span, line);
        return false;
    }

    /// <summary>
    /// For a row whose field count is not the header's: returns for a blank line (one field, only white space),
    /// which holds no data and is skipped; throws the ragged row's error otherwise.
    /// </summary>
    /// <param name="colCount">The row's number of fields.</param>
    /// <param name="text">The row's text, without its line ending.</param>
    /// <param name="line">The row's (first) line.</param>
    /// <exception cref="CsvFormatException">The row has more or fewer fields than the header.</exception>
    public void ThrowUnlessBlank(int colCount, ReadOnlySpan<char> text, int line)
    {
        if (colCount == 1 && text.IsWhiteSpace()) return;
        int column = Math.Min(colCount, _header.Count) + 1;
        throw new CsvFormatException(_path, line, column, null,
            $"the row has {Plural(colCount, "field")} but the header has {_header.Count}. " +
            (colCount < _header.Count ? "A value is missing" : "There is an extra value") +
            $", or the separator is not {Quote.Text(_separator.ToString())}.");
    }

    /// <summary>The number of fields of the header, which every data row has.</summary>
    public int HeaderCount => _header.Count;

    /// <summary>The field separator.</summary>
    public char Separator => _separator;

    /// <summary>The header position of each chosen column, in the order of the chosen columns.</summary>
    public ReadOnlySpan<int> Positions => _indices;

    /// <summary>
    /// Whether rows of plain UTF-8 text may be split and parsed as bytes (<see cref="PlainDecimal.TryParseKnownField"/> or <see cref="PlainDecimal.TryParseField"/>,
    /// then <see cref="ParseCell"/> for any cell it declines): a decimal point, missing values as errors, and an ASCII
    /// separator that cannot be part of a number.
    /// </summary>
    public bool ParsesBytes => !_decimalComma && !_drop && _separator < 128 && !"0123456789+-.eE \"\r\n".Contains(_separator);

    /// <summary>The (unescaped, untrimmed) text of the <paramref name="j"/>-th chosen cell of <paramref name="row"/>.</summary>
    public ReadOnlySpan<char> Cell(SepReader.Row row, int j) => row[_indices[j]].Span;

    /// <summary>
    /// Parses the <paramref name="j"/>-th chosen cell, given as <see cref="Cell"/> returned it (it is trimmed
    /// here), of the row that starts on <paramref name="line"/>.
    /// </summary>
    /// <exception cref="CsvFormatException">The cell is empty, not a number, NaN or infinite.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double ParseCell(ReadOnlySpan<char> cell, int line, int j)
    {
        if (!_decimalComma && PlainDecimal.TryParse(cell, out double plain))
            return plain;
        cell = cell.Trim();
        if (!_decimalComma && csFastFloat.FastDoubleParser.TryParseDouble(cell, out int used, out double v) &&
            used == cell.Length && double.IsFinite(v))
            return v;
        return ParseSlowly(cell, line, j);
    }

    /// <summary>
    /// The <paramref name="j"/>-th chosen cell read as text (a category), trimmed; a missing value (empty, NA, …)
    /// is the same error as in a numeric column.
    /// </summary>
    /// <exception cref="CsvFormatException">The cell is a missing value.</exception>
    public string ParseText(ReadOnlySpan<char> cell, int line, int j)
    {
        cell = cell.Trim();
        if (CsvFormat.IsMissing(cell))
            throw new CsvFormatException(_path, line, _indices[j] + 1, _header[_indices[j]], (cell.IsEmpty ? "the cell is empty (a missing value)" : $"{Quote.Text(cell)} is a missing value") +
                ". Fill it in, or skip rows with missing values with --missing drop.");
        return cell.ToString();
    }

    /// <summary>The runtime's parser, for every cell the fast path declined; throws the cell's error.</summary>
    private double ParseSlowly(ReadOnlySpan<char> cell, int line, int j)
    {
        int column = _indices[j] + 1;
        string name = _header[_indices[j]];
        if (cell.IsEmpty)
            throw new CsvFormatException(_path, line, column, name,
                "the cell is empty (a missing value). Fill it in, or skip rows with missing values with --missing drop.");
        if (CsvFormat.IsMissing(cell))
            throw new CsvFormatException(_path, line, column, name,
                $"{Quote.Text(cell)} is a missing value. Fill it in, or skip rows with missing values with --missing drop.");
        if (!_format.TryParseNumber(cell, out double v))
            throw new CsvFormatException(_path, line, column, name, $"{Quote.Text(cell)} is not a number. " + NumberHint(cell));
        if (!double.IsFinite(v))
            throw new CsvFormatException(_path, line, column, name,
                $"{Quote.Text(cell)} is not a finite number. Remove or impute that row.");
        return v;
    }

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    private static readonly System.Buffers.SearchValues<char> CommaNumberChars = System.Buffers.SearchValues.Create("0123456789,+-eE");

    private string NumberHint(ReadOnlySpan<char> cell)
    {
        if (_format.DecimalComma)
            return "With --decimal-comma, write numbers as 3,25 or 1e-3 (no '.' thousands separators).";
        if (cell.Contains(',') && _separator != ',' && cell.IndexOfAnyExcept(CommaNumberChars) < 0)
            return "It looks like a decimal comma: add --decimal-comma.";
        return "Use digits with '.' as the decimal point, e.g. 3.25 or 1e-3.";
    }
}
