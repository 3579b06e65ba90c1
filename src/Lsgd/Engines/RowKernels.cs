using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Lsgd.LinearAlgebra;

namespace Lsgd.Engines;

/// <summary>
/// The two vector steps of <see cref="RowMath"/>'s micro-blocks, for a few rows x₀ … xₘ₋₁ stored row-major with d
/// columns: their dot products with one weight vector (<see cref="Dots"/>, <see cref="DotsWiden"/>), and
/// g += Σₜ cₜ·xₜ (<see cref="AddRows"/>). Each has a 512-bit and a 256-bit path, chosen by the caller's
/// <c>bits</c> (512 where the CPU has AVX-512F, else 256; see <see cref="Kernels.GramVectorBits"/>).
/// </summary>
/// <remarks>
/// The order of every sum depends only on d, m and the path, so the same rows give the same bits every time on
/// a given machine. Every path is tested against double-double sums at sizes that exercise each tail.
/// </remarks>
internal static class RowKernels
{
    /// <summary>
    /// dots[t] = xₜ·w for the m rows of <paramref name="x"/> (d values each, <paramref name="ld"/> apart);
    /// <paramref name="bits"/> is 512 or 256.
    /// </summary>
    public static void Dots(ReadOnlySpan<double> x, int d, int ld, int m, ReadOnlySpan<double> w, Span<double> dots, int bits)
    {
        CheckShapes(x.Length, d, ld, m, w.Length, dots.Length);
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double wr = ref MemoryMarshal.GetReference(w);
        ref double dr = ref MemoryMarshal.GetReference(dots);
        int t = 0;
        for (; t + 4 <= m; t += 4)
        {
            ref double x0 = ref Unsafe.Add(ref xr, t * ld);
            var sums = bits == 512 ? Dots4x512(ref x0, d, ld, ref wr) : Dots4x256(ref x0, d, ld, ref wr);
            sums.StoreUnsafe(ref dr, (nuint)t);
        }
        for (; t < m; t++)
        {
            ref double row = ref Unsafe.Add(ref xr, t * ld);
            double s = 0;
            for (int j = 0; j < d; j++) s += Unsafe.Add(ref row, j) * Unsafe.Add(ref wr, j);
            Unsafe.Add(ref dr, t) = s;
        }
    }

    /// <summary>
    /// As <see cref="Dots"/> for single-precision rows (stored contiguously, d values each), widening each value
    /// to double once: the widened rows are stored into <paramref name="wide"/> (rows <paramref name="ld"/> apart) on
    /// the way, for the steps that use them next. With ld a multiple of 8 and <paramref name="wide"/> on a 64-byte
    /// boundary, those steps read whole cache lines with every 512-bit load.
    /// </summary>
    public static void DotsWiden(ReadOnlySpan<float> x, int d, int m, ReadOnlySpan<double> w, Span<double> dots, Span<double> wide, int ld, int bits)
    {
        CheckShapes(x.Length, d, d, m, w.Length, dots.Length);
        CheckShapes(wide.Length, d, ld, m, d, m);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref double wr = ref MemoryMarshal.GetReference(w);
        ref double dr = ref MemoryMarshal.GetReference(dots);
        ref double vr = ref MemoryMarshal.GetReference(wide);
        int t = 0;
        int ahead = PrefetchBytes;
        for (; t + 4 <= m; t += 4)
        {
            ref float x0 = ref Unsafe.Add(ref xr, t * d);
            if (ahead > 0 && Sse.IsSupported) PrefetchRange(ref Unsafe.AddByteOffset(ref Unsafe.As<float, byte>(ref x0), ahead), 4 * d * sizeof(float));
            ref double v0 = ref Unsafe.Add(ref vr, t * ld);
            var sums = bits == 512 ? DotsWiden4x512(ref x0, d, ref wr, ref v0, ld) : DotsWiden4x256(ref x0, d, ref wr, ref v0, ld);
            sums.StoreUnsafe(ref dr, (nuint)t);
        }
        for (; t < m; t++)
        {
            ref float row = ref Unsafe.Add(ref xr, t * d);
            ref double to = ref Unsafe.Add(ref vr, t * ld);
            double s = 0;
            for (int j = 0; j < d; j++)
            {
                double v = Unsafe.Add(ref row, j);
                Unsafe.Add(ref to, j) = v;
                s += v * Unsafe.Add(ref wr, j);
            }
            Unsafe.Add(ref dr, t) = s;
        }
    }

    /// <summary>
    /// How far ahead of each four-row group <see cref="DotsWiden"/> asks for the rows it will read next (bytes; 0 for
    /// no hints; a field so the benchmarks can compare). Single-precision rows are read at twice the rows per second,
    /// and the hardware prefetcher alone then leaves the core waiting on memory between the vector steps; hints for the
    /// rows 4 KB ahead (about ten rows at d = 100) made the float32 pass 20–30 % faster on the 2-core Xeon (AVX-512), on
    /// one thread and on two. The micro-block float64 pass gained nothing from them, and has none; the fused one-output
    /// pass sends its own (<see cref="FusedRows.PrefetchBytes"/>) for both precisions, one per line read.
    /// </summary>
    internal static int PrefetchBytes = 4096;

    /// <summary>Prefetch hints (into L1) for <paramref name="bytes"/> bytes from <paramref name="at"/> on: a hint never faults, so the range may run past the data.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void PrefetchRange(ref byte at, int bytes)
    {
        byte* p = (byte*)Unsafe.AsPointer(ref at);
        for (int o = 0; o < bytes; o += 64)
            Sse.Prefetch0(p + o);
    }

    /// <summary>The kernels read and write through unchecked references: the spans must hold m rows of d values (ld apart), d weights and m results.</summary>
    private static void CheckShapes(int values, int d, int ld, int m, int columns, int results)
    {
        if (ld < d || values < (m - 1) * ld + d || columns < d || results < m)
            throw new ArgumentException($"{m} rows of {d} values, {ld} apart, need {(m - 1) * ld + d} values, {d} columns and {m} results; got {values}, {columns} and {results}.");
    }

    /// <summary>
    /// The dot products of four consecutive rows (x0 the first, stride d) with w: eight 512-bit accumulators
    /// (two per row, each load of w serving four rows), reduced together, then a 256-bit and a scalar tail.
    /// </summary>
    private static Vector256<double> Dots4x512(ref double x0, int d, int ld, ref double w)
    {
        ref double x1 = ref Unsafe.Add(ref x0, ld);
        ref double x2 = ref Unsafe.Add(ref x1, ld);
        ref double x3 = ref Unsafe.Add(ref x2, ld);
        Vector512<double> a0 = default, a1 = default, a2 = default, a3 = default;
        Vector512<double> b0 = default, b1 = default, b2 = default, b3 = default;
        nuint j = 0, n = (nuint)d;
        for (; j + 16 <= n; j += 16)
        {
            var w0 = Vector512.LoadUnsafe(ref w, j);
            var w1 = Vector512.LoadUnsafe(ref w, j + 8);
            a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref x0, j), w0, a0);
            a1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref x1, j), w0, a1);
            a2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref x2, j), w0, a2);
            a3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref x3, j), w0, a3);
            b0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref x0, j + 8), w1, b0);
            b1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref x1, j + 8), w1, b1);
            b2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref x2, j + 8), w1, b2);
            b3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref x3, j + 8), w1, b3);
        }
        if (j + 8 <= n)
        {
            var w0 = Vector512.LoadUnsafe(ref w, j);
            a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref x0, j), w0, a0);
            a1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref x1, j), w0, a1);
            a2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref x2, j), w0, a2);
            a3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref x3, j), w0, a3);
            j += 8;
        }
        a0 += b0; a1 += b1; a2 += b2; a3 += b3;
        var c0 = a0.GetLower() + a0.GetUpper();
        var c1 = a1.GetLower() + a1.GetUpper();
        var c2 = a2.GetLower() + a2.GetUpper();
        var c3 = a3.GetLower() + a3.GetUpper();
        if (j + 4 <= n)
        {
            var w0 = Vector256.LoadUnsafe(ref w, j);
            c0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x0, j), w0, c0);
            c1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x1, j), w0, c1);
            c2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x2, j), w0, c2);
            c3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x3, j), w0, c3);
            j += 4;
        }
        return Sum4(c0, c1, c2, c3) + ScalarTail4(ref x0, d, ld, ref w, (int)j);
    }

    /// <summary>As <see cref="Dots4x512"/> with 256-bit vectors.</summary>
    private static Vector256<double> Dots4x256(ref double x0, int d, int ld, ref double w)
    {
        ref double x1 = ref Unsafe.Add(ref x0, ld);
        ref double x2 = ref Unsafe.Add(ref x1, ld);
        ref double x3 = ref Unsafe.Add(ref x2, ld);
        Vector256<double> a0 = default, a1 = default, a2 = default, a3 = default;
        Vector256<double> b0 = default, b1 = default, b2 = default, b3 = default;
        nuint j = 0, n = (nuint)d;
        for (; j + 8 <= n; j += 8)
        {
            var w0 = Vector256.LoadUnsafe(ref w, j);
            var w1 = Vector256.LoadUnsafe(ref w, j + 4);
            a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x0, j), w0, a0);
            a1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x1, j), w0, a1);
            a2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x2, j), w0, a2);
            a3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x3, j), w0, a3);
            b0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x0, j + 4), w1, b0);
            b1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x1, j + 4), w1, b1);
            b2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x2, j + 4), w1, b2);
            b3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x3, j + 4), w1, b3);
        }
        if (j + 4 <= n)
        {
            var w0 = Vector256.LoadUnsafe(ref w, j);
            a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x0, j), w0, a0);
            a1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x1, j), w0, a1);
            a2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x2, j), w0, a2);
            a3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x3, j), w0, a3);
            j += 4;
        }
        return Sum4(a0 + b0, a1 + b1, a2 + b2, a3 + b3) + ScalarTail4(ref x0, d, ld, ref w, (int)j);
    }

    /// <summary>
    /// <see cref="Dots4x512"/> on single-precision rows (stride d), storing each row widened into <paramref name="v0"/> (stride ld).
    /// Each row has its own reference, so every load and store addresses [row + 4j] or [row + 8j] with no address
    /// arithmetic in the loop (with one index into four rows the JIT computed each address with two more instructions
    /// and spilled offsets to the stack). On the 2-core Xeon that made the 256-bit kernels (Dots, DotsWiden) about 15 %
    /// faster on rows in L1; the 512-bit ones, bound by their vector µops, ran as fast as before.
    /// </summary>
    private static Vector256<double> DotsWiden4x512(ref float x0, int d, ref double w, ref double v0, int ld)
    {
        ref float x1 = ref Unsafe.Add(ref x0, d);
        ref float x2 = ref Unsafe.Add(ref x1, d);
        ref float x3 = ref Unsafe.Add(ref x2, d);
        ref double v1 = ref Unsafe.Add(ref v0, ld);
        ref double v2 = ref Unsafe.Add(ref v1, ld);
        ref double v3 = ref Unsafe.Add(ref v2, ld);
        Vector512<double> a0 = default, a1 = default, a2 = default, a3 = default;
        Vector512<double> b0 = default, b1 = default, b2 = default, b3 = default;
        nuint j = 0, n = (nuint)d;
        for (; j + 16 <= n; j += 16)
        {
            var w0 = Vector512.LoadUnsafe(ref w, j);
            var w1 = Vector512.LoadUnsafe(ref w, j + 8);
            var x = Kernels.Widen8(ref x0, j); x.StoreUnsafe(ref v0, j); a0 = Vector512.FusedMultiplyAdd(x, w0, a0);
            x = Kernels.Widen8(ref x1, j); x.StoreUnsafe(ref v1, j); a1 = Vector512.FusedMultiplyAdd(x, w0, a1);
            x = Kernels.Widen8(ref x2, j); x.StoreUnsafe(ref v2, j); a2 = Vector512.FusedMultiplyAdd(x, w0, a2);
            x = Kernels.Widen8(ref x3, j); x.StoreUnsafe(ref v3, j); a3 = Vector512.FusedMultiplyAdd(x, w0, a3);
            x = Kernels.Widen8(ref x0, j + 8); x.StoreUnsafe(ref v0, j + 8); b0 = Vector512.FusedMultiplyAdd(x, w1, b0);
            x = Kernels.Widen8(ref x1, j + 8); x.StoreUnsafe(ref v1, j + 8); b1 = Vector512.FusedMultiplyAdd(x, w1, b1);
            x = Kernels.Widen8(ref x2, j + 8); x.StoreUnsafe(ref v2, j + 8); b2 = Vector512.FusedMultiplyAdd(x, w1, b2);
            x = Kernels.Widen8(ref x3, j + 8); x.StoreUnsafe(ref v3, j + 8); b3 = Vector512.FusedMultiplyAdd(x, w1, b3);
        }
        if (j + 8 <= n)
        {
            var w0 = Vector512.LoadUnsafe(ref w, j);
            var x = Kernels.Widen8(ref x0, j); x.StoreUnsafe(ref v0, j); a0 = Vector512.FusedMultiplyAdd(x, w0, a0);
            x = Kernels.Widen8(ref x1, j); x.StoreUnsafe(ref v1, j); a1 = Vector512.FusedMultiplyAdd(x, w0, a1);
            x = Kernels.Widen8(ref x2, j); x.StoreUnsafe(ref v2, j); a2 = Vector512.FusedMultiplyAdd(x, w0, a2);
            x = Kernels.Widen8(ref x3, j); x.StoreUnsafe(ref v3, j); a3 = Vector512.FusedMultiplyAdd(x, w0, a3);
            j += 8;
        }
        a0 += b0; a1 += b1; a2 += b2; a3 += b3;
        var c0 = a0.GetLower() + a0.GetUpper();
        var c1 = a1.GetLower() + a1.GetUpper();
        var c2 = a2.GetLower() + a2.GetUpper();
        var c3 = a3.GetLower() + a3.GetUpper();
        if (j + 4 <= n)
        {
            var w0 = Vector256.LoadUnsafe(ref w, j);
            var x = Kernels.Widen4(ref x0, j); x.StoreUnsafe(ref v0, j); c0 = Vector256.FusedMultiplyAdd(x, w0, c0);
            x = Kernels.Widen4(ref x1, j); x.StoreUnsafe(ref v1, j); c1 = Vector256.FusedMultiplyAdd(x, w0, c1);
            x = Kernels.Widen4(ref x2, j); x.StoreUnsafe(ref v2, j); c2 = Vector256.FusedMultiplyAdd(x, w0, c2);
            x = Kernels.Widen4(ref x3, j); x.StoreUnsafe(ref v3, j); c3 = Vector256.FusedMultiplyAdd(x, w0, c3);
            j += 4;
        }
        WidenTail4(ref x0, d, ref v0, ld, (int)j);
        return Sum4(c0, c1, c2, c3) + ScalarTail4(ref v0, d, ld, ref w, (int)j);
    }

    /// <summary>As <see cref="DotsWiden4x512"/> with 256-bit vectors.</summary>
    private static Vector256<double> DotsWiden4x256(ref float x0, int d, ref double w, ref double v0, int ld)
    {
        ref float x1 = ref Unsafe.Add(ref x0, d);
        ref float x2 = ref Unsafe.Add(ref x1, d);
        ref float x3 = ref Unsafe.Add(ref x2, d);
        ref double v1 = ref Unsafe.Add(ref v0, ld);
        ref double v2 = ref Unsafe.Add(ref v1, ld);
        ref double v3 = ref Unsafe.Add(ref v2, ld);
        Vector256<double> a0 = default, a1 = default, a2 = default, a3 = default;
        Vector256<double> b0 = default, b1 = default, b2 = default, b3 = default;
        nuint j = 0, n = (nuint)d;
        for (; j + 8 <= n; j += 8)
        {
            var w0 = Vector256.LoadUnsafe(ref w, j);
            var w1 = Vector256.LoadUnsafe(ref w, j + 4);
            var x = Kernels.Widen4(ref x0, j); x.StoreUnsafe(ref v0, j); a0 = Vector256.FusedMultiplyAdd(x, w0, a0);
            x = Kernels.Widen4(ref x1, j); x.StoreUnsafe(ref v1, j); a1 = Vector256.FusedMultiplyAdd(x, w0, a1);
            x = Kernels.Widen4(ref x2, j); x.StoreUnsafe(ref v2, j); a2 = Vector256.FusedMultiplyAdd(x, w0, a2);
            x = Kernels.Widen4(ref x3, j); x.StoreUnsafe(ref v3, j); a3 = Vector256.FusedMultiplyAdd(x, w0, a3);
            x = Kernels.Widen4(ref x0, j + 4); x.StoreUnsafe(ref v0, j + 4); b0 = Vector256.FusedMultiplyAdd(x, w1, b0);
            x = Kernels.Widen4(ref x1, j + 4); x.StoreUnsafe(ref v1, j + 4); b1 = Vector256.FusedMultiplyAdd(x, w1, b1);
            x = Kernels.Widen4(ref x2, j + 4); x.StoreUnsafe(ref v2, j + 4); b2 = Vector256.FusedMultiplyAdd(x, w1, b2);
            x = Kernels.Widen4(ref x3, j + 4); x.StoreUnsafe(ref v3, j + 4); b3 = Vector256.FusedMultiplyAdd(x, w1, b3);
        }
        if (j + 4 <= n)
        {
            var w0 = Vector256.LoadUnsafe(ref w, j);
            var x = Kernels.Widen4(ref x0, j); x.StoreUnsafe(ref v0, j); a0 = Vector256.FusedMultiplyAdd(x, w0, a0);
            x = Kernels.Widen4(ref x1, j); x.StoreUnsafe(ref v1, j); a1 = Vector256.FusedMultiplyAdd(x, w0, a1);
            x = Kernels.Widen4(ref x2, j); x.StoreUnsafe(ref v2, j); a2 = Vector256.FusedMultiplyAdd(x, w0, a2);
            x = Kernels.Widen4(ref x3, j); x.StoreUnsafe(ref v3, j); a3 = Vector256.FusedMultiplyAdd(x, w0, a3);
            j += 4;
        }
        WidenTail4(ref x0, d, ref v0, ld, (int)j);
        return Sum4(a0 + b0, a1 + b1, a2 + b2, a3 + b3) + ScalarTail4(ref v0, d, ld, ref w, (int)j);
    }

    /// <summary>Columns [from, d) of four single-precision rows (stride d) widened into <paramref name="v0"/> (stride ld).</summary>
    private static void WidenTail4(ref float x0, int d, ref double v0, int ld, int from)
    {
        for (int t = 0; t < 4; t++)
            for (int j = from; j < d; j++)
                Unsafe.Add(ref v0, t * ld + j) = Unsafe.Add(ref x0, t * d + j);
    }

    /// <summary>The dot products over columns [from, d) of four rows (stride ld) with w, in plain loops.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> ScalarTail4(ref double x0, int d, int ld, ref double w, int from)
    {
        if (from == d)
            return Vector256<double>.Zero;
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        ref double x1 = ref Unsafe.Add(ref x0, ld);
        ref double x2 = ref Unsafe.Add(ref x1, ld);
        ref double x3 = ref Unsafe.Add(ref x2, ld);
        for (int j = from; j < d; j++)
        {
            double wj = Unsafe.Add(ref w, j);
            s0 += Unsafe.Add(ref x0, j) * wj;
            s1 += Unsafe.Add(ref x1, j) * wj;
            s2 += Unsafe.Add(ref x2, j) * wj;
            s3 += Unsafe.Add(ref x3, j) * wj;
        }
        return Vector256.Create(s0, s1, s2, s3);
    }

    /// <summary>
    /// [Σ c0, Σ c1, Σ c2, Σ c3]: the four horizontal sums at once (two horizontal adds, one lane swap, one blend
    /// and one add with AVX), instead of four separate reductions.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Sum4(Vector256<double> c0, Vector256<double> c1, Vector256<double> c2, Vector256<double> c3)
    {
        if (Avx.IsSupported)
        {
            // h01 = [c0₀+c0₁, c1₀+c1₁, c0₂+c0₃, c1₂+c1₃]; h23 likewise for c2, c3.
            var h01 = Avx.HorizontalAdd(c0, c1);
            var h23 = Avx.HorizontalAdd(c2, c3);
            return Avx.Blend(h01, h23, 0b1100) + Avx.Permute2x128(h01, h23, 0x21);
        }
        return Vector256.Create(Vector256.Sum(c0), Vector256.Sum(c1), Vector256.Sum(c2), Vector256.Sum(c3));
    }

    /// <summary>
    /// How many doubles from the start of <paramref name="buffer"/> its first 64-byte (cache-line) boundary lies, as
    /// the array lies now; should the collector move it later, loads from that offset are merely split across lines.
    /// </summary>
    public static int AlignedStart(double[] buffer)
    {
        nint address = Unsafe.ByteOffset(ref Unsafe.NullRef<double>(), ref MemoryMarshal.GetArrayDataReference(buffer));
        return (int)((-address & 63) / sizeof(double));
    }

    /// <summary>d rounded up to a whole number of cache lines of doubles: the stride that keeps every row of a buffer aligned.</summary>
    public static int PaddedStride(int d) => (d + 7) & ~7;

    /// <summary>
    /// g += Σₜ cₜ·xₜ over the m rows of <paramref name="x"/> (d values each, <paramref name="ld"/> apart): tiles of 64 columns (512-bit) or 32 (256-bit) held
    /// in eight accumulators across the rows, so g is read and written once per call; narrower column groups then
    /// alternate two accumulators between even and odd rows.
    /// </summary>
    public static void AddRows(ReadOnlySpan<double> x, int d, int ld, int m, ReadOnlySpan<double> c, Span<double> g, int bits)
    {
        CheckShapes(x.Length, d, ld, m, g.Length, c.Length);
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double cr = ref MemoryMarshal.GetReference(c);
        ref double gr = ref MemoryMarshal.GetReference(g);
        nuint stride = (nuint)ld, n = (nuint)d, j = 0;
        if (bits == 512)
        {
            for (; j + 64 <= n; j += 64)
            {
                Vector512<double> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
                nuint row = j;
                for (int t = 0; t < m; t++, row += stride)
                {
                    var ct = Vector512.Create(Unsafe.Add(ref cr, t));
                    a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xr, row), ct, a0);
                    a1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xr, row + 8), ct, a1);
                    a2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xr, row + 16), ct, a2);
                    a3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xr, row + 24), ct, a3);
                    a4 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xr, row + 32), ct, a4);
                    a5 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xr, row + 40), ct, a5);
                    a6 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xr, row + 48), ct, a6);
                    a7 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xr, row + 56), ct, a7);
                }
                (Vector512.LoadUnsafe(ref gr, j) + a0).StoreUnsafe(ref gr, j);
                (Vector512.LoadUnsafe(ref gr, j + 8) + a1).StoreUnsafe(ref gr, j + 8);
                (Vector512.LoadUnsafe(ref gr, j + 16) + a2).StoreUnsafe(ref gr, j + 16);
                (Vector512.LoadUnsafe(ref gr, j + 24) + a3).StoreUnsafe(ref gr, j + 24);
                (Vector512.LoadUnsafe(ref gr, j + 32) + a4).StoreUnsafe(ref gr, j + 32);
                (Vector512.LoadUnsafe(ref gr, j + 40) + a5).StoreUnsafe(ref gr, j + 40);
                (Vector512.LoadUnsafe(ref gr, j + 48) + a6).StoreUnsafe(ref gr, j + 48);
                (Vector512.LoadUnsafe(ref gr, j + 56) + a7).StoreUnsafe(ref gr, j + 56);
            }
            for (; j + 16 <= n; j += 16)
            {
                // Two columns groups × even and odd rows: four independent chains.
                Vector512<double> a0 = default, a1 = default, b0 = default, b1 = default;
                nuint row = j;
                int t = 0;
                for (; t + 2 <= m; t += 2, row += 2 * stride)
                {
                    var ct = Vector512.Create(Unsafe.Add(ref cr, t));
                    var cu = Vector512.Create(Unsafe.Add(ref cr, t + 1));
                    a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xr, row), ct, a0);
                    a1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xr, row + 8), ct, a1);
                    b0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xr, row + stride), cu, b0);
                    b1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xr, row + stride + 8), cu, b1);
                }
                if (t < m)
                {
                    var ct = Vector512.Create(Unsafe.Add(ref cr, t));
                    a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xr, row), ct, a0);
                    a1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xr, row + 8), ct, a1);
                }
                (Vector512.LoadUnsafe(ref gr, j) + (a0 + b0)).StoreUnsafe(ref gr, j);
                (Vector512.LoadUnsafe(ref gr, j + 8) + (a1 + b1)).StoreUnsafe(ref gr, j + 8);
            }
            if (j + 8 <= n)
            {
                Vector512<double> a0 = default, b0 = default;
                nuint row = j;
                int t = 0;
                for (; t + 2 <= m; t += 2, row += 2 * stride)
                {
                    a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xr, row), Vector512.Create(Unsafe.Add(ref cr, t)), a0);
                    b0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xr, row + stride), Vector512.Create(Unsafe.Add(ref cr, t + 1)), b0);
                }
                if (t < m)
                    a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xr, row), Vector512.Create(Unsafe.Add(ref cr, t)), a0);
                (Vector512.LoadUnsafe(ref gr, j) + (a0 + b0)).StoreUnsafe(ref gr, j);
                j += 8;
            }
        }
        else
        {
            for (; j + 32 <= n; j += 32)
            {
                Vector256<double> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
                nuint row = j;
                for (int t = 0; t < m; t++, row += stride)
                {
                    var ct = Vector256.Create(Unsafe.Add(ref cr, t));
                    a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, row), ct, a0);
                    a1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, row + 4), ct, a1);
                    a2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, row + 8), ct, a2);
                    a3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, row + 12), ct, a3);
                    a4 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, row + 16), ct, a4);
                    a5 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, row + 20), ct, a5);
                    a6 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, row + 24), ct, a6);
                    a7 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, row + 28), ct, a7);
                }
                (Vector256.LoadUnsafe(ref gr, j) + a0).StoreUnsafe(ref gr, j);
                (Vector256.LoadUnsafe(ref gr, j + 4) + a1).StoreUnsafe(ref gr, j + 4);
                (Vector256.LoadUnsafe(ref gr, j + 8) + a2).StoreUnsafe(ref gr, j + 8);
                (Vector256.LoadUnsafe(ref gr, j + 12) + a3).StoreUnsafe(ref gr, j + 12);
                (Vector256.LoadUnsafe(ref gr, j + 16) + a4).StoreUnsafe(ref gr, j + 16);
                (Vector256.LoadUnsafe(ref gr, j + 20) + a5).StoreUnsafe(ref gr, j + 20);
                (Vector256.LoadUnsafe(ref gr, j + 24) + a6).StoreUnsafe(ref gr, j + 24);
                (Vector256.LoadUnsafe(ref gr, j + 28) + a7).StoreUnsafe(ref gr, j + 28);
            }
            for (; j + 8 <= n; j += 8)
            {
                Vector256<double> a0 = default, a1 = default, b0 = default, b1 = default;
                nuint row = j;
                int t = 0;
                for (; t + 2 <= m; t += 2, row += 2 * stride)
                {
                    var ct = Vector256.Create(Unsafe.Add(ref cr, t));
                    var cu = Vector256.Create(Unsafe.Add(ref cr, t + 1));
                    a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, row), ct, a0);
                    a1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, row + 4), ct, a1);
                    b0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, row + stride), cu, b0);
                    b1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, row + stride + 4), cu, b1);
                }
                if (t < m)
                {
                    var ct = Vector256.Create(Unsafe.Add(ref cr, t));
                    a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, row), ct, a0);
                    a1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, row + 4), ct, a1);
                }
                (Vector256.LoadUnsafe(ref gr, j) + (a0 + b0)).StoreUnsafe(ref gr, j);
                (Vector256.LoadUnsafe(ref gr, j + 4) + (a1 + b1)).StoreUnsafe(ref gr, j + 4);
            }
        }
        if (j + 4 <= n)
        {
            Vector256<double> a0 = default, b0 = default;
            nuint row = j;
            int t = 0;
            for (; t + 2 <= m; t += 2, row += 2 * stride)
            {
                a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, row), Vector256.Create(Unsafe.Add(ref cr, t)), a0);
                b0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, row + stride), Vector256.Create(Unsafe.Add(ref cr, t + 1)), b0);
            }
            if (t < m)
                a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, row), Vector256.Create(Unsafe.Add(ref cr, t)), a0);
            (Vector256.LoadUnsafe(ref gr, j) + (a0 + b0)).StoreUnsafe(ref gr, j);
            j += 4;
        }
        for (; j < n; j++)
        {
            double sum = 0;
            nuint at = j;
            for (int t = 0; t < m; t++, at += stride) sum += Unsafe.Add(ref cr, t) * Unsafe.Add(ref xr, at);
            Unsafe.Add(ref gr, j) += sum;
        }
    }
}
