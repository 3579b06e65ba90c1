using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Lsgd.IO;

/// <summary>
/// Reads the values of a .npy file front to back in large blocks, converting them to the destination's
/// type and checking that each is finite (the message names its 1-based row and column). Shared by
/// <see cref="NpyFile"/> (whole arrays) and <see cref="NpyRowSource"/> (chunks).
/// </summary>
/// <remarks>
/// A destination of the file's own type is filled straight from the file through
/// <see cref="MemoryMarshal.AsBytes{T}(Span{T})"/>; other combinations go through one reused staging block.
/// Big-endian files are byte-swapped in place.
/// </remarks>
internal sealed class NpyValueReader : IDisposable
{
    /// <summary>Values per read: 1 MiB of float64, so each block is checked while it is still in the cache it was read into.</summary>
    private const int Block = 1 << 17;

    private readonly NpyHeader _header;
    private readonly FileStream _stream;
    private readonly bool _swap;
    private float[]? _singles;
    private double[]? _doubles;

    /// <summary>Opens the file <paramref name="header"/> describes at its first value.</summary>
    public NpyValueReader(NpyHeader header)
    {
        _header = header;
        _swap = header.IsLittleEndian != BitConverter.IsLittleEndian;
        _stream = NpyFile.OpenRead(header.Path, bufferSize: 1 << 16); // large blocks bypass the buffer; small chunks share it
        _stream.Position = header.DataOffset;
    }

    /// <summary>
    /// The largest magnitude of the values read so far (an upper bound, float32's largest value, for float32 files read
    /// as doubles): what a caller needs to tell whether sums of squares can overflow, without another pass.
    /// </summary>
    public double LargestMagnitude { get; private set; }

    /// <summary>0-based index of the next value to be read (row-major).</summary>
    public long Position { get; private set; }

    /// <summary>Moves to value <paramref name="index"/> (row-major) for the next read.</summary>
    public void Seek(long index)
    {
        _stream.Position = _header.DataOffset + index * _header.ElementSize;
        Position = index;
    }

    /// <summary>Reads the next <c>destination.Length</c> values as doubles.</summary>
    /// <exception cref="LsgdException">A value is NaN or infinite, or the file ends early.</exception>
    public void Read(Span<double> destination)
    {
        for (int done = 0; done < destination.Length;)
        {
            int n = Math.Min(Block, destination.Length - done);
            var part = destination.Slice(done, n);
            if (!_header.IsSinglePrecision)
            {
                Fill(MemoryMarshal.AsBytes(part));
                if (_swap) BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<double, ulong>(part), MemoryMarshal.Cast<double, ulong>(part));
                CheckFinite(part);
            }
            else
            {
                var staging = Staging(ref _singles, n);
                ReadSingles(staging);
                TensorPrimitives.ConvertTruncating<float, double>(staging, part);   // widening: exact
                LargestMagnitude = float.MaxValue;
            }
            Position += n;
            done += n;
        }
    }

    /// <summary>Reads the next <c>destination.Length</c> values as floats (float64 values rounded to nearest).</summary>
    /// <exception cref="LsgdException">A value is NaN or infinite or beyond the float32 range, or the file ends early.</exception>
    public void Read(Span<float> destination)
    {
        for (int done = 0; done < destination.Length;)
        {
            int n = Math.Min(Block, destination.Length - done);
            var part = destination.Slice(done, n);
            if (_header.IsSinglePrecision)
            {
                ReadSingles(part);
            }
            else
            {
                var staging = Staging(ref _doubles, n);
                Fill(MemoryMarshal.AsBytes(staging));
                if (_swap) BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<double, ulong>(staging), MemoryMarshal.Cast<double, ulong>(staging));
                CheckFinite(staging);
                for (int i = 0; i < n; i++)
                {
                    part[i] = (float)staging[i];
                    if (float.IsInfinity(part[i]))
                        throw new LsgdException($"{Where(Position + i)} is {staging[i].ToString("R", CultureInfo.InvariantCulture)}, " +
                            "beyond the float32 range (±3.4e38): load it in double precision.");
                }
            }
            Position += n;
            done += n;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _stream.Dispose();

    /// <summary>The first <paramref name="n"/> elements of a reused block, grown when too small.</summary>
    private static Span<T> Staging<T>(ref T[]? block, int n)
    {
        if (block is null || block.Length < n) block = new T[n];
        return block.AsSpan(0, n);
    }

    private void ReadSingles(Span<float> part)
    {
        Fill(MemoryMarshal.AsBytes(part));
        if (_swap) BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<float, uint>(part), MemoryMarshal.Cast<float, uint>(part));
        int bad = FirstNonFinite(part);
        if (bad >= 0) throw NotFinite(_header, Position + bad, part[bad]);
    }

    private void CheckFinite(ReadOnlySpan<double> part)
    {
        var (bad, largest) = Scan(part);
        if (bad >= 0) throw NotFinite(_header, Position + bad, part[bad]);
        LargestMagnitude = Math.Max(LargestMagnitude, largest);
    }

    private void Fill(Span<byte> bytes)
    {
        try
        {
            _stream.ReadExactly(bytes);
        }
        catch (EndOfStreamException)
        {
            throw new LsgdException(NpyFile.Truncated(_header, _stream.Length));
        }
    }

    /// <summary>The message for value <paramref name="index"/> (row-major) of the file, NaN or infinite.</summary>
    internal static LsgdException NotFinite(NpyHeader header, long index, double value) =>
        new($"{Where(header, index)} is {value.ToString("R", CultureInfo.InvariantCulture)}: every value must be a finite number. Remove or impute that row.");

    private string Where(long index) => Where(_header, index);

    private static string Where(NpyHeader header, long index) =>
        $"{header.Path}: the value in row {index / header.Columns + 1}, column {index % header.Columns + 1}";

    /// <summary>
    /// One vectorised pass: the index of the first NaN or infinity (or -1), and the largest magnitude of the values
    /// (meaningful when there is none): the finiteness check and the overflow check of sums of squares in one read.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // called once per block of a load: optimised from the first block, not after thirty
    internal static (int FirstBad, double Largest) Scan(ReadOnlySpan<double> values)
    {
        const ulong Exponent = 0x7FF0_0000_0000_0000, Magnitude = 0x7FFF_FFFF_FFFF_FFFF;
        var bits = MemoryMarshal.Cast<double, ulong>(values);
        int i = 0;
        double largest = 0;
        if (Vector.IsHardwareAccelerated && bits.Length >= 2 * Vector<ulong>.Count)
        {
            var exponent = new Vector<ulong>(Exponent);
            var magnitude = new Vector<ulong>(Magnitude);
            Vector<ulong> bad0 = Vector<ulong>.Zero, bad1 = Vector<ulong>.Zero;
            Vector<double> max0 = Vector<double>.Zero, max1 = Vector<double>.Zero;
            ref ulong b = ref MemoryMarshal.GetReference(bits);
            int w = Vector<ulong>.Count;
            for (; i <= bits.Length - 2 * w; i += 2 * w)
            {
                var v0 = Vector.LoadUnsafe(ref b, (nuint)i) & magnitude;
                var v1 = Vector.LoadUnsafe(ref b, (nuint)(i + w)) & magnitude;
                bad0 |= Vector.Equals(v0 & exponent, exponent);
                bad1 |= Vector.Equals(v1 & exponent, exponent);
                max0 = Vector.Max(max0, Vector.AsVectorDouble(v0));
                max1 = Vector.Max(max1, Vector.AsVectorDouble(v1));
            }
            if ((bad0 | bad1) != Vector<ulong>.Zero)
                return (FirstNonFinite(values), double.NaN);
            var max = Vector.Max(max0, max1);
            for (int l = 0; l < Vector<double>.Count; l++) largest = Math.Max(largest, max[l]);
        }
        for (; i < bits.Length; i++)
        {
            if ((bits[i] & Exponent) == Exponent) return (i, double.NaN);
            largest = Math.Max(largest, Math.Abs(values[i]));
        }
        return (-1, largest);
    }

    /// <summary>Index of the first NaN or infinity (exponent bits all ones), or -1; vectorised.</summary>
    internal static int FirstNonFinite(ReadOnlySpan<double> values)
    {
        const ulong Exponent = 0x7FF0_0000_0000_0000;
        var bits = MemoryMarshal.Cast<double, ulong>(values);
        int i = 0;
        // Vector256 where the CPU has it: ReadyToRun code over Vector<T> (the machine's width) is not real vector code.
        if (Vector256.IsHardwareAccelerated)
        {
            var mask = Vector256.Create(Exponent);
            ref ulong b = ref MemoryMarshal.GetReference(bits);
            for (; i <= bits.Length - Vector256<ulong>.Count; i += Vector256<ulong>.Count)
                if (Vector256.EqualsAny(Vector256.LoadUnsafe(ref b, (nuint)i) & mask, mask)) break;
        }
        else if (Vector.IsHardwareAccelerated)
        {
            var mask = new Vector<ulong>(Exponent);
            for (; i <= bits.Length - Vector<ulong>.Count; i += Vector<ulong>.Count)
                if (Vector.EqualsAny(new Vector<ulong>(bits[i..]) & mask, mask)) break;
        }
        for (; i < bits.Length; i++)
            if ((bits[i] & Exponent) == Exponent) return i;
        return -1;
    }

    /// <summary>Index of the first NaN or infinity, or -1; vectorised.</summary>
    /// <remarks>
    /// The double overload's loop over 32-bit lanes. Written twice on purpose: one generic loop over the bit patterns
    /// (<c>IBinaryInteger</c>) was rejected from the ReadyToRun image and JIT-compiled in every process, the start-up cost
    /// these loops exist to avoid.
    /// </remarks>
    internal static int FirstNonFinite(ReadOnlySpan<float> values)
    {
        const uint Exponent = 0x7F80_0000;
        var bits = MemoryMarshal.Cast<float, uint>(values);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var mask = Vector256.Create(Exponent);
            ref uint b = ref MemoryMarshal.GetReference(bits);
            for (; i <= bits.Length - Vector256<uint>.Count; i += Vector256<uint>.Count)
                if (Vector256.EqualsAny(Vector256.LoadUnsafe(ref b, (nuint)i) & mask, mask)) break;
        }
        else if (Vector.IsHardwareAccelerated)
        {
            var mask = new Vector<uint>(Exponent);
            for (; i <= bits.Length - Vector<uint>.Count; i += Vector<uint>.Count)
                if (Vector.EqualsAny(new Vector<uint>(bits[i..]) & mask, mask)) break;
        }
        for (; i < bits.Length; i++)
            if ((bits[i] & Exponent) == Exponent) return i;
        return -1;
    }
}
