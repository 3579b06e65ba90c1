using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;
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
/// <see cref="CsvReader.ReadColumns"/> (in memory). A reader thread reads the file's bytes in blocks that end at a
/// row's end (a line ending outside quotes, as Sep splits rows) and counts their lines; worker threads parse whole
/// blocks — splitting them into rows and cells as well as turning cells into numbers — into the block's own rows;
/// the consumer takes the blocks in file order and copies their rows into chunks of the size asked for. The
/// reader's share of the work is reading and finding row ends, so the pass runs on every core.
/// </summary>
/// <remarks>
/// <para>
/// A block of plain text (ASCII, no quotes, no carriage returns, a decimal point and missing values as errors) is
/// split at separators and line feeds found by a vector scan and parsed cell by cell
/// (<see cref="PlainDecimal.TryParseKnownField"/>, else <see cref="PlainDecimal.TryParseField"/>); a cell both decline, a ragged or blank
/// row, goes through <see cref="CsvRowParser"/> on the row's text, so values and messages are those of the general
/// path. Any other block is decoded and read by Sep with the settings of <see cref="CsvReader.Open"/>, its line
/// numbers moved to the block's first line. Either way a block's rows and its first error (rows before it kept)
/// are those of a single-threaded read.
/// </para>
/// <para>
/// Memory: at most (<see cref="ReadAhead"/> + 2) blocks per worker, plus two (blocks are recycled), and the
/// chunk being filled (the same buffers again for the next chunk, unless the consumer keeps them:
/// <c>handOver</c>). A file with a UTF-16 or UTF-32 byte-order mark is transcoded to UTF-8 as it is read.
/// </para>
/// </remarks>
internal sealed class CsvParsePass : IDisposable
{
    /// <summary>Blocks of text per worker thread the reader may read ahead of the consumer, beyond the two it holds.</summary>
    public const int ReadAhead = 2;

    /// <summary>A batch of n rows is a block of n times this many bytes (or one row, if that is longer).</summary>
    internal const int BytesPerBatchRow = 64;

    private const int InitialRows = 1024;

    /// <summary>Bytes after a block's text that vector scans may read (<see cref="FieldEnds"/>, <see cref="PlainDecimal.VectorReach"/>).</summary>
    private const int Padding = 64;
    private readonly string _path;
    private readonly CsvFormat _format;
    private readonly string[] _columns;
    private readonly int _d;
    private readonly int _k;
    private readonly int _chunkRows;
    private readonly int _blockBytes;
    private readonly int _maxBlocks;
    private readonly bool _keepLines;
    private readonly bool _handOver;
    private readonly CancellationToken _consumerToken;
    private readonly CancellationTokenSource _stop;
    private readonly bool _inline;
    private readonly BlockingCollection<Block> _work = new();
    private readonly BlockingCollection<Block> _ordered = new();
    private readonly BlockingCollection<Block> _free = new();
    private readonly List<Block> _blocks = [];
    private volatile bool _disposed;
    private CsvRowParser? _parser;
    private bool[] _needed = [];
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
    /// chunk, holding every block until it is taken (for small files, where starting threads costs more than
    /// it saves; only with <paramref name="handOver"/>, whose consumer keeps every chunk anyway).
    /// </param>
    /// <param name="batchRows">Size of a block of text handed to a worker, in rows of <see cref="BytesPerBatchRow"/> bytes.</param>
    /// <param name="keepLines">Whether chunks carry each row's line.</param>
    /// <param name="handOver">Whether the consumer keeps each chunk's buffers: they are then not reused.</param>
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
        _blockBytes = (int)Math.Clamp((long)batchRows * BytesPerBatchRow, BytesPerBatchRow, 1 << 24);
        _inline = workers <= 0;
        if (_inline && !handOver)
            throw new ArgumentOutOfRangeException(nameof(workers), "A pass without worker threads hands its chunks over.");
        _maxBlocks = (ReadAhead + 2) * Math.Max(1, workers) + 2;
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
        int room = Math.Min(_chunkRows, InitialRows);
        var (x, y, lines) = NewChunk(room);
        int filled = 0;
        long first = 0;
        foreach (var block in _ordered.GetConsumingEnumerable(_consumerToken))
        {
            block.Done.Wait(_consumerToken);
            int taken = 0;
            try
            {
                while (taken < block.Rows)
                {
                    int n = Math.Min(block.Rows - taken, _chunkRows - filled);
                    if (filled + n > room)
                    {
                        room = (int)Math.Min(_chunkRows, Math.Max(2L * room, filled + n));
                        (x, y, lines) = Grow(x, y, lines, filled, room);
                    }
                    block.X.AsSpan(taken * _d, n * _d).CopyTo(x.AsSpan(filled * _d));
                    block.Y.AsSpan(taken * _k, n * _k).CopyTo(y.AsSpan(filled * _k));
                    if (lines is not null)
                        block.Lines.AsSpan(taken, n).CopyTo(lines.AsSpan(filled));
                    filled += n;
                    taken += n;
                    if (filled < _chunkRows) continue;
                    _consumerToken.ThrowIfCancellationRequested();
                    yield return new CsvChunk(x, y, lines, filled, first);
                    first += filled;
                    filled = 0;
                    if (_handOver)
                        (x, y, lines) = NewChunk(room);
                }
            }
            finally
            {
                Recycle(block);
            }
            if (block.Error is { } error)
                error.Throw();
        }
        _consumerToken.ThrowIfCancellationRequested();
        _failure?.Throw();
        if (filled > 0)
            yield return new CsvChunk(x, y, lines, filled, first);
        else if (first == 0 && _block is null)
            throw new LsgdException($"{_path} has a header but no data rows: add one row per observation below the header.");
    }

    private (double[] X, double[] Y, int[]? Lines) NewChunk(int rows) =>
        (new double[rows * _d], new double[rows * _k], _keepLines ? new int[rows] : null);

    private (double[] X, double[] Y, int[]? Lines) Grow(double[] x, double[] y, int[]? lines, int rows, int room)
    {
        var grown = NewChunk(room);
        x.AsSpan(0, rows * _d).CopyTo(grown.X);
        y.AsSpan(0, rows * _k).CopyTo(grown.Y);
        lines?.AsSpan(0, rows).CopyTo(grown.Lines);
        return grown;
    }

    /// <summary>Reads the header, then the file's blocks, queueing each for a worker and for the consumer.</summary>
    private void Read()
    {
        var token = _stop.Token;
        try
        {
            using (var header = CsvReader.Open(_path, _format))
                _parser = new CsvRowParser(_path, header, _columns, _format);
            _needed = new bool[_parser.HeaderCount];
            foreach (int position in _parser.Positions)
                _needed[position] = true;
            using var stream = _block is { } block ? block.Open(_path) : OpenBytes(_path);
            ReadBlocks(stream, token);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The consumer cancelled or left: nobody waits for more blocks.
        }
        catch (Exception e)
        {
            // Rethrown on the consumer's thread after the blocks queued before it, whose own bad cells come first.
            _failure = ExceptionDispatchInfo.Capture(e is IOException or UnauthorizedAccessException
                ? new LsgdException($"{_path} could not be read: {e.Message}", e)
                : e);
        }
        finally
        {
            _work.CompleteAdding();
            _ordered.CompleteAdding();
        }
    }

    /// <summary>The file's bytes as UTF-8: as they are, or transcoded from UTF-16 or UTF-32 when a byte-order mark says so.</summary>
    private static Stream OpenBytes(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        try
        {
            Span<byte> mark = stackalloc byte[4];
            int read = file.ReadAtLeast(mark, 4, throwOnEndOfStream: false);
            file.Position = 0;
            Encoding? encoding = mark[..read] switch
            {
                [0xFF, 0xFE, 0, 0] => Encoding.UTF32,
                [0, 0, 0xFE, 0xFF] => new UTF32Encoding(bigEndian: true, byteOrderMark: true),
                [0xFF, 0xFE, ..] => Encoding.Unicode,
                [0xFE, 0xFF, ..] => Encoding.BigEndianUnicode,
                _ => null,
            };
            return encoding is null ? file : Encoding.CreateTranscodingStream(file, encoding, Encoding.UTF8);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Skips the byte-order mark and the header row, then queues the data in blocks that end at a row's end.</summary>
    private void ReadBlocks(Stream stream, CancellationToken token)
    {
        var block = NextBlock(token);
        bool end = false;
        int used = Fill(stream, ref block.Bytes, 0, _blockBytes, ref end);
        int start = used >= 3 && block.Bytes is [0xEF, 0xBB, 0xBF, ..] ? 3 : 0;
        int line = 1, dataStart;
        while ((dataStart = HeaderEnd(block.Bytes.AsSpan(start, used - start), end, ref line)) < 0)
        {
            if (end)
            {
                Recycle(block);
                return; // a header alone: the consumer reports that there are no data rows
            }
            line = 1;
            used = Fill(stream, ref block.Bytes, used, 2 * block.Bytes.Length, ref end);
        }
        dataStart += start;
        block.Bytes.AsSpan(dataStart, used - dataStart).CopyTo(block.Bytes);
        used -= dataStart;
        int want = _blockBytes;
        while (true)
        {
            token.ThrowIfCancellationRequested();
            used = Fill(stream, ref block.Bytes, used, want, ref end);
            if (used == 0)
            {
                Recycle(block);
                return;
            }
            int split = end ? used : RowsEnd(block.Bytes.AsSpan(0, used));
            if (split < 0)
            {
                want = (int)Math.Min(Array.MaxLength, 2L * Math.Max(want, used)); // no row ends in it yet: read more
                continue;
            }
            want = _blockBytes;
            var next = NextBlock(token);
            int rest = used - split;
            if (next.Bytes.Length < Math.Max(rest, _blockBytes))
                next.Bytes = new byte[Math.Max(rest, _blockBytes) + Padding];
            block.Bytes.AsSpan(split, rest).CopyTo(next.Bytes);
            block.Length = split;
            block.FirstLine = line;
            line += CountLines(block.Bytes.AsSpan(0, split));
            Queue(block);
            block = next;
            used = rest;
            if (end && used == 0)
            {
                Recycle(block);
                return;
            }
        }
    }

    /// <summary>Reads into <paramref name="bytes"/> after its first <paramref name="used"/> bytes until it holds <paramref name="want"/> or the stream ends.</summary>
    private static int Fill(Stream stream, ref byte[] bytes, int used, int want, ref bool end)
    {
        if (bytes.Length < want)
            Array.Resize(ref bytes, want);
        while (!end && used < want)
        {
            int read = stream.Read(bytes, used, want - used);
            if (read == 0) end = true;
            used += read;
        }
        return used;
    }

    /// <summary>
    /// Where the header row of <paramref name="text"/> ends (after its line ending), counting its lines into
    /// <paramref name="line"/> as Sep counts them (<c>\r\n</c>, <c>\n</c> and a lone <c>\r</c> end a line, inside
    /// quotes too; a quote flips quoting wherever it is); -1 when more text is needed to tell.
    /// </summary>
    private static int HeaderEnd(ReadOnlySpan<byte> text, bool end, ref int line)
    {
        bool quoted = false;
        for (int i = 0; i < text.Length; i++)
        {
            byte c = text[i];
            if (c == '"') quoted = !quoted;
            else if (c == '\n' || c == '\r' && i + 1 < text.Length && text[i + 1] != '\n')
            {
                line++;
                if (!quoted) return i + 1;
            }
            else if (c == '\r' && i + 1 == text.Length)
            {
                if (!end) return -1; // a \r\n may be split between reads
                line++;
                if (!quoted) return i + 1;
            }
        }
        return -1;
    }

    /// <summary>
    /// Where the last whole row of <paramref name="text"/> ends (after its line ending, outside quotes), or -1 when
    /// none does; a <c>\r</c> at the very end is not taken for one, as its <c>\n</c> may follow.
    /// </summary>
    internal static int RowsEnd(ReadOnlySpan<byte> text)
    {
        if (!text.Contains((byte)'"'))
        {
            int i = text.LastIndexOfAny((byte)'\n', (byte)'\r');
            while (i >= 0)
            {
                if (text[i] == '\n' || i + 1 < text.Length) return i + 1; // a \r not last is not followed by \n
                i = text[..i].LastIndexOfAny((byte)'\n', (byte)'\r');
            }
            return -1;
        }
        bool quoted = false;
        int last = -1;
        for (int i = 0; i < text.Length; i++)
        {
            byte c = text[i];
            if (c == '"') quoted = !quoted;
            else if (!quoted && (c == '\n' || c == '\r' && i + 1 < text.Length && text[i + 1] != '\n')) last = i + 1;
        }
        return last;
    }

    /// <summary>The lines <paramref name="text"/> ends, as Sep counts them: each <c>\n</c>, and each <c>\r</c> not followed by one.</summary>
    internal static int CountLines(ReadOnlySpan<byte> text)
    {
        int lines = text.Count((byte)'\n');
        if (!text.Contains((byte)'\r')) return lines;
        for (int i = 0; i < text.Length; i++)
            if (text[i] == '\r' && (i + 1 == text.Length || text[i + 1] != '\n')) lines++;
        return lines;
    }

    private void Queue(Block block)
    {
        block.Done.Reset();
        if (_inline)
        {
            Parse(block);
        }
        else
        {
            _work.Add(block, CancellationToken.None);
        }
        _ordered.Add(block, CancellationToken.None);
    }

    /// <summary>A block the consumer gave back, or a new one while fewer than the pass's limit exist (any number inline).</summary>
    private Block NextBlock(CancellationToken token)
    {
        if (_free.TryTake(out var block))
            return block;
        lock (_blocks)
        {
            if (_inline || _blocks.Count < _maxBlocks)
            {
                block = new Block(_blockBytes);
                _blocks.Add(block);
                return block;
            }
        }
        return _free.Take(token);
    }

    private void Recycle(Block block)
    {
        if (!_disposed && !_inline)
            _free.Add(block, CancellationToken.None);
    }

    /// <summary>Parses blocks until the reader is done, or the pass is stopped.</summary>
    private void Work()
    {
        var token = _stop.Token;
        try
        {
            foreach (var block in _work.GetConsumingEnumerable(token))
                Parse(block);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The pass was stopped: its blocks are no longer wanted.
        }
    }

    /// <summary>Parses the rows of <paramref name="block"/> into its buffers, up to its first bad row, whose error it keeps.</summary>
    private void Parse(Block block)
    {
        block.Rows = 0;
        block.Error = null;
        try
        {
            var parser = _parser!;
            var text = block.Bytes.AsSpan(0, block.Length);
            if (parser.ParsesBytes && !text.ContainsAny((byte)'"', (byte)'\r') && Ascii.IsValid(text))
                ParsePlain(block, parser);
            else
                ParseWithSep(block, parser);
        }
        catch (Exception e)
        {
            block.Error = ExceptionDispatchInfo.Capture(e);
        }
        finally
        {
            block.Done.Set();
        }
    }

    /// <summary>Splits and parses a block of ASCII text without quotes or carriage returns.</summary>
    /// <remarks>
    /// The common row — as many fields as the header, every chosen one accepted by
    /// <see cref="PlainDecimal.TryParseKnownField"/> or <see cref="PlainDecimal.TryParseField"/> — is read in one
    /// sweep over its bytes; any other row is read again as text by <see cref="ParseRow"/>. The fields' ends (the
    /// separators and line feeds) come from a vector scan of 64 bytes at a time (<see cref="FieldEnds"/>), so
    /// where a field ends does not wait on the parse of the field before it.
    /// </remarks>
    private void ParsePlain(Block block, CsvRowParser parser)
    {
        int width = parser.HeaderCount;
        var positions = parser.Positions;
        byte separator = (byte)parser.Separator;
        var values = block.Values(width);
        ref double value = ref MemoryMarshal.GetArrayDataReference(values);
        ref bool needed = ref MemoryMarshal.GetArrayDataReference(_needed);
        ref byte s = ref MemoryMarshal.GetArrayDataReference(block.Bytes);
        nint n = block.Length, i = 0;
        nint vectorEnd = block.Bytes.Length - PlainDecimal.VectorReach; // the last field start the vector parse may read from
        var ends = new FieldEnds(block.Bytes, n, separator);
        int line = block.FirstLine;
        while (i < n)
        {
            nint lineStart = i;
            int c = 0;
            bool plain = true;
            while (true)
            {
                nint end = ends.Next(ref s);
                if (c < width && Unsafe.Add(ref needed, c)
                    && !(i <= vectorEnd && PlainDecimal.TryParseKnownField(ref s, i, end, out Unsafe.Add(ref value, c)))
                    && PlainDecimal.TryParseField(ref s, i, n, separator, out Unsafe.Add(ref value, c)) != end)
                {
                    plain = false;
                }
                c++;
                i = end;
                if (i < n && Unsafe.Add(ref s, i) == separator)
                {
                    i++;
                    continue;
                }
                break;
            }
            int r = block.Rows;
            if (c == width && plain)
            {
                block.Reserve(r + 1, _d, _k);
                var xs = block.X.AsSpan(r * _d, _d);
                for (int j = 0; j < xs.Length; j++)
                    xs[j] = values[positions[j]];
                var ys = block.Y.AsSpan(r * _k, _k);
                for (int j = 0; j < ys.Length; j++)
                    ys[j] = values[positions[_d + j]];
                block.Lines[r] = line;
                block.Rows = r + 1;
            }
            else
            {
                ParseRow(block, parser, block.Bytes.AsSpan((int)lineStart, (int)(i - lineStart)), c, line);
            }
            if (i < n) i++; // the line feed
            line++;
        }
    }

    /// <summary>
    /// The separators and line feeds of a block's first n bytes, in order: each <see cref="Next"/> gives the next
    /// one's index (n after the last). Finds them 64 bytes at a time with vector compares into a bit mask.
    /// </summary>
    private struct FieldEnds(byte[] bytes, nint n, byte separator)
    {
        private nint _base = -64;
        private ulong _mask;

        /// <summary>The index of the next separator or line feed, or n when there is none.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public nint Next(ref byte s)
        {
            while (_mask == 0)
            {
                _base += 64;
                if (_base >= n)
                    return n;
                _mask = Window(ref s, _base);
            }
            nint at = _base + BitOperations.TrailingZeroCount(_mask);
            _mask &= _mask - 1;
            return at;
        }

        /// <summary>The separators and line feeds among bytes [at, at + 64) before n, one bit each.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private readonly ulong Window(ref byte s, nint at)
        {
            ulong mask = 0;
            if (at + 64 <= bytes.Length && Vector512.IsHardwareAccelerated)
            {
                var v = Vector512.LoadUnsafe(ref s, (nuint)at);
                mask = (Vector512.Equals(v, Vector512.Create(separator)) | Vector512.Equals(v, Vector512.Create((byte)'\n'))).ExtractMostSignificantBits();
            }
            else if (at + 64 <= bytes.Length && Vector256.IsHardwareAccelerated)
            {
                var low = Vector256.LoadUnsafe(ref s, (nuint)at);
                var high = Vector256.LoadUnsafe(ref s, (nuint)(at + 32));
                var sep = Vector256.Create(separator);
                var feed = Vector256.Create((byte)'\n');
                mask = (Vector256.Equals(low, sep) | Vector256.Equals(low, feed)).ExtractMostSignificantBits()
                    | (ulong)(Vector256.Equals(high, sep) | Vector256.Equals(high, feed)).ExtractMostSignificantBits() << 32;
            }
            else
            {
                for (int j = 0; j < 64 && at + j < n; j++)
                {
                    byte c = Unsafe.Add(ref s, at + j);
                    if (c == separator || c == '\n') mask |= 1UL << j;
                }
            }
            return n - at >= 64 ? mask : mask & ((1UL << (int)(n - at)) - 1);
        }
    }

    /// <summary>
    /// A row of a plain block that is not the common one: ragged, blank, or with a cell that
    /// <see cref="PlainDecimal.TryParseField"/> declines, read as text by <see cref="CsvRowParser"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ParseRow(Block block, CsvRowParser parser, ReadOnlySpan<byte> bytes, int fields, int line)
    {
        var text = block.Chars(bytes.Length);
        Ascii.ToUtf16(bytes, text, out _);
        if (fields != parser.HeaderCount)
        {
            parser.ThrowUnlessBlank(fields, text, line);
            return;
        }
        var starts = block.Starts(fields + 1);
        int c = 0;
        starts[0] = 0;
        for (int at = 0; at < text.Length; at++)
            if (text[at] == parser.Separator) starts[++c] = at + 1;
        starts[fields] = text.Length + 1;
        int r = block.Rows;
        block.Reserve(r + 1, _d, _k);
        var positions = parser.Positions;
        for (int j = 0; j < _d + _k; j++)
        {
            int p = positions[j];
            double v = parser.ParseCell(text[starts[p]..(starts[p + 1] - 1)], line, j);
            if (j < _d) block.X[r * _d + j] = v;
            else block.Y[r * _k + j - _d] = v;
        }
        block.Lines[r] = line;
        block.Rows = r + 1;
    }

    /// <summary>Where the field that starts at <paramref name="i"/> ends: at the next separator or line feed, or <paramref name="n"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nint FieldEnd(ref byte s, nint i, nint n, byte separator)
    {
        while (i < n && Unsafe.Add(ref s, i) != separator && Unsafe.Add(ref s, i) != '\n') i++;
        return i;
    }

    /// <summary>Reads a block with Sep (quotes, carriage returns, other text, other formats), as <see cref="CsvReader.Open"/> reads a file.</summary>
    private void ParseWithSep(Block block, CsvRowParser parser)
    {
        string text = Encoding.UTF8.GetString(block.Bytes, 0, block.Length);
        using var reader = Sep.Reader(o => o with
        {
            Sep = new Sep(parser.Separator),
            HasHeader = false,
            Unescape = true,
            DisableColCountCheck = true,
            CultureInfo = CultureInfo.InvariantCulture,
        }).FromText(text);
        bool first = true;
        foreach (var row in reader)
        {
            // Without a header Sep numbers the first row's line as the second's: the block's first row is on its first line.
            int line = first ? block.FirstLine : block.FirstLine + row.LineNumberFrom - 1;
            first = false;
            if (!parser.IsDataRow(row, line)) continue;
            int r = block.Rows;
            block.Reserve(r + 1, _d, _k);
            for (int j = 0; j < _d; j++)
                block.X[r * _d + j] = parser.ParseCell(parser.Cell(row, j), line, j);
            for (int j = 0; j < _k; j++)
                block.Y[r * _k + j] = parser.ParseCell(parser.Cell(row, _d + j), line, _d + j);
            block.Lines[r] = line;
            block.Rows = r + 1;
        }
    }

    /// <summary>Stops the reader and worker threads and waits for them, so the file is closed when this returns.</summary>
    public void Dispose()
    {
        _disposed = true;
        _stop.Cancel();
        foreach (var thread in Threads)
            thread.Join();
        _stop.Dispose();
        _work.Dispose();
        _ordered.Dispose();
        _free.Dispose();
        lock (_blocks)
        {
            foreach (var block in _blocks)
                block.Done.Dispose();
        }
    }

    /// <summary>
    /// A block of the file's text, whole rows starting on <see cref="FirstLine"/>, and the rows a worker parsed
    /// from it: <see cref="Rows"/> rows of X, Y and their lines, then the block's first error, if any.
    /// </summary>
    private sealed class Block(int bytes)
    {
        private double[] _values = [];
        private int[] _starts = [];
        private char[] _chars = [];

        /// <summary>
        /// The text; the block is its first <see cref="Length"/> bytes, and the array is longer by
        /// <see cref="Padding"/> bytes (unless it grew for a long row), so the vector scans may read past the last field.
        /// </summary>
        public byte[] Bytes = new byte[bytes + Padding];

        public int Length;
        public int FirstLine;
        public int Rows;
        public double[] X = [];
        public double[] Y = [];
        public int[] Lines = [];
        public ExceptionDispatchInfo? Error;

        /// <summary>Set once a worker has parsed the block.</summary>
        public ManualResetEventSlim Done { get; } = new(false);

        /// <summary>Makes room for <paramref name="rows"/> rows, keeping those parsed.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Reserve(int rows, int d, int k)
        {
            if (rows <= Lines.Length) return;
            int room = Math.Max(rows, Math.Max(64, 2 * Lines.Length));
            Array.Resize(ref X, room * d);
            Array.Resize(ref Y, room * k);
            Array.Resize(ref Lines, room);
        }

        public double[] Values(int width) => _values.Length >= width ? _values : _values = new double[width];
        public int[] Starts(int width) => _starts.Length >= width ? _starts : _starts = new int[width];
        public Span<char> Chars(int length) => (_chars.Length >= length ? _chars : _chars = new char[length]).AsSpan(0, length);
    }
}
