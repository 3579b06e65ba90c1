using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Lsgd.LinearAlgebra;

namespace Lsgd.Engines;

/// <summary>
/// The fused gradient pass for one output with 512-bit or 256-bit vectors: r = y − Xw − b and g −= Σ w·r·x in one read of X,
/// every load whole (never split across cache lines), with the next rows' dot products and the previous rows'
/// gradient sums interleaved in one loop.
/// </summary>
/// <remarks>
/// <para>
/// Why (2-vCPU Xeon, AVX-512, d = 100): the micro-block path (<see cref="RowKernels.Dots"/> on rows read from memory,
/// then <see cref="RowKernels.AddRows"/> on the same rows from L1) ran at 0.65–0.75 of the read-only stream on one thread.
/// Two things cost it: at d = 100 every other row starts half-way into a cache line, so half of its 512-bit loads were
/// split across two lines (a pass at d = 104 ran ~20 % faster than at d = 100); and while the gradient step of a block ran
/// on L1 data, no load of the next rows was in flight, so the memory stream stalled for the length of that step.
/// </para>
/// <para>
/// Here each row is read as whole aligned chunks of 8 values (a 64-byte line of doubles, or 32 bytes of floats widened to
/// 8 doubles): a row that starts p values past a chunk boundary (its phase) is read from p values before its start, and
/// its dot product uses a copy of w shifted by p with zeros around it, so the values of the neighbouring rows in its first
/// and last chunk are multiplied by exact zeros; its gradient sums go into a gradient shifted by p, whose entries outside
/// [p, p + d) collect the neighbours' values times r and are discarded. Rows with the same phase (every P-th row,
/// P = 8 / gcd(d, 8)) are taken four at a time, so the four share one load of w and one load and store of g per chunk.
/// Each step computes the dot products of a group of four rows (from memory, with prefetch hints <see cref="PrefetchBytes"/>
/// ahead) while adding the previous group's rows (now in L1) into g, so the loads of the stream are spread evenly
/// through the loop. The rows whose chunks would reach outside <c>x</c> (at most the first and the last) and the last
/// rows that do not fill a block of 4P are left to the caller.
/// </para>
/// <para>
/// With 256-bit vectors (AVX2 and FMA, <see cref="Step256{T}"/>) a chunk is the same 8 values read as two halves, so the
/// phases, the shifted w and g and the blocks are the same and only the arithmetic of a step differs. On the AVX2 path
/// of the 2-vCPU Xeon (DOTNET_EnableAVX512F=0; grad-ratios --vector-bits 256, one thread, medians of 9, against the
/// micro-block path in the same process, three runs) it took the pass from 0.72–0.78 to 0.93–0.96 of the read-only stream
/// for float64 and from 0.60–0.69 to 0.76–0.77 for float32 at d = 100, and at d = 10 from 0.31–0.34 (the scalar loop)
/// to 0.52–0.54 for float64 and from 0.19–0.21 to 0.29–0.30 for float32; at d = 8…16 float64 rows took 12–16 ns instead
/// of 18–39 and float32 rows the same or less (11.4 against 11.3 ns at d = 8, 14.1 against 18.5 at d = 9).
/// </para>
/// <para>
/// Every product is the one the plain loop forms; the sums are grouped differently (per row: two accumulators over
/// alternate chunks, or with 256-bit vectors over the two halves of every chunk, then the lanes), fixed by d, the
/// vector width, the phase of x's start and the rows given, so the result is reproducible. A non-finite value in x makes the result non-finite, as in the plain loop (it may reach the
/// neighbouring row's sums through the zero factor).
/// </para>
/// </remarks>
internal static class FusedRows
{
    /// <summary>
    /// How far ahead of each group's rows the prefetch hints go (bytes; 0 for none; a field so the benchmarks can compare).
    /// 8 KB (about ten rows of doubles at d = 100) against 4 KB: 0.82–0.90 against 0.79–0.85 of the read-only stream for
    /// float64 and 0.66–0.81 against 0.63–0.71 for float32, in three interleaved runs (one thread, CPU time, 2-core Xeon).
    /// </summary>
    internal static int PrefetchBytes = 8192;

    /// <summary>Values per chunk: one 512-bit vector of doubles, or two 256-bit vectors.</summary>
    private const int Chunk = 8;

    /// <summary>Values per 256-bit vector of doubles: half a chunk.</summary>
    private const int Half = Chunk / 2;

    /// <summary>
    /// Whether the fused pass can take rows of width <paramref name="d"/> (it needs a row to span at least one chunk) with
    /// <paramref name="bits"/>-bit vectors: 512 on a CPU with AVX-512F, 256 on one with FMA (AVX2 machines).
    /// </summary>
    public static bool Takes(int d, int bits) => d >= Chunk && bits switch
    {
        512 => Avx512F.IsSupported,
        256 => Fma.IsSupported,
        _ => false,
    };

    /// <summary>
    /// The fused pass over as many rows of <paramref name="x"/> as it takes, from row <paramref name="first"/> on, for
    /// <paramref name="count"/> rows (the caller does the rest, before and after); returns Σ wᵢrᵢ² and adds Σ wᵢrᵢ into
    /// <paramref name="sumR"/> (the intercept's gradient is −sumR).
    /// </summary>
    /// <param name="x">rows × d values, row-major.</param>
    /// <param name="d">The features.</param>
    /// <param name="rows">The rows of x.</param>
    /// <param name="w">The d weights.</param>
    /// <param name="b">The intercept (0 without).</param>
    /// <param name="y">rows targets (one output), or empty without targets.</param>
    /// <param name="weights">rows weights, or empty.</param>
    /// <param name="g">The d gradient entries of w, added to (−Σ wᵢrᵢxᵢ).</param>
    /// <param name="sumR">Σ wᵢrᵢ over the rows taken, added to.</param>
    /// <param name="first">The first row taken.</param>
    /// <param name="count">The rows taken, [first, first + count); 0 when too few rows.</param>
    /// <param name="bits">The vector width, 512 or 256 (<see cref="Takes"/> must hold): only the arithmetic of each step differs.</param>
    public static double Run<T>(ReadOnlySpan<T> x, int d, int rows, ReadOnlySpan<double> w, double b, ReadOnlySpan<double> y,
        ReadOnlySpan<double> weights, Span<double> g, ref double sumR, out int first, out int count, int bits)
        where T : unmanaged
    {
        if (!Takes(d, bits))
            throw new ArgumentException($"No fused pass for rows of {d} values with {bits}-bit vectors on this CPU.", nameof(bits));
        if (x.Length < (long)rows * d || w.Length < d || g.Length < d || (!y.IsEmpty && y.Length < rows) || (!weights.IsEmpty && weights.Length < rows))
            throw new ArgumentException($"{rows} rows of {d} values need {(long)rows * d} values, {d} weights and {d} gradient entries.");
        ref T xr = ref MemoryMarshal.GetReference(x);
        // The phase of row i: how many values past a chunk boundary it starts (x's start as it lies now; should the
        // collector move it, loads are merely split, and the result is the same).
        int size = Unsafe.SizeOf<T>();
        int start = (int)((Unsafe.ByteOffset(ref Unsafe.NullRef<T>(), ref xr) / size) & (Chunk - 1));
        int step = d & -d & (Chunk - 1);   // gcd(d, 8): the phases are start + multiples of it
        if (step == 0) step = Chunk;
        int period = Chunk / step;
        int maxPhase = 0;
        for (int q = 0; q < period; q++) maxPhase = Math.Max(maxPhase, (start + q * d) & (Chunk - 1));
        int chunks = (maxPhase + d + Chunk - 1) / Chunk;
        long values = x.Length;
        int Phase(long i) => (int)((start + i * d) & (Chunk - 1));
        bool Inside(long i) => i * d - Phase(i) >= 0 && i * d - Phase(i) + (long)chunks * Chunk <= values;
        first = 0;
        while (first < rows && !Inside(first)) first++;
        int end = rows;
        while (end > first && !Inside(end - 1)) end--;
        int block = 4 * period, blocks = (end - first) / block;
        count = blocks * block;
        if (blocks == 0)
        {
            count = 0;
            return 0;
        }

        // Per phase: w shifted by the phase with zeros around it, and the shifted gradient; cache-line aligned.
        int length = chunks * Chunk;
        bool single = typeof(T) == typeof(float);
        int wideLength = single && bits == 512 ? 8 * length : 0;
        var buffer = System.Buffers.ArrayPool<double>.Shared.Rent(8 + (2 * Chunk + 1) * length + wideLength);
        try
        {
            var all = buffer.AsSpan(RowKernels.AlignedStart(buffer), (2 * Chunk + 1) * length + wideLength);
            for (int u = 0; u < period; u++)
            {
                // Only the phases the rows have: P of the 8.
                int p = Phase(first + u);
                var wp = all.Slice(p * length, length);
                wp.Clear();
                w[..d].CopyTo(wp[p..]);
                all.Slice(Chunk * length + p * length, length).Clear();
            }
            ref double wAll = ref MemoryMarshal.GetReference(all);
            ref double gAll = ref Unsafe.Add(ref wAll, Chunk * length);
            // Single precision, 512-bit step: each group's rows widened to double (by its dot products), two groups in turn,
            // for its gradient sums (the 256-bit step widens them again instead; no buffer).
            ref double wide = ref Unsafe.Add(ref gAll, Chunk * length);
            nuint wideStride = (nuint)length;
            // The first step has no previous group: it adds its own rows times 0 into a scratch gradient, discarded.
            nint scratch = 2 * Chunk * length + wideLength;
            bool targets = !y.IsEmpty, weighted = !weights.IsEmpty;
            nuint stride = (nuint)((long)period * d);
            int ahead = PrefetchBytes;
            var sumSq = Vector256<double>.Zero;
            var sumRv = Vector256<double>.Zero;
            var c = Vector256<double>.Zero;
            // Groups in order: the rows first + 4P·blk + q (q < P), P apart; each group's start in x (from its phase's
            // chunk boundary) and its phase's w and g, kept as offsets.
            ref double yr = ref MemoryMarshal.GetReference(y);
            ref double vr = ref MemoryMarshal.GetReference(weights);
            var bv = Vector256.Create(b);
            int groups = blocks * period;
            nint previousAt = 0, previousG = 0, previousWide = 0;
            int blk = 0, q = 0;
            for (int index = 0; index <= groups; index++)
            {
                if (index == groups)
                {
                    // The last group's gradient sums, with its dot products formed again and discarded.
                    Step(bits, ref Unsafe.Add(ref xr, previousAt), ref Unsafe.Add(ref xr, previousAt), stride, ref wAll, ref Unsafe.Add(ref gAll, previousG),
                        c, chunks, 0, ref Unsafe.Add(ref wide, 4 * length - previousWide), ref Unsafe.Add(ref wide, previousWide), wideStride);
                    break;
                }
                int row = first + blk * block + q, phase = (int)((start + (long)row * d) & (Chunk - 1));
                nint at = (nint)((long)row * d - phase), wideAt = (index & 1) * 4 * length;
                if (index == 0)
                {
                    previousAt = at;
                    previousG = scratch - Chunk * length;
                    previousWide = 4 * length;
                }
                var dots = Step(bits, ref Unsafe.Add(ref xr, at), ref Unsafe.Add(ref xr, previousAt), stride, ref Unsafe.Add(ref wAll, phase * length), ref Unsafe.Add(ref gAll, previousG),
                    c, chunks, ahead, ref Unsafe.Add(ref wide, wideAt), ref Unsafe.Add(ref wide, previousWide), wideStride);
                var r = (targets
                    ? Vector256.Create(Unsafe.Add(ref yr, row), Unsafe.Add(ref yr, row + period), Unsafe.Add(ref yr, row + 2 * period), Unsafe.Add(ref yr, row + 3 * period))
                    : Vector256<double>.Zero) - dots - bv;
                var wr = weighted
                    ? Vector256.Create(Unsafe.Add(ref vr, row), Unsafe.Add(ref vr, row + period), Unsafe.Add(ref vr, row + 2 * period), Unsafe.Add(ref vr, row + 3 * period)) * r
                    : r;
                sumSq = Vector256.FusedMultiplyAdd(wr, r, sumSq);
                sumRv += wr;
                c = -wr;
                previousAt = at;
                previousG = phase * length;
                previousWide = wideAt;
                if (++q == period)
                {
                    q = 0;
                    blk++;
                }
            }
            // The shifted gradients back into g: entry j of phase p is at p + j.
            for (int u = 0; u < period; u++)
            {
                int p = Phase(first + u);
                var shifted = all.Slice(Chunk * length + p * length + p, d);
                for (int j = 0; j < d; j++) g[j] += shifted[j];
            }
            sumR += Vector256.Sum(sumRv);
            return Vector256.Sum(sumSq);
        }
        finally
        {
            System.Buffers.ArrayPool<double>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Values [i, i + 8) of a row as doubles for its dot product: double rows loaded; single-precision rows widened,
    /// and stored into the row's place in <paramref name="wide"/> for its gradient sums.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Load<T>(ref T x, nuint i, ref double wide) where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            var v = Kernels.Widen8(ref Unsafe.As<T, float>(ref x), i);
            v.StoreUnsafe(ref wide, i);
            return v;
        }
        return Vector512.LoadUnsafe(ref Unsafe.As<T, double>(ref x), i);
    }

    /// <summary>Values [i, i + 8) of a row (already read once) as doubles for its gradient sums: double rows loaded again (from L1), single-precision rows from their widened copy.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Reload<T>(ref T x, nuint i, ref double wide) where T : unmanaged =>
        typeof(T) == typeof(float) ? Vector512.LoadUnsafe(ref wide, i) : Vector512.LoadUnsafe(ref Unsafe.As<T, double>(ref x), i);

    /// <summary>Prefetch hints for the chunk [i, i + 8) of the four rows, <paramref name="ahead"/> bytes on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Prefetch<T>(ref T x, nuint i, nuint stride, int ahead) where T : unmanaged
    {
        byte* p = (byte*)Unsafe.AsPointer(ref Unsafe.Add(ref x, i)) + ahead;
        nuint s = stride * (nuint)Unsafe.SizeOf<T>();
        Sse.Prefetch0(p);
        Sse.Prefetch0(p + s);
        Sse.Prefetch0(p + 2 * s);
        Sse.Prefetch0(p + 3 * s);
    }

    /// <summary>One step (<see cref="Step512{T}"/>) with <paramref name="bits"/>-bit vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Step<T>(int bits, ref T next, ref T previous, nuint stride, ref double w, ref double g, Vector256<double> c, int chunks, int ahead,
        ref double wideNext, ref double widePrevious, nuint wideStride)
        where T : unmanaged =>
        bits == 512
            ? Step512(ref next, ref previous, stride, ref w, ref g, c, chunks, ahead, ref wideNext, ref widePrevious, wideStride)
            : Step256(ref next, ref previous, stride, ref w, ref g, c, chunks, ahead);

    /// <summary>
    /// One step: the dot products of the four rows at <paramref name="next"/> (<paramref name="stride"/> apart, shifted
    /// weights <paramref name="w"/>) and g += Σₜ cₜ·rowₜ for the four rows at <paramref name="previous"/>, over
    /// <paramref name="chunks"/> chunks (single precision: the next rows widened into <paramref name="wideNext"/>, the
    /// previous ones read from <paramref name="widePrevious"/>, rows <paramref name="wideStride"/> apart). Prefetch hints
    /// go out for every line (floats: every other chunk, a line holding two).
    /// </summary>
    private static Vector256<double> Step512<T>(ref T next, ref T previous, nuint stride, ref double w, ref double g, Vector256<double> c, int chunks, int ahead,
        ref double wideNext, ref double widePrevious, nuint wideStride)
        where T : unmanaged
    {
        ref T n0 = ref next;
        ref T n1 = ref Unsafe.Add(ref n0, stride);
        ref T n2 = ref Unsafe.Add(ref n1, stride);
        ref T n3 = ref Unsafe.Add(ref n2, stride);
        ref T p0 = ref previous;
        ref T p1 = ref Unsafe.Add(ref p0, stride);
        ref T p2 = ref Unsafe.Add(ref p1, stride);
        ref T p3 = ref Unsafe.Add(ref p2, stride);
        ref double v0 = ref wideNext;
        ref double v1 = ref Unsafe.Add(ref v0, wideStride);
        ref double v2 = ref Unsafe.Add(ref v1, wideStride);
        ref double v3 = ref Unsafe.Add(ref v2, wideStride);
        ref double u0 = ref widePrevious;
        ref double u1 = ref Unsafe.Add(ref u0, wideStride);
        ref double u2 = ref Unsafe.Add(ref u1, wideStride);
        ref double u3 = ref Unsafe.Add(ref u2, wideStride);
        var c0 = Vector512.Create(c.GetElement(0));
        var c1 = Vector512.Create(c.GetElement(1));
        var c2 = Vector512.Create(c.GetElement(2));
        var c3 = Vector512.Create(c.GetElement(3));
        Vector512<double> a0 = default, a1 = default, a2 = default, a3 = default, e0 = default, e1 = default, e2 = default, e3 = default;
        bool hints = ahead > 0 && Sse.IsSupported, single = typeof(T) == typeof(float);
        nuint j = 0, n = (nuint)(chunks * Chunk);
        for (; j + 2 * Chunk <= n; j += 2 * Chunk)
        {
            if (hints)
            {
                Prefetch(ref n0, j, stride, ahead);
                if (!single) Prefetch(ref n0, j + Chunk, stride, ahead);
            }
            var w0 = Vector512.LoadUnsafe(ref w, j);
            var w1 = Vector512.LoadUnsafe(ref w, j + Chunk);
            a0 = Vector512.FusedMultiplyAdd(Load(ref n0, j, ref v0), w0, a0);
            a1 = Vector512.FusedMultiplyAdd(Load(ref n1, j, ref v1), w0, a1);
            a2 = Vector512.FusedMultiplyAdd(Load(ref n2, j, ref v2), w0, a2);
            a3 = Vector512.FusedMultiplyAdd(Load(ref n3, j, ref v3), w0, a3);
            var g0 = Vector512.LoadUnsafe(ref g, j);
            g0 = Vector512.FusedMultiplyAdd(Reload(ref p0, j, ref u0), c0, g0);
            g0 = Vector512.FusedMultiplyAdd(Reload(ref p1, j, ref u1), c1, g0);
            g0 = Vector512.FusedMultiplyAdd(Reload(ref p2, j, ref u2), c2, g0);
            g0 = Vector512.FusedMultiplyAdd(Reload(ref p3, j, ref u3), c3, g0);
            g0.StoreUnsafe(ref g, j);
            e0 = Vector512.FusedMultiplyAdd(Load(ref n0, j + Chunk, ref v0), w1, e0);
            e1 = Vector512.FusedMultiplyAdd(Load(ref n1, j + Chunk, ref v1), w1, e1);
            e2 = Vector512.FusedMultiplyAdd(Load(ref n2, j + Chunk, ref v2), w1, e2);
            e3 = Vector512.FusedMultiplyAdd(Load(ref n3, j + Chunk, ref v3), w1, e3);
            var g1 = Vector512.LoadUnsafe(ref g, j + Chunk);
            g1 = Vector512.FusedMultiplyAdd(Reload(ref p0, j + Chunk, ref u0), c0, g1);
            g1 = Vector512.FusedMultiplyAdd(Reload(ref p1, j + Chunk, ref u1), c1, g1);
            g1 = Vector512.FusedMultiplyAdd(Reload(ref p2, j + Chunk, ref u2), c2, g1);
            g1 = Vector512.FusedMultiplyAdd(Reload(ref p3, j + Chunk, ref u3), c3, g1);
            g1.StoreUnsafe(ref g, j + Chunk);
        }
        if (j < n)
        {
            if (hints) Prefetch(ref n0, j, stride, ahead);
            var w0 = Vector512.LoadUnsafe(ref w, j);
            a0 = Vector512.FusedMultiplyAdd(Load(ref n0, j, ref v0), w0, a0);
            a1 = Vector512.FusedMultiplyAdd(Load(ref n1, j, ref v1), w0, a1);
            a2 = Vector512.FusedMultiplyAdd(Load(ref n2, j, ref v2), w0, a2);
            a3 = Vector512.FusedMultiplyAdd(Load(ref n3, j, ref v3), w0, a3);
            var g0 = Vector512.LoadUnsafe(ref g, j);
            g0 = Vector512.FusedMultiplyAdd(Reload(ref p0, j, ref u0), c0, g0);
            g0 = Vector512.FusedMultiplyAdd(Reload(ref p1, j, ref u1), c1, g0);
            g0 = Vector512.FusedMultiplyAdd(Reload(ref p2, j, ref u2), c2, g0);
            g0 = Vector512.FusedMultiplyAdd(Reload(ref p3, j, ref u3), c3, g0);
            g0.StoreUnsafe(ref g, j);
        }
        return Reduce(a0 + e0, a1 + e1, a2 + e2, a3 + e3);
    }

    /// <summary>[Σ a0, Σ a1, Σ a2, Σ a3] over the lanes of four 512-bit vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Reduce(Vector512<double> a0, Vector512<double> a1, Vector512<double> a2, Vector512<double> a3) =>
        Reduce(a0.GetLower() + a0.GetUpper(), a1.GetLower() + a1.GetUpper(), a2.GetLower() + a2.GetUpper(), a3.GetLower() + a3.GetUpper());

    /// <summary>[Σ c0, Σ c1, Σ c2, Σ c3] over the lanes of four 256-bit vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Reduce(Vector256<double> c0, Vector256<double> c1, Vector256<double> c2, Vector256<double> c3)
    {
        var h01 = Avx.HorizontalAdd(c0, c1);
        var h23 = Avx.HorizontalAdd(c2, c3);
        return Avx.Blend(h01, h23, 0b1100) + Avx.Permute2x128(h01, h23, 0x21);
    }

    /// <summary>Values [i, i + 4) of a row as doubles: double rows loaded, single-precision rows widened (for the 256-bit step, both times it reads a row).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Load4<T>(ref T x, nuint i) where T : unmanaged =>
        typeof(T) == typeof(float)
            ? Kernels.Widen4(ref Unsafe.As<T, float>(ref x), i)
            : Vector256.LoadUnsafe(ref Unsafe.As<T, double>(ref x), i);

    /// <summary>
    /// <see cref="Step512{T}"/> with 256-bit vectors (AVX2 machines): each chunk of 8 values is two vectors, so the rows'
    /// phases, the shifted w and g and the loads (whole halves of aligned chunks, never split across lines) are the same;
    /// each row's dot product runs in two accumulators, over the first and the second half of every chunk. The eight
    /// accumulators, the four factors, w, g and one widened load make 15 of AVX2's 16 registers.
    /// </summary>
    /// <remarks>
    /// Single-precision rows are widened again (from L1) for the gradient sums instead of being stored widened and
    /// reloaded as the 512-bit step does: that saves four 32-byte stores per half chunk for four conversions, and ran
    /// at 0.74–0.78 against 0.67–0.70 of the read-only stream at d = 100, 12.8 against 13.8 ns a row at d = 10 and
    /// 14.4 against 15.4 at d = 24 (grad-ratios --vector-bits 256, DOTNET_EnableAVX512F=0, one process, medians of 9).
    /// The 512-bit step keeps its stored copy: widening again there ran at 0.76–0.78 against 0.78–0.83 at d = 100 and the
    /// same at d = 10 (grad-ratios, AVX-512, two runs).
    /// </remarks>
    private static Vector256<double> Step256<T>(ref T next, ref T previous, nuint stride, ref double w, ref double g, Vector256<double> c, int chunks, int ahead)
        where T : unmanaged
    {
        ref T n0 = ref next;
        ref T n1 = ref Unsafe.Add(ref n0, stride);
        ref T n2 = ref Unsafe.Add(ref n1, stride);
        ref T n3 = ref Unsafe.Add(ref n2, stride);
        ref T p0 = ref previous;
        ref T p1 = ref Unsafe.Add(ref p0, stride);
        ref T p2 = ref Unsafe.Add(ref p1, stride);
        ref T p3 = ref Unsafe.Add(ref p2, stride);
        var c0 = Vector256.Create(c.GetElement(0));
        var c1 = Vector256.Create(c.GetElement(1));
        var c2 = Vector256.Create(c.GetElement(2));
        var c3 = Vector256.Create(c.GetElement(3));
        Vector256<double> a0 = default, a1 = default, a2 = default, a3 = default, e0 = default, e1 = default, e2 = default, e3 = default;
        bool hints = ahead > 0 && Sse.IsSupported, single = typeof(T) == typeof(float);
        nuint n = (nuint)(chunks * Chunk);
        for (nuint j = 0; j < n; j += Chunk)
        {
            // One hint per line: every chunk of doubles, every other chunk of floats (as the 512-bit step).
            if (hints && (!single || (j & Chunk) == 0))
                Prefetch(ref n0, j, stride, ahead);
            var w0 = Vector256.LoadUnsafe(ref w, j);
            a0 = Vector256.FusedMultiplyAdd(Load4(ref n0, j), w0, a0);
            a1 = Vector256.FusedMultiplyAdd(Load4(ref n1, j), w0, a1);
            a2 = Vector256.FusedMultiplyAdd(Load4(ref n2, j), w0, a2);
            a3 = Vector256.FusedMultiplyAdd(Load4(ref n3, j), w0, a3);
            var g0 = Vector256.LoadUnsafe(ref g, j);
            g0 = Vector256.FusedMultiplyAdd(Load4(ref p0, j), c0, g0);
            g0 = Vector256.FusedMultiplyAdd(Load4(ref p1, j), c1, g0);
            g0 = Vector256.FusedMultiplyAdd(Load4(ref p2, j), c2, g0);
            g0 = Vector256.FusedMultiplyAdd(Load4(ref p3, j), c3, g0);
            g0.StoreUnsafe(ref g, j);
            var w1 = Vector256.LoadUnsafe(ref w, j + Half);
            e0 = Vector256.FusedMultiplyAdd(Load4(ref n0, j + Half), w1, e0);
            e1 = Vector256.FusedMultiplyAdd(Load4(ref n1, j + Half), w1, e1);
            e2 = Vector256.FusedMultiplyAdd(Load4(ref n2, j + Half), w1, e2);
            e3 = Vector256.FusedMultiplyAdd(Load4(ref n3, j + Half), w1, e3);
            var g1 = Vector256.LoadUnsafe(ref g, j + Half);
            g1 = Vector256.FusedMultiplyAdd(Load4(ref p0, j + Half), c0, g1);
            g1 = Vector256.FusedMultiplyAdd(Load4(ref p1, j + Half), c1, g1);
            g1 = Vector256.FusedMultiplyAdd(Load4(ref p2, j + Half), c2, g1);
            g1 = Vector256.FusedMultiplyAdd(Load4(ref p3, j + Half), c3, g1);
            g1.StoreUnsafe(ref g, j + Half);
        }
        return Reduce(a0 + e0, a1 + e1, a2 + e2, a3 + e3);
    }
}
