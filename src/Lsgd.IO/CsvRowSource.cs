using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using Lsgd.Data;
using nietras.SeparatedValues;

namespace Lsgd.IO;

/// <summary>
/// A CSV file read as a stream of row chunks, for data larger than memory: the same columns, rules and
/// messages as <see cref="CsvDataset"/> and <see cref="CsvReader.ReadColumns"/> (features used as they are).
/// </summary>
/// <remarks>
/// Each pass reads the file on a background reader thread and turns cells into numbers on
/// <see cref="Environment.ProcessorCount"/> worker threads. The reader splits the file into rows with Sep,
/// skips blank lines, rejects ragged rows, and copies the chosen cells' text of up to <see cref="BatchRows"/>
/// rows into a batch; a worker parses a batch straight into its place in a chunk buffer. Chunks reach the
/// consumer in file order once all their batches are parsed, so the numbers, their order and the chunks are
/// those of a single-threaded read. The reader runs up to <see cref="ReadAhead"/> chunks ahead of the
/// consumer; memory stays at <see cref="ReadAhead"/> + 2 chunks plus a few batches of text. A bad cell stops
/// the pass where it is met: the whole chunks before it are delivered, then the consumer's <c>MoveNext</c>
/// throws the <see cref="CsvFormatException"/> (file, line, column) of the first bad row. Cancelling the
/// token, or leaving the <c>foreach</c> early, stops the reader and worker threads and closes the file before
/// control returns.
/// </remarks>
public sealed class CsvRowSource : IRowSource
{
    /// <summary>How many parsed chunks the reader thread may hold ready beyond the one it is filling.</summary>
    public const int ReadAhead = 2;

    /// <summary>Rows per batch of cells handed to a worker thread (fewer when a chunk is smaller).</summary>
    public const int BatchRows = 1024;

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

    /// <summary>The threads of the latest pass, reader first (for tests that check they have stopped).</summary>
    internal IReadOnlyList<Thread> LastPassThreads { get; private set; } = [];

    /// <summary>Worker threads per pass (tests set other counts).</summary>
    internal int WorkerThreads { get; set; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>Rows per batch (tests set smaller ones).</summary>
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
        using var pass = new ReaderPass(this, chunkRows, cancellationToken);
        LastPassThreads = pass.Threads;
        foreach (var chunk in pass.Chunks())
            yield return chunk;
    }

    /// <summary>
    /// One pass over the file. The reader thread fills batches with the text of the chosen cells and queues
    /// them for the workers, which parse each into its rows of a chunk buffer (a <see cref="Slot"/>); full
    /// chunks go over a bounded queue in file order, and the consumer waits for a chunk's last batch before it
    /// gets the chunk. Buffers and batches are recycled.
    /// </summary>
    private sealed class ReaderPass : IDisposable
    {
        private const int InitialRows = 1024;
        private readonly CsvRowSource _source;
        private readonly int _chunkRows;
        private readonly int _batchRows;
        private readonly int _maxBatches;
        private readonly CancellationToken _consumerToken;
        private readonly CancellationTokenSource _stop;
        private readonly BlockingCollection<Slot> _ready = new(ReadAhead);
        private readonly BlockingCollection<Slot> _free = new();
        private readonly BlockingCollection<Batch> _work = new();
        private readonly BlockingCollection<Batch> _freeBatches = new();
        private readonly List<Slot> _slots = [];
        private int _batches;
        private CsvRowParser? _parser;
        private ExceptionDispatchInfo? _failure;

        public ReaderPass(CsvRowSource source, int chunkRows, CancellationToken cancellationToken)
        {
            _source = source;
            _chunkRows = Math.Min(chunkRows, Array.MaxLength / Math.Max(source.Features, source.Outputs));
            _batchRows = Math.Clamp(source.RowsPerBatch, 1, _chunkRows);
            int workers = Math.Max(1, source.WorkerThreads);
            _maxBatches = 2 * workers + 2;
            _consumerToken = cancellationToken;
            _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var threads = new List<Thread> { new(Read) { IsBackground = true, Name = "lsgd csv reader" } };
            for (int i = 0; i < workers; i++)
                threads.Add(new Thread(Work) { IsBackground = true, Name = $"lsgd csv parser {i + 1}" });
            Threads = threads;
            foreach (var thread in threads)
                thread.Start();
        }

        /// <summary>The reader thread, then the workers.</summary>
        public IReadOnlyList<Thread> Threads { get; }

        /// <summary>The chunks in file order; then the first error, if the pass met one.</summary>
        public IEnumerable<RowChunk> Chunks()
        {
            Slot? held = null;
            foreach (var slot in _ready.GetConsumingEnumerable(_consumerToken))
            {
                if (held is not null)
                    _free.Add(held, CancellationToken.None);
                held = null;
                slot.Idle.Wait(_consumerToken);
                if (slot.Error is { } error)
                    ExceptionDispatchInfo.Throw(error);
                if (!slot.Whole)
                    continue; // the rows before the reader's error: not delivered, the error follows
                held = slot;
                yield return new RowChunk(slot.X, slot.Y, slot.Rows, slot.FirstRow);
            }
            _consumerToken.ThrowIfCancellationRequested();
            _failure?.Throw();
        }

        private void Read()
        {
            var token = _stop.Token;
            Slot? slot = null;
            Batch? batch = null;
            try
            {
                using var reader = CsvReader.Open(_source.Path, _source._separator);
                var parser = new CsvRowParser(_source.Path, reader, _source._columns, _source._separator);
                _parser = parser; // published to the workers by the work queue
                slot = NextSlot(token);
                int rows = 0;
                long first = 0;
                foreach (var row in reader)
                {
                    token.ThrowIfCancellationRequested();
                    if (!parser.IsDataRow(row)) continue;
                    if (rows == slot.Capacity)
                        Grow(slot, rows, token);
                    batch ??= NextBatch(token).Start(slot, rows);
                    batch.Add(row, parser);
                    ++rows;
                    if (batch.Rows == _batchRows || rows == _chunkRows)
                    {
                        Queue(batch);
                        batch = null;
                    }
                    if (rows < _chunkRows) continue;
                    slot.Close(rows, first, whole: true);
                    _ready.Add(slot, token);
                    first += rows;
                    rows = 0;
                    slot = NextSlot(token);
                }
                if (batch is not null)
                    Queue(batch);
                batch = null;
                if (rows > 0)
                {
                    slot.Close(rows, first, whole: true);
                    _ready.Add(slot, token);
                }
                else if (first == 0)
                    throw new LsgdException($"{_source.Path} has a header but no data rows: add one row per observation below the header.");
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // The consumer cancelled or left: nobody waits for more chunks.
            }
            catch (Exception e)
            {
                // A CsvFormatException above all: it is rethrown as it is on the consumer's thread, after the
                // rows queued before it, whose own bad cells come first.
                _failure = ExceptionDispatchInfo.Capture(e is IOException or UnauthorizedAccessException
                    ? new LsgdException($"{_source.Path} could not be read: {e.Message}", e)
                    : e);
                Deliver(slot, batch, token);
            }
            finally
            {
                _work.CompleteAdding();
                _ready.CompleteAdding();
            }
        }

        /// <summary>Queues the rows read before the reader's error, so that a bad cell among them is reported first.</summary>
        private void Deliver(Slot? slot, Batch? batch, CancellationToken token)
        {
            try
            {
                if (batch is { Rows: > 0 })
                    Queue(batch);
                if (slot is null || slot.Queued == 0)
                    return;
                slot.Close(0, 0, whole: false);
                _ready.Add(slot, token);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
            }
        }

        private void Queue(Batch batch)
        {
            batch.Slot.BatchQueued();
            _work.Add(batch, CancellationToken.None);
        }

        /// <summary>Parses batches until the reader is done, or the pass is stopped.</summary>
        private void Work()
        {
            var token = _stop.Token;
            try
            {
                foreach (var batch in _work.GetConsumingEnumerable(token))
                {
                    var slot = batch.Slot;
                    var (row, error) = batch.Parse(_parser!, slot.X, slot.Y, _source.Features, _source.Outputs);
                    slot.BatchDone(batch.FirstRow + row, error);
                    _freeBatches.Add(batch, CancellationToken.None);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // The pass was stopped: its chunks are no longer wanted.
            }
        }

        /// <summary>A batch a worker gave back, or a new one while fewer than the pass's limit exist.</summary>
        private Batch NextBatch(CancellationToken token)
        {
            if (_freeBatches.TryTake(out var batch))
                return batch;
            if (_batches == _maxBatches)
                return _freeBatches.Take(token);
            _batches++;
            return new Batch(_batchRows, _source._columns.Length);
        }

        /// <summary>
        /// A buffer the consumer gave back, or a new one while fewer than <see cref="ReadAhead"/> + 2 exist.
        /// New buffers start small and grow to the chunk size only if the file has that many rows.
        /// </summary>
        private Slot NextSlot(CancellationToken token)
        {
            if (!_free.TryTake(out var slot))
            {
                if (_slots.Count == ReadAhead + 2)
                    slot = _free.Take(token);
                else
                {
                    int rows = Math.Min(_chunkRows, InitialRows);
                    slot = new Slot(new double[rows * _source.Features], new double[rows * _source.Outputs], rows);
                    lock (_slots) _slots.Add(slot);
                }
            }
            slot.Reset();
            return slot;
        }

        /// <summary>
        /// Doubles the room of <paramref name="slot"/> (up to the chunk size), keeping its first
        /// <paramref name="rows"/> rows, once the workers are done with the batches queued for it.
        /// </summary>
        private void Grow(Slot slot, int rows, CancellationToken token)
        {
            slot.Idle.Wait(token);
            int d = _source.Features, k = _source.Outputs;
            int room = (int)Math.Min(_chunkRows, 2L * Math.Max(rows, 1));
            var x = new double[room * d];
            var y = new double[room * k];
            slot.X.AsSpan(0, rows * d).CopyTo(x);
            slot.Y.AsSpan(0, rows * k).CopyTo(y);
            slot.X = x;
            slot.Y = y;
            slot.Capacity = room;
        }

        /// <summary>Stops the reader and worker threads and waits for them, so the file is closed when this returns.</summary>
        public void Dispose()
        {
            _stop.Cancel();
            foreach (var thread in Threads)
                thread.Join();
            _stop.Dispose();
            _ready.Dispose();
            _free.Dispose();
            _work.Dispose();
            _freeBatches.Dispose();
            lock (_slots)
            {
                foreach (var slot in _slots)
                    slot.Dispose();
            }
        }
    }

    /// <summary>
    /// A chunk buffer and what the workers have done to it: how many of its batches are still being parsed,
    /// and the first bad row among those parsed.
    /// </summary>
    private sealed class Slot(double[] x, double[] y, int capacity) : IDisposable
    {
        private readonly Lock _lock = new();
        private int _pending;
        private int _errorRow;

        public double[] X { get; set; } = x;
        public double[] Y { get; set; } = y;

        /// <summary>Rows the buffers hold room for.</summary>
        public int Capacity { get; set; } = capacity;

        public int Rows { get; private set; }
        public long FirstRow { get; private set; }

        /// <summary>False for the rows before the reader's error: they are not delivered.</summary>
        public bool Whole { get; private set; }

        /// <summary>Batches queued for this buffer since it was taken.</summary>
        public int Queued { get; private set; }

        /// <summary>Set while no batch of this buffer is queued or being parsed.</summary>
        public ManualResetEventSlim Idle { get; } = new(true);

        /// <summary>The error of the first bad row the workers met, if any.</summary>
        public Exception? Error { get; private set; }

        public void Reset()
        {
            Rows = 0;
            FirstRow = 0;
            Whole = false;
            Queued = 0;
            Error = null;
            _errorRow = int.MaxValue;
        }

        public void Close(int rows, long firstRow, bool whole)
        {
            Rows = rows;
            FirstRow = firstRow;
            Whole = whole;
        }

        public void BatchQueued()
        {
            lock (_lock)
            {
                Queued++;
                if (_pending++ == 0) Idle.Reset();
            }
        }

        /// <summary>Counts a parsed batch; <paramref name="error"/>, met at <paramref name="row"/> of the chunk, is kept if it is the first so far.</summary>
        public void BatchDone(int row, Exception? error)
        {
            lock (_lock)
            {
                if (error is not null && row < _errorRow)
                {
                    _errorRow = row;
                    Error = error;
                }
                if (--_pending == 0) Idle.Set();
            }
        }

        public void Dispose() => Idle.Dispose();
    }

    /// <summary>
    /// The chosen cells' text of consecutive rows of one chunk, copied by the reader (the reader's own buffer
    /// moves on) and parsed by a worker; with each row's line, for the messages.
    /// </summary>
    private sealed class Batch(int rows, int width)
    {
        private readonly int[] _ends = new int[rows * width];
        private readonly int[] _lines = new int[rows];
        private char[] _chars = new char[Math.Max(4096, rows * width * 12)];
        private int _used;

        public Slot Slot { get; private set; } = null!;

        /// <summary>Index of the batch's first row in its chunk.</summary>
        public int FirstRow { get; private set; }

        public int Rows { get; private set; }

        public Batch Start(Slot slot, int firstRow)
        {
            Slot = slot;
            FirstRow = firstRow;
            Rows = 0;
            _used = 0;
            return this;
        }

        /// <summary>Copies the chosen cells of <paramref name="row"/>, a data row.</summary>
        public void Add(SepReader.Row row, CsvRowParser parser)
        {
            int at = Rows * width;
            for (int j = 0; j < width; j++)
            {
                var cell = parser.Cell(row, j);
                if (_used + cell.Length > _chars.Length)
                    Array.Resize(ref _chars, (int)Math.Min(Array.MaxLength, Math.Max(2L * _chars.Length, _used + (long)cell.Length)));
                cell.CopyTo(_chars.AsSpan(_used));
                _used += cell.Length;
                _ends[at + j] = _used;
            }
            _lines[Rows++] = row.LineNumberFrom;
        }

        /// <summary>
        /// Parses the rows into their place in <paramref name="x"/> and <paramref name="y"/> (features first,
        /// then targets, as the columns are chosen); stops at the first bad cell.
        /// </summary>
        /// <returns>The row (within the batch) and error of the first bad cell, or (0, null).</returns>
        public (int Row, Exception? Error) Parse(CsvRowParser parser, double[] x, double[] y, int d, int k)
        {
            int r = 0;
            try
            {
                var chars = _chars.AsSpan(0, _used);
                int start = 0, at = 0;
                for (; r < Rows; r++)
                {
                    int line = _lines[r];
                    var xs = x.AsSpan((FirstRow + r) * d, d);
                    for (int j = 0; j < d; j++, at++)
                    {
                        int end = _ends[at];
                        xs[j] = parser.ParseCell(chars[start..end], line, j);
                        start = end;
                    }
                    var ys = y.AsSpan((FirstRow + r) * k, k);
                    for (int j = 0; j < k; j++, at++)
                    {
                        int end = _ends[at];
                        ys[j] = parser.ParseCell(chars[start..end], line, d + j);
                        start = end;
                    }
                }
                return (0, null);
            }
            catch (Exception e)
            {
                return (r, e);
            }
        }
    }
}
