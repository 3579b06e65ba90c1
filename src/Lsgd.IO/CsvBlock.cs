namespace Lsgd.IO;

/// <summary>
/// A block of a CSV file read on its own: the rows whose line starts in bytes [<see cref="Start"/>, <see cref="End"/>),
/// read after the header (bytes [0, <see cref="HeaderEnd"/>)) as if the two were one file. Sep then sees the header
/// line(s) and the block's rows; its line numbers count from the header, so a row's line in the file is the block's
/// line + <see cref="LineShift"/> (found only when a message needs it: it costs a scan of the bytes before the block).
/// </summary>
/// <remarks>
/// Blocks are cut at line breaks ('\n') found by looking at the bytes around each cut, not by parsing what comes
/// before; that is right only when no quoted field holds a line break. <see cref="QuotedLineBreak"/> finds one in
/// a block's bytes (quotes toggled at every '"', as Sep does), so a reader can refuse such a file instead of reading
/// wrong rows: a block cut inside a quoted field sees the field's line break, and so does the block before it.
/// </remarks>
/// <param name="HeaderEnd">The first byte after the header row's line break.</param>
/// <param name="Start">The block's first byte: the start of a line, at or after <paramref name="HeaderEnd"/>.</param>
/// <param name="End">One past the block's last byte: the start of a line, or the file's end.</param>
internal readonly record struct CsvBlock(long HeaderEnd, long Start, long End)
{
    private const int BufferBytes = 1 << 20;

    /// <summary>A stream of the header's bytes followed by the block's.</summary>
    public Stream Open(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return new HeaderAndBlockStream(file, HeaderEnd, Start, End);
    }

    /// <summary>
    /// The byte after the header row's line break ('\n' outside quotes), or -1 when the file has no data line after
    /// its header (or its lines end in '\r' alone, which this cutting does not handle).
    /// </summary>
    public static long FindHeaderEnd(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var buffer = new byte[1 << 16];
        bool quoted = false;
        long offset = 0;
        int read;
        while ((read = file.Read(buffer)) > 0)
        {
            for (int i = 0; i < read; i++)
            {
                if (buffer[i] == (byte)'"') quoted = !quoted;
                else if (buffer[i] == (byte)'\n' && !quoted) return offset + i + 1 < file.Length ? offset + i + 1 : -1;
            }
            offset += read;
        }
        return -1;
    }

    /// <summary>The first line start at or after <paramref name="offset"/> (the byte after a '\n'), or the file's length when there is none.</summary>
    public static long NextLineStart(FileStream file, long offset)
    {
        if (offset <= 0)
            return 0;
        file.Position = offset - 1;
        var buffer = new byte[1 << 16];
        long at = offset - 1;
        int read;
        while ((read = file.Read(buffer)) > 0)
        {
            int newline = buffer.AsSpan(0, read).IndexOf((byte)'\n');
            if (newline >= 0)
                return at + newline + 1;
            at += read;
        }
        return file.Length;
    }

    /// <summary>
    /// The offset of the first line break inside a quoted field in the block's bytes, taking the block to start
    /// outside quotes; null when there is none.
    /// </summary>
    public long? QuotedLineBreak(string path, CancellationToken cancellationToken = default)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        file.Position = Start;
        var buffer = new byte[BufferBytes];
        bool quoted = false;
        long at = Start;
        while (at < End)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int read = file.Read(buffer, 0, (int)Math.Min(buffer.Length, End - at));
            if (read == 0)
                break;
            var span = buffer.AsSpan(0, read);
            int i = 0;
            while (i < span.Length)
            {
                // Outside quotes only the next '"' matters; inside, a '\n' before the closing '"' is the problem.
                int next = quoted ? span[i..].IndexOfAny((byte)'"', (byte)'\n') : span[i..].IndexOf((byte)'"');
                if (next < 0)
                    break;
                i += next;
                if (span[i] == (byte)'\n')
                    return at + i;
                quoted = !quoted;
                i++;
            }
            at += read;
        }
        return null;
    }

    /// <summary>Lines before <paramref name="offset"/>: its 1-based line is this + 1 ('\n', '\r\n' and a lone '\r' each end a line).</summary>
    public static long LineBreaksBefore(string path, long offset)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        var buffer = new byte[BufferBytes];
        long lines = 0, at = 0;
        bool carriageReturn = false;
        while (at < offset)
        {
            int read = file.Read(buffer, 0, (int)Math.Min(buffer.Length, offset - at));
            if (read == 0)
                break;
            var span = buffer.AsSpan(0, read);
            if (carriageReturn && span[0] != (byte)'\n')
                lines++;
            lines += span.Count((byte)'\n');
            // A '\r' not followed by '\n' ends a line too.
            for (int cr = span.IndexOf((byte)'\r'); cr >= 0;)
            {
                if (cr + 1 < span.Length && span[cr + 1] != (byte)'\n')
                    lines++;
                int next = span[(cr + 1)..].IndexOf((byte)'\r');
                cr = next < 0 ? -1 : cr + 1 + next;
            }
            carriageReturn = span[^1] == (byte)'\r';
            at += read;
        }
        if (carriageReturn)
            lines++;
        return lines;
    }

    /// <summary>What to add to a line of the block's read (header, then the block) to get its line in the file.</summary>
    public long LineShift(string path) => LineBreaksBefore(path, Start) - LineBreaksBefore(path, HeaderEnd);

    /// <summary>Bytes [0, header end) then [start, end) of a file, read forward only.</summary>
    private sealed class HeaderAndBlockStream(FileStream file, long headerEnd, long start, long end) : Stream
    {
        private long _position;

        private long Length2 => headerEnd + (end - start);

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => Length2;

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_position >= Length2 || buffer.IsEmpty)
                return 0;
            long fileAt = _position < headerEnd ? _position : start + (_position - headerEnd);
            long left = _position < headerEnd ? headerEnd - _position : Length2 - _position;
            if (file.Position != fileAt)
                file.Position = fileAt;
            int read = file.Read(buffer[..(int)Math.Min(buffer.Length, left)]);
            if (read == 0)
                throw new IOException($"{file.Name} ended at byte {fileAt}, before the block's end at byte {end}: was it changed while being read?");
            _position += read;
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                file.Dispose();
            base.Dispose(disposing);
        }
    }
}
