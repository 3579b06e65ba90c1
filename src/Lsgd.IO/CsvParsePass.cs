using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using nietras.SeparatedValues;

namespace Lsgd.IO;

/// <summary>
/// The rows of one <see cref="CsvParsePass"/>'s chunk: <see cref="Rows"/> rows of the first d chosen columns in
/// <see cref="X"/> and of the other k in <see cref="Y"/> (row-major, the buffers may be longer), and, when asked
/// for, the 1-based line of each row in <see cref="Lines"/>.
/// </summary>
internal readonly record struct CsvChunk(double[] X, double[] Y, int[]? Lines, int Rows, long FirstRow);

/// <summary>
/// One pass over a CSV file, shared by <see cref="CsvRowSource"/> (streaming) and
/// <see cref="CsvReader.ReadColumns"/> (in memory). A reader thread fills batches with the text of the chosen
/// cells and queues them for the worker threads, which parse each into its rows of a chunk buffer (a
/// <see cref="Slot"/>); full chunks go over a bounded queue in file order, and the consumer waits for a
/// chunk's last batch before it gets the chunk. Batches are recycled; chunk buffers too, unless the consumer
/// keeps them (<c>handOver</c>).
/// </summary>
internal sealed class CsvParsePass : IDisposable
{
    /// <summary>How many parsed chunks the reader thread may hold ready beyond the one it is filling.</summary>
    public const int ReadAhead = 2;

    private const int InitialRows = 1024;
    private readonly string _path;
    private readonly CsvFormat _format;
    private readonly string[] _columns;
    private readonly int _d;
    private readonly int _k;
    private readonly int _chunkRows;
    private readonly int _batchRows;
    private readonly int _maxBatches;
    private readonly bool _keepLines;
    private readonly bool _handOver;
    private readonly CancellationToken _consumerToken;
    private readonly CancellationTokenSource _stop;
    private readonly BlockingCollection<Slot> _ready;
    private readonly bool _inline;
    private readonly BlockingCollection<Slot> _free = new();
    private readonly BlockingCollection<Batch> _work = new();
    private readonly BlockingCollection<Batch> _freeBatches = new();
    private readonly List<Slot> _slots = [];
    private int _batches;
    private int _newRows;
    private CsvRowParser? _parser;
    private ExceptionDispatchInfo? _failure;
    private readonly CsvBlock? _block;

    /// <summary>Starts the reader and worker threads.</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="format">Separator, decimal comma and missing values.</param>
    /// <param name="columns">The columns to read: the first <paramref name="d"/> go to X, the others to Y.</param>
    /// <param name="d">How many of <paramref name="columns"/> go to X.</param>
    /// <param name="chunkRows">Rows per chunk (the last may have fewer).</param>
    /// <param name="workers">
    /// Worker threads; 0 reads and parses the whole file on the consumer's thread when it asks for the first
    /// chunk, holding every chunk until it is taken (for small files, where starting threads costs more than
    /// it saves; only with <paramref name="handOver"/>, whose consumer keeps every chunk anyway).
    /// </param>
    /// <param name="batchRows">Rows per batch of cell text handed to a worker.</param>
    /// <param name="keepLines">Whether chunks carry each row's line.</param>
    /// <param name="handOver">
    /// Whether the consumer keeps each chunk's buffers: they are then not reused, and the reader is held back
    /// only by the <see cref="ReadAhead"/> chunks waiting for the consumer.
    /// </param>
    /// <param name="cancellationToken">Stops the pass.</param>
    /// <param name="block">Only the header and this block of the file (its lines then count from the header; a block may have no data rows).</param>
    public CsvParsePass(string path, CsvFormat format, string[] columns, int d, int chunkRows, int workers,
        int batchRows, bool keepLines, bool handOver, CancellationToken cancellationToken, CsvBlock? block = null)
    {
        _block = block;
        _path = path;
        _format = format;
        _columns = columns;
        _d = d;
        _k = columns.Length - d;
        _chunkRows = Math.Min(chunkRows, Array.MaxLength / Math.Max(1, Math.Max(_d, _k)));
        _newRows = Math.Min(_chunkRows, InitialRows);
        _batchRows = Math.Clamp(batchRows, 1, _chunkRows);
        _inline = workers <= 0;
        if (_inline && !handOver)
            throw new ArgumentOutOfRangeException(nameof(workers), "A pass without worker threads hands its chunks over.");
        _ready = _inline ? new BlockingCollection<Slot>() : new BlockingCollection<Slot>(ReadAhead);
        _maxBatches = 2 * Math.Max(1, workers) + 2;
        _keepLines = keepLines;
        _handOver = handOver;
        _consumerToken = cancellationToken;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var threads = new List<Thread>();
        if (!_inline)
            threads.Add(new Thread(Read) { IsBackground = true, Name = "lsgd csv reader" });
        for (int i = 0; i < workers; i++)
            threads.Add(new Thread(Work) { IsBackground = true, Name = $"lsgd csv parser {i + 1}" });
        Threads = threads;
        foreach (var thread in threads)
            thread.Start();
    }

    /// <summary>The reader thread, then the workers; none when the pass runs on the consumer's thread.</summary>
    public IReadOnlyList<Thread> Threads { get; }

    /// <summary>The chunks in file order; then the first error, if the pass met one.</summary>
    public IEnumerable<CsvChunk> Chunks()
    {
        if (_inline)
            Read();
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
            if (!_handOver)
                held = slot;
            yield return new CsvChunk(slot.X, slot.Y, slot.Lines, slot.Rows, slot.FirstRow);
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
            using var reader = CsvReader.Open(_path, _format, _block);
            var parser = new CsvRowParser(_path, reader, _columns, _format);
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
                if (slot.Lines is { } lines)
                    lines[rows] = row.LineNumberFrom;
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
                _newRows = _chunkRows; // the file has whole chunks: new buffers need not grow
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
            else if (first == 0 && _block is null)
                throw new LsgdException($"{_path} has a header but no data rows: add one row per observation below the header.");
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
                ? new LsgdException($"{_path} could not be read: {e.Message}", e)
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
        if (_inline)
            Parse(batch);
        else
            _work.Add(batch, CancellationToken.None);
    }

    /// <summary>Parses <paramref name="batch"/> into its chunk and gives the batch back.</summary>
    private void Parse(Batch batch)
    {
        var slot = batch.Slot;
        var (row, error) = batch.Parse(_parser!, slot.X, slot.Y, _d, _k);
        slot.BatchDone(batch.FirstRow + row, error);
        _freeBatches.Add(batch, CancellationToken.None);
    }

    /// <summary>Parses batches until the reader is done, or the pass is stopped.</summary>
    private void Work()
    {
        var token = _stop.Token;
        try
        {
            foreach (var batch in _work.GetConsumingEnumerable(token))
                Parse(batch);
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
        return new Batch(_batchRows, _columns.Length);
    }

    /// <summary>
    /// A buffer the consumer gave back, or a new one while fewer than <see cref="ReadAhead"/> + 2 exist (any
    /// number when the consumer keeps them). New buffers start small and grow to the chunk size only if the
    /// file has that many rows.
    /// </summary>
    private Slot NextSlot(CancellationToken token)
    {
        if (!_free.TryTake(out var slot))
        {
            if (!_handOver && _slots.Count == ReadAhead + 2)
                slot = _free.Take(token);
            else
            {
                int rows = _newRows;
                slot = new Slot(new double[rows * _d], new double[rows * _k], _keepLines ? new int[rows] : null, rows);
                if (!_handOver)
                {
                    lock (_slots) _slots.Add(slot);
                }
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
        int room = (int)Math.Min(_chunkRows, 2L * Math.Max(rows, 1));
        var x = new double[room * _d];
        var y = new double[room * _k];
        slot.X.AsSpan(0, rows * _d).CopyTo(x);
        slot.Y.AsSpan(0, rows * _k).CopyTo(y);
        slot.X = x;
        slot.Y = y;
        if (slot.Lines is { } lines)
        {
            var grown = new int[room];
            lines.AsSpan(0, rows).CopyTo(grown);
            slot.Lines = grown;
        }
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

    /// <summary>
    /// A chunk buffer and what the workers have done to it: how many of its batches are still being parsed,
    /// and the first bad row among those parsed.
    /// </summary>
    private sealed class Slot(double[] x, double[] y, int[]? lines, int capacity) : IDisposable
    {
        private readonly Lock _lock = new();
        private int _pending;
        private int _errorRow;

        public double[] X { get; set; } = x;
        public double[] Y { get; set; } = y;

        /// <summary>Each row's line, or null when the pass does not keep them.</summary>
        public int[]? Lines { get; set; } = lines;

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
    /// <remarks>
    /// A row's text is copied in one piece (one copy per row rather than one per cell: the reader thread is the
    /// pass's serial part) and each chosen cell is kept as its start and end in the copy; a cell whose text is
    /// not inside the row's (one Sep unescaped elsewhere) is copied after the row on its own.
    /// </remarks>
    private sealed class Batch(int rows, int width)
    {
        private readonly int[] _starts = new int[rows * width];
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
            var text = row.Span;
            ref char origin = ref MemoryMarshal.GetReference(text);
            int rowStart = _used;
            bool inside = true;
            for (int j = 0; j < width; j++)
            {
                // Cells first: Sep unescapes a quoted cell on access, in its buffer, which the row's copy must then show.
                var cell = parser.Cell(row, j);
                long offset = Unsafe.ByteOffset(ref origin, ref MemoryMarshal.GetReference(cell)) / sizeof(char);
                if (offset < 0 || offset + cell.Length > text.Length)
                {
                    inside = false;
                    break;
                }
                _starts[at + j] = rowStart + (int)offset;
                _ends[at + j] = rowStart + (int)offset + cell.Length;
            }
            if (inside)
            {
                Append(text);
            }
            else
            {
                for (int j = 0; j < width; j++)
                {
                    var cell = parser.Cell(row, j);
                    _starts[at + j] = _used;
                    Append(cell);
                    _ends[at + j] = _used;
                }
            }
            _lines[Rows++] = row.LineNumberFrom;
        }

        private void Append(ReadOnlySpan<char> text)
        {
            if (_used + text.Length > _chars.Length)
                Array.Resize(ref _chars, (int)Math.Min(Array.MaxLength, Math.Max(2L * _chars.Length, _used + (long)text.Length)));
            text.CopyTo(_chars.AsSpan(_used));
            _used += text.Length;
        }

        /// <summary>
        /// Parses the rows into their place in <paramref name="x"/> and <paramref name="y"/> (the first
        /// <paramref name="d"/> chosen columns, then the other <paramref name="k"/>); stops at the first bad cell.
        /// </summary>
        /// <returns>The row (within the batch) and error of the first bad cell, or (0, null).</returns>
        public (int Row, Exception? Error) Parse(CsvRowParser parser, double[] x, double[] y, int d, int k)
        {
            int r = 0;
            try
            {
                var chars = _chars.AsSpan(0, _used);
                int at = 0;
                for (; r < Rows; r++)
                {
                    int line = _lines[r];
                    var xs = x.AsSpan((FirstRow + r) * d, d);
                    for (int j = 0; j < d; j++, at++)
                        xs[j] = parser.ParseCell(chars[_starts[at].._ends[at]], line, j);
                    var ys = y.AsSpan((FirstRow + r) * k, k);
                    for (int j = 0; j < k; j++, at++)
                        ys[j] = parser.ParseCell(chars[_starts[at].._ends[at]], line, d + j);
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
