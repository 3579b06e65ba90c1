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
    /// <param name="path">The CSV file.</param>
    /// <param name="format">Separator, decimal comma and missing values (default: comma-separated).</param>
    public static IReadOnlyList<string> ReadHeader(string path, CsvFormat? format = null)
    {
        using var reader = Open(path, format ?? CsvFormat.Default);
        return [.. reader.Header.ColNames];
    }

    /// <summary>
    /// Names of the numeric columns: those with a number in any of their first <see cref="RowsToInspect"/>
    /// rows. Missing values (<see cref="CsvFormat.IsMissing"/>) decide nothing, so a column is not dropped because
    /// its first cells are <c>NA</c>; a text cell in a numeric column is then an error naming its line and column
    /// when the column is read. A column with no number in those rows (text, or only missing values) is not numeric;
    /// numbers with a decimal comma count as numbers, so that reading them names the cell and suggests --decimal-comma.
    /// </summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="format">Separator, decimal comma and missing values (default: comma-separated).</param>
    public static IReadOnlyList<string> NumericColumns(string path, CsvFormat? format = null)
    {
        format ??= CsvFormat.Default;
        using var reader = Open(path, format);
        var names = reader.Header.ColNames;
        char separator = reader.Spec.Sep.Separator;
        var numeric = new bool[names.Count];
        int seen = 0, found = 0;
        foreach (var row in reader)
        {
            if (row.Span.IsWhiteSpace()) continue;
            for (int j = 0; j < Math.Min(row.ColCount, names.Count); j++)
            {
                if (numeric[j]) continue;
                var cell = row[j].Span.Trim();
                if (!CsvFormat.IsMissing(cell) && (format.TryParseNumber(cell, out _) || format.LooksLikeDecimalComma(cell, separator)))
                {
                    numeric[j] = true;
                    found++;
                }
            }
            if (++seen >= RowsToInspect || found == names.Count) break;
        }
        if (seen == 0)
            throw new LsgdException($"{path} has a header but no data rows: add one row per observation below the header.");
        return [.. names.Where((_, j) => numeric[j])];
    }

    /// <summary>How many data rows <see cref="NumericColumns"/> looks at.</summary>
    public const int RowsToInspect = 1000;

    /// <summary>Reads the named columns of every row as finite numbers.</summary>
    /// <remarks>
    /// The file is read by a <see cref="CsvParsePass"/> (a reader thread and one parser thread per core, as
    /// <see cref="CsvRowSource"/> streams it; a file of at most <see cref="SmallFileBytes"/> on the calling
    /// thread alone) in chunks of about <see cref="ChunkValues"/> values, which are kept and copied into the
    /// table's one array at the end: the peak is twice the table, plus a chunk.
    /// </remarks>
    /// <param name="path">The CSV file.</param>
    /// <param name="columns">Header names to read, in the order wanted.</param>
    /// <param name="format">Separator, decimal comma and missing values (default: comma-separated, missing values are errors).</param>
    /// <exception cref="LsgdException">Missing file, unknown column, no data rows, more values than an array holds.</exception>
    /// <exception cref="CsvFormatException">A ragged row, or a cell that is empty, not a number, NaN or infinite.</exception>
    public static NumericTable ReadColumns(string path, IReadOnlyList<string> columns, CsvFormat? format = null)
    {
        ArgumentNullException.ThrowIfNull(columns);
        int workers = IsSmall(path) ? 0 : Math.Max(1, Environment.ProcessorCount);
        return ReadTable(path, columns, format ?? CsvFormat.Default, workers, Math.Max(1, ChunkValues / Math.Max(1, columns.Count)),
            CsvRowSource.BatchRows);
    }

    /// <summary>
    /// Files up to this size are read and parsed on the calling thread: starting the pass's threads costs about
    /// 0.4 ms, what parsing some 100 KB on one thread takes.
    /// </summary>
    internal const long SmallFileBytes = 256 * 1024;

    private static bool IsSmall(string? path)
    {
        try
        {
            return !string.IsNullOrEmpty(path) && File.Exists(path) && new FileInfo(path).Length <= SmallFileBytes;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return false; // the pass reports the problem
        }
    }

    /// <summary>Values per chunk of <see cref="ReadColumns"/> (8 MiB of doubles).</summary>
    internal const int ChunkValues = 1 << 20;

    /// <summary><see cref="ReadColumns"/> with the pass's sizes chosen (for tests).</summary>
    internal static NumericTable ReadTable(string path, IReadOnlyList<string> columns, CsvFormat format,
        int workers, int chunkRows, int batchRows)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string[] names = [.. columns];
        int width = names.Length;
        var chunks = new List<CsvChunk>();
        long rows = 0;
        using (var pass = new CsvParsePass(path, format, names, width, chunkRows, workers, batchRows,
            keepLines: true, handOver: true, CancellationToken.None))
        {
            foreach (var chunk in pass.Chunks())
            {
                chunks.Add(chunk);
                rows += chunk.Rows;
            }
        }
        if (rows * width > Array.MaxLength || rows > Array.MaxLength)
            throw new LsgdException($"{path} has {rows} rows × {width} columns, more values than one array holds. " +
                "Read fewer columns, or stream the file (lsgd fit --memory).");
        var values = GC.AllocateUninitializedArray<double>((int)(rows * width));
        var lines = GC.AllocateUninitializedArray<int>((int)rows);
        for (int c = 0; c < chunks.Count; c++)
        {
            var chunk = chunks[c];
            chunks[c] = default;
            int first = (int)chunk.FirstRow;
            chunk.X.AsSpan(0, chunk.Rows * width).CopyTo(values.AsSpan(first * width));
            chunk.Lines.AsSpan(0, chunk.Rows).CopyTo(lines.AsSpan(first));
        }
        return new NumericTable(path, [.. columns], values, (int)rows, lines);
    }

    /// <summary>Opens <paramref name="path"/> (or its header and one <paramref name="block"/> of it) with the reader settings every CSV read here shares.</summary>
    /// <exception cref="LsgdException">Missing file, a folder, unreadable or empty file.</exception>
    internal static SepReader Open(string path, CsvFormat format, CsvBlock? block = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(format);
        if (Directory.Exists(path))
            throw new LsgdException($"{path} is a folder, not a CSV file.");
        if (!File.Exists(path))
            throw new LsgdException($"{path} does not exist. Check the path (relative paths start from {Environment.CurrentDirectory}).");
        char separator = format.SeparatorFor(path);
        SepReader reader;
        try
        {
            var options = Sep.Reader(o => o with
            {
                Sep = new Sep(separator),
                HasHeader = true,
                Unescape = true,
                DisableColCountCheck = true,
                CultureInfo = CultureInfo.InvariantCulture,
            });
            reader = block is { } b ? options.From(b.Open(path)) : options.FromFile(path);
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or IOException or NotSupportedException)
        {
            throw new LsgdException(e.Message.Contains(" found ", StringComparison.Ordinal) && e.Message.Contains("times", StringComparison.Ordinal)
                ? $"{path} names a column twice in its header ({Quote.Text(e.Message)}): column names must be unique; rename one."
                : $"{path} could not be read as CSV: {Quote.Text(e.Message)}.");
        }
        if (reader.Header.IsEmpty || reader.Header.ColNames.All(string.IsNullOrWhiteSpace))
        {
            reader.Dispose();
            throw new LsgdException($"{path} is empty: a header row naming the columns is needed, then one row per observation.");
        }
        if (reader.Header.ColNames.Any(name => name.Contains('\0', StringComparison.Ordinal)))
        {
            reader.Dispose();
            throw new LsgdException($"{path} is not a text CSV file (binary file? or UTF-16 without a byte-order mark): its first line holds NUL characters. Save it as UTF-8 CSV.");
        }
        if (reader.Header.ColNames.Any(name => name.Any(c => c == '\uFFFD' || char.IsControl(c) && c != '\t')))
        {
            reader.Dispose();
            throw new LsgdException($"{path} does not look like a text CSV file (binary file?): its first line holds bytes that are not UTF-8 text. Save it as UTF-8 CSV.");
        }
        return reader;
    }
}
