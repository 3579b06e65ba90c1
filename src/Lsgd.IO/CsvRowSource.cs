using Lsgd.Data;

namespace Lsgd.IO;

/// <summary>
/// A CSV file read as a stream of row chunks, for data larger than memory: the same columns, rules and
/// messages as <see cref="CsvDataset"/> and <see cref="CsvReader.ReadColumns"/> (features used as they are).
/// </summary>
/// <remarks>
/// Each pass (a <see cref="CsvParsePass"/>, shared with <see cref="CsvReader.ReadColumns"/>) reads the file's bytes
/// on a background reader thread, in blocks of whole rows (about <see cref="BatchRows"/> rows of 64 bytes), and
/// parses them on <see cref="Environment.ProcessorCount"/> worker threads: each worker splits its block into rows
/// and cells and turns cells into numbers — plain text as bytes (vector scans for the separators, one vector parse
/// per common cell), anything else (quotes, carriage returns,
/// non-ASCII text, a decimal comma, dropped missing values) with Sep — skipping blank lines and rejecting ragged
/// rows. Blocks reach the consumer in file order and their rows are copied into chunks of the size asked for, so
/// the numbers, their order and the chunks are those of a single-threaded read. The reader runs up to
/// <see cref="ReadAhead"/> + 2 blocks per worker ahead of the consumer, and a pass's chunk buffers are reused:
/// memory stays at one chunk plus about a megabyte of blocks. A bad cell stops the pass where it is met:
/// the whole chunks before it are delivered, then the consumer's <c>MoveNext</c> throws the
/// <see cref="CsvFormatException"/> (file, line, column) of the first bad row. Cancelling the token, or leaving
/// the <c>foreach</c> early, stops the reader and worker threads and closes the file before control returns.
/// </remarks>
public sealed class CsvRowSource : IRowSource
{
    /// <summary>How many blocks of text per worker thread the reader may read ahead of the consumer, beyond the two it holds.</summary>
    public const int ReadAhead = CsvParsePass.ReadAhead;

    /// <summary>Size of a block of text handed to a worker thread, in rows of 64 bytes (a block holds at least one whole row).</summary>
    public const int BatchRows = 1024;

    private readonly string[] _columns;
    private readonly CsvFormat _format;

    /// <summary>Checks the columns against the header (reading the first rows only for the default features).</summary>
    /// <param name="path">CSV file with a header row.</param>
    /// <param name="targets">Target column(s); more than one gives a multi-output model.</param>
    /// <param name="features">Feature columns; null or empty means every other numeric column (see <see cref="CsvReader.NumericColumns"/>).</param>
    /// <param name="format">Separator, decimal comma and missing values (default: comma-separated, missing values are errors).</param>
    /// <param name="weights">
    /// The column of row weights for weighted least squares, or null: chunks then carry them (<see cref="RowChunk.W"/>),
    /// and a negative, missing or non-finite weight stops the pass with its line and column.
    /// </param>
    /// <exception cref="LsgdException">Missing or empty file, unknown or repeated column, no feature column.</exception>
    public CsvRowSource(string path, IReadOnlyList<string> targets, IReadOnlyList<string>? features = null, CsvFormat? format = null, string? weights = null)
    {
        format ??= CsvFormat.Default;
        var inputs = ColumnSelection.Resolve(path, () => CsvReader.ReadHeader(path, format), targets, features,
            () => CsvReader.NumericColumns(path, format), weights);
        new FeatureSpec(inputs).Validate();
        Path = path;
        FeatureNames = inputs;
        TargetNames = [.. targets];
        WeightName = weights;
        _columns = weights is null ? [.. inputs, .. targets] : [.. inputs, .. targets, weights];
        _weightColumn = weights is null ? 0 : CsvReader.ReadHeader(path, format).ToList().IndexOf(weights) + 1;
        _format = format;
    }

    private readonly int _weightColumn;

    /// <summary>The column of row weights, or null for unweighted rows.</summary>
    public string? WeightName { get; }

    /// <summary>The CSV file.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public int Features => FeatureNames.Count;

    /// <inheritdoc />
    public int Outputs => TargetNames.Count;

    /// <inheritdoc />
    public IReadOnlyList<string> FeatureNames { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> TargetNames { get; }

    /// <summary>Always null: a CSV file's rows are known only once it has been read.</summary>
    public long? RowCount => null;

    /// <summary>The threads of the latest pass, reader first (for tests that check they have stopped).</summary>
    internal IReadOnlyList<Thread> LastPassThreads { get; private set; } = [];

    /// <summary>Worker threads per pass (tests set other counts).</summary>
    internal int WorkerThreads { get; set; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>
    /// Only the rows of this block of the file (after its header), or null for the whole file; a block's lines, in its
    /// chunks and messages, count from the header as if the block followed it (add <see cref="CsvBlock.LineShift"/>).
    /// </summary>
    internal CsvBlock? Block { get; init; }

    /// <summary>Block size, in rows of 64 bytes (tests set smaller ones).</summary>
    internal int RowsPerBatch { get; set; } = BatchRows;

    /// <inheritdoc />
    /// <exception cref="CsvFormatException">A ragged row, or a cell that is empty, not a number, NaN or infinite.</exception>
    /// <exception cref="LsgdException">The file has no data rows, or could not be read.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public IEnumerable<RowChunk> ReadChunks(int chunkRows, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkRows, 1);
        return Pass(chunkRows, cancellationToken);
    }

    private IEnumerable<RowChunk> Pass(int chunkRows, CancellationToken cancellationToken)
    {
        bool weighted = WeightName is not null;
        using var pass = new CsvParsePass(Path, _format, _columns, Features, chunkRows, WorkerThreads, RowsPerBatch,
            keepLines: weighted, handOver: false, cancellationToken, Block);
        LastPassThreads = pass.Threads;
        double[] y = [], w = [];
        int k = Outputs;
        foreach (var chunk in pass.Chunks())
        {
            if (!weighted)
            {
                yield return new RowChunk(chunk.X, chunk.Y, chunk.Rows, chunk.FirstRow);
                continue;
            }
            // The weight was read as a last target column: split it off, and check it (the line is known here).
            if (y.Length < chunk.Rows * k) (y, w) = (new double[chunk.Rows * k], new double[chunk.Rows]);
            for (int i = 0; i < chunk.Rows; i++)
            {
                chunk.Y.AsSpan(i * (k + 1), k).CopyTo(y.AsSpan(i * k, k));
                w[i] = chunk.Y[i * (k + 1) + k];
                if (WeightColumn.Problem(w[i]) is { } problem)
                    throw new CsvFormatException(Path, chunk.Lines![i], _weightColumn, WeightName, problem);
            }
            yield return new RowChunk(chunk.X, y, chunk.Rows, chunk.FirstRow, w);
        }
    }
}
