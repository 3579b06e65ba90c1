using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using Lsgd.Data;

namespace Lsgd.IO;

/// <summary>
/// A CSV file read as a stream of row chunks, for data larger than memory: the same columns, rules and
/// messages as <see cref="CsvDataset"/> and <see cref="CsvReader.ReadColumns"/> (features used as they are).
/// </summary>
/// <remarks>
/// Each pass parses the file on a background thread that runs up to <see cref="ReadAhead"/> chunks ahead of
/// the consumer, so parsing overlaps with whatever the consumer computes; memory stays at
/// <see cref="ReadAhead"/> + 2 chunks. A bad cell stops the pass where it is met: the rows before it are
/// delivered, then the consumer's <c>MoveNext</c> throws the reader's <see cref="CsvFormatException"/>
/// (file, line, column). Cancelling the token, or leaving the <c>foreach</c> early, stops the reader thread
/// and closes the file before control returns.
/// </remarks>
public sealed class CsvRowSource : IRowSource
{
    /// <summary>How many parsed chunks the reader thread may hold ready beyond the one it is filling.</summary>
    public const int ReadAhead = 2;

    private readonly string[] _columns;
    private readonly char _separator;

    /// <summary>Checks the columns against the header (reading the first data row only for the default features).</summary>
    /// <param name="path">CSV file with a header row.</param>
    /// <param name="targets">Target column(s); more than one gives a multi-output model.</param>
    /// <param name="features">Feature columns; null or empty means every other numeric column, judged from the first data row.</param>
    /// <param name="separator">Field separator.</param>
    /// <exception cref="LsgdException">Missing or empty file, unknown or repeated column, no feature column.</exception>
    public CsvRowSource(string path, IReadOnlyList<string> targets, IReadOnlyList<string>? features = null, char separator = ',')
    {
        var inputs = ColumnSelection.Resolve(path, () => CsvReader.ReadHeader(path, separator), targets, features,
            () => CsvReader.NumericColumns(path, separator));
        new FeatureSpec(inputs).Validate();
        Path = path;
        FeatureNames = inputs;
        TargetNames = [.. targets];
        _columns = [.. inputs, .. targets];
        _separator = separator;
    }

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

    /// <summary>The reader thread of the latest pass (for tests that check it has stopped).</summary>
    internal Thread? LastReaderThread { get; private set; }

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
        using var pass = new ReaderPass(this, chunkRows, cancellationToken);
        LastReaderThread = pass.Thread;
        foreach (var chunk in pass.Chunks())
            yield return chunk;
    }

    /// <summary>
    /// One pass over the file: a reader thread parses rows into recycled buffers and hands full chunks over
    /// a bounded queue; the consumer gives each buffer back when it asks for the next chunk.
    /// </summary>
    private sealed class ReaderPass : IDisposable
    {
        private const int InitialRows = 1024;
        private readonly CsvRowSource _source;
        private readonly int _chunkRows;
        private readonly CancellationToken _consumerToken;
        private readonly CancellationTokenSource _stop;
        private readonly BlockingCollection<RowChunk> _ready = new(ReadAhead);
        private readonly BlockingCollection<RowChunk> _free = new();
        private int _buffers;
        private ExceptionDispatchInfo? _failure;

        public ReaderPass(CsvRowSource source, int chunkRows, CancellationToken cancellationToken)
        {
            _source = source;
            _chunkRows = Math.Min(chunkRows, Array.MaxLength / Math.Max(source.Features, source.Outputs));
            _consumerToken = cancellationToken;
            _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Thread = new Thread(Read) { IsBackground = true, Name = "lsgd csv reader" };
            Thread.Start();
        }

        public Thread Thread { get; }

        /// <summary>The chunks in file order; then the reader's exception, if it met one.</summary>
        public IEnumerable<RowChunk> Chunks()
        {
            foreach (var chunk in _ready.GetConsumingEnumerable(_consumerToken))
            {
                yield return chunk;
                _free.Add(chunk, CancellationToken.None);
            }
            _consumerToken.ThrowIfCancellationRequested();
            _failure?.Throw();
        }

        private void Read()
        {
            var token = _stop.Token;
            try
            {
                int d = _source.Features, k = _source.Outputs;
                using var reader = CsvReader.Open(_source.Path, _source._separator);
                var parser = new CsvRowParser(_source.Path, reader, _source._columns, _source._separator);
                var values = new double[d + k];
                var buffer = NextBuffer(token);
                int rows = 0;
                long first = 0;
                foreach (var line in reader)
                {
                    token.ThrowIfCancellationRequested();
                    if (!parser.TryParse(line, values)) continue;
                    if (rows * d == buffer.X.Length)
                        buffer = Grow(buffer, rows);
                    values.AsSpan(0, d).CopyTo(buffer.X.AsSpan(rows * d, d));
                    values.AsSpan(d, k).CopyTo(buffer.Y.AsSpan(rows * k, k));
                    if (++rows < _chunkRows) continue;
                    _ready.Add(buffer with { Rows = rows, FirstRow = first }, token);
                    first += rows;
                    rows = 0;
                    buffer = NextBuffer(token);
                }
                if (rows > 0)
                    _ready.Add(buffer with { Rows = rows, FirstRow = first }, token);
                else if (first == 0)
                    throw new LsgdException($"{_source.Path} has a header but no data rows: add one row per observation below the header.");
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // The consumer cancelled or left: nobody waits for more chunks.
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _failure = ExceptionDispatchInfo.Capture(new LsgdException($"{_source.Path} could not be read: {e.Message}", e));
            }
            catch (Exception e)
            {
                // Whatever it is (a CsvFormatException above all), it is rethrown as it is on the consumer's thread.
                _failure = ExceptionDispatchInfo.Capture(e);
            }
            finally
            {
                _ready.CompleteAdding();
            }
        }

        /// <summary>
        /// A buffer the consumer gave back, or a new one while fewer than <see cref="ReadAhead"/> + 2 exist.
        /// New buffers start small and grow to the chunk size only if the file has that many rows.
        /// </summary>
        private RowChunk NextBuffer(CancellationToken token)
        {
            if (_free.TryTake(out var chunk))
                return chunk;
            if (_buffers == ReadAhead + 2)
                return _free.Take(token);
            _buffers++;
            int rows = Math.Min(_chunkRows, InitialRows);
            return new RowChunk(new double[rows * _source.Features], new double[rows * _source.Outputs], 0, 0);
        }

        /// <summary>Doubles the room of <paramref name="buffer"/> (up to the chunk size), keeping its first <paramref name="rows"/> rows.</summary>
        private RowChunk Grow(RowChunk buffer, int rows)
        {
            int d = _source.Features, k = _source.Outputs;
            int room = (int)Math.Min(_chunkRows, 2L * Math.Max(rows, 1));
            var x = new double[room * d];
            var y = new double[room * k];
            buffer.X.AsSpan(0, rows * d).CopyTo(x);
            buffer.Y.AsSpan(0, rows * k).CopyTo(y);
            return new RowChunk(x, y, 0, 0);
        }

        /// <summary>Stops the reader thread and waits for it, so the file is closed when this returns.</summary>
        public void Dispose()
        {
            _stop.Cancel();
            Thread.Join();
            _stop.Dispose();
            _ready.Dispose();
            _free.Dispose();
        }
    }
}
