using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Lsgd.LinearAlgebra;

/// <summary>
/// The Gram update of narrow rows (d features, k targets, d + k + 1 ≤ 16 columns) straight from the data: each row
/// is read from its source once, shifted and completed in registers (zₜ = [xₜ − K, yₜ − K_y, 1], times √wₜ when
/// weighted) and multiplied into the upper triangle held in registers, with no panel written in between.
/// </summary>
/// <remarks>
/// <para>The arithmetic is that of copying the rows into a row-major panel and sweeping it with the 512-bit triangle
/// kernel (<see cref="Kernels.GramUpdatePacked"/> on 16 columns): the same differences, products and fused
/// multiply-adds in the same order, and the registers added into G once per call, so a panel's sums are the same bits
/// either way.</para>
/// <para>Row t's 16 values are two vectors, v₀ = columns 0–7 and v₁ = columns 8–15: the features loaded from the
/// source (whole vectors, which may run into the next row: those lanes are replaced), the targets broadcast into
/// their lanes, the 1 and zero padding from a constant, then the shift subtracted. The multiplier zₜⱼ of column j
/// has to be a broadcast: the row is stored into a small ring in L1 and each zₜⱼ broadcast from there (a load,
/// which leaves the two vector ports to the fused multiply-adds), 16 of which a row makes for 9–12 columns.</para>
/// <para>On 256-bit vectors (AVX2 with FMA) the triangle does not fit in 16 registers: see NarrowGram256.cs, the same
/// bits in column groups.</para>
/// </remarks>
internal static unsafe partial class NarrowGram
{
    /// <summary>Rows in the ring the rows are stored into for their broadcasts (a power of two, more than <see cref="Lag"/>).</summary>
    private const int RingRows = 8;

    /// <summary>
    /// How many rows after storing a row the kernel multiplies it: its broadcasts then read values stored a few rows
    /// before rather than by the instruction just before them. Measured (one thread, CPU time, minimum of 15, a
    /// 128-row panel in L1, d = 10): 0.60–0.62 of the triangle kernel's speed on a panel already copied with a lag of
    /// 4 or 8, 0.52–0.54 with none (each broadcast then waits on the store just made); staging 8 rows, then multiplying
    /// them, 0.56–0.59.
    /// </summary>
    private const int Lag = 4;

    /// <summary>Whether the kernel runs here at the Gram kernels' width (<see cref="Kernels.GramVectorBits"/>): 512 with AVX-512F, 256 with AVX2 and FMA.</summary>
    public static bool IsSupported => IsSupportedAt(Kernels.GramVectorBits);

    /// <summary>
    /// The values of the features the kernel reads for <paramref name="rows"/> rows of <paramref name="d"/> features at
    /// <paramref name="vectorBits"/>-bit vectors (by default <see cref="Kernels.GramVectorBits"/>): whole vectors (of 8, or of 4 at 256 bits) from each row's start.
    /// </summary>
    public static long Reach(int rows, int d, int? vectorBits = null) =>
        rows == 0 ? 0 : (long)(rows - 1) * d + ((vectorBits ?? Kernels.GramVectorBits) == 256 ? (d + 3) & ~3 : d > 8 ? 16 : 8);

    /// <summary>
    /// The most rows of <paramref name="d"/> features whose reads (<see cref="Reach"/>) stay within <paramref name="length"/> values, at most
    /// <paramref name="rows"/>: the inverse of <see cref="Reach"/>.
    /// </summary>
    public static int RowsWithin(long length, int rows, int d, int? vectorBits = null)
    {
        long first = Reach(1, d, vectorBits);
        return length < first ? 0 : (int)Math.Min(rows, (length - first) / d + 1);
    }

    /// <summary>
    /// G += Σₜ zₜzₜᵀ over rows t &lt; <paramref name="rows"/>, zₜ = [xₜ − K, yₜ − K_y, 1]·√wₜ and zeros after column
    /// d + k: the entry for columns i ≤ j is added to g[j·16 + i] (entries above the diagonal of the 16 × 16 matrix
    /// that the triangle kernel fills are partial sums, not to be read).
    /// </summary>
    /// <param name="x">The features, row-major from the first row, at least <see cref="Reach"/> values (those past the rows are read and not used).</param>
    /// <param name="d">Features per row.</param>
    /// <param name="y">The targets, k per row.</param>
    /// <param name="k">Targets per row (d + k + 1 ≤ 16).</param>
    /// <param name="weights">One weight (≥ 0) per row, or empty for unweighted rows.</param>
    /// <param name="rows">Rows to add.</param>
    /// <param name="shiftX">K, d values.</param>
    /// <param name="shiftY">K_y, k values.</param>
    /// <param name="g">16 × 16 values.</param>
    /// <param name="prefetchBytes">How far ahead of each row to prefetch the features, in bytes (0: none); prefetches stay inside <paramref name="x"/>.</param>
    /// <param name="vectorBits">512 or 256 to force a width in tests (it must be supported: <see cref="IsSupportedAt"/>); by default <see cref="Kernels.GramVectorBits"/>.
    /// Both give the same bits.</param>
    /// <param name="panelRows">How many rows the kernel sums before it adds them into <paramref name="g"/> and starts again from zero: one
    /// call over many panels then gives the bits of one call per panel, without the cost of a call (the checks, the constants)
    /// for each. By default every row at once.</param>
    public static void Update<T>(ReadOnlySpan<T> x, int d, ReadOnlySpan<double> y, int k, ReadOnlySpan<double> weights, int rows,
        ReadOnlySpan<double> shiftX, ReadOnlySpan<double> shiftY, Span<double> g, int prefetchBytes, int? vectorBits = null, int panelRows = int.MaxValue) where T : unmanaged
    {
        if (typeof(T) != typeof(double) && typeof(T) != typeof(float)) throw new NotSupportedException($"Features of type {typeof(T).Name}.");
        int bits = vectorBits ?? Kernels.GramVectorBits;
        if (!IsSupportedAt(bits)) throw new PlatformNotSupportedException($"The fused narrow kernel does not run at {bits} bits here (AVX-512F for 512, AVX2 with FMA for 256).");
        int cols = d + k + 1;
        ArgumentOutOfRangeException.ThrowIfLessThan(d, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(cols, 16, nameof(k));
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(panelRows, 1);
        if (x.Length < Reach(rows, d, bits)) Internals.Throw.Length(nameof(x), x.Length, Reach(rows, d, bits), "whole vectors of every row");
        if (y.Length < (long)rows * k) Internals.Throw.Length(nameof(y), y.Length, (long)rows * k, "k targets per row");
        if (!weights.IsEmpty && weights.Length < rows) Internals.Throw.Length(nameof(weights), weights.Length, rows, "one weight per row");
        if (shiftX.Length < d) Internals.Throw.Length(nameof(shiftX), shiftX.Length, d, "one shift per feature");
        if (shiftY.Length < k) Internals.Throw.Length(nameof(shiftY), shiftY.Length, k, "one shift per target");
        if (g.Length < 256) Internals.Throw.Length(nameof(g), g.Length, 256, "a 16 × 16 matrix");
        if (rows == 0) return;
        int fetched = 0;
        nint ahead = prefetchBytes / sizeof(T);
        if (prefetchBytes > 0 && Sse.IsSupported)
        {
            long last = x.Length - 1 - ahead - 8;   // rows whose prefetches (at the row plus ahead, and 8 further) stay inside x
            fetched = last < 0 ? 0 : (int)Math.Min(rows, last / d + 1);
        }
        if (bits == 256)
        {
            fixed (T* xp = x)
            fixed (double* yp = y, wp = weights, gp = g)
                Update256(xp, d, yp, k, wp, !weights.IsEmpty, rows, shiftX, shiftY, gp, ahead, fetched, panelRows);
            return;
        }

        // The constant parts of a row (columns 0–15, two vectors each), read inside the loop as memory operands: the
        // shift of every column (K, K_y, and 0 for the 1 and the padding), the 1 (zeros elsewhere), which lanes hold
        // features and which targets (all bits set), for each target lane the target it takes (vpermt2pd indices), and
        // which of a row's first 16 targets there are; then the ring the rows are stored into for their broadcasts.
        var block = stackalloc double[Constants + 8];
        var c = (double*)(((nint)block + 63) & ~(nint)63);
        RowConstants(c, d, k, shiftX, shiftY);
        for (int j = 0; j < 16; j++)
        {
            c[Indices + j] = BitConverter.Int64BitsToDouble(j >= d && j < d + k ? j - d : 0);
            c[TargetCount + j] = BitConverter.Int64BitsToDouble(j < k ? -1 : 0);
        }
        bool weighted = !weights.IsEmpty;
        var kernel = weighted ? RunFor<T, Yes>(Quads(d, k)) : RunFor<T, No>(Quads(d, k));
        fixed (T* xp = x)
        fixed (double* yp = y, wp = weights, gp = g)
            ByPanels(kernel, xp, d, yp, k, wp, weighted, rows, c, gp, ahead, fetched, panelRows);
    }

    /// <summary>
    /// <paramref name="kernel"/> on rows [0, <paramref name="rows"/>) a panel of <paramref name="panelRows"/> at a time, each from zero and
    /// added into G at its end, with the rows, targets, weights and rows to prefetch of that panel; with <paramref name="accumulators"/>
    /// (the 256-bit kernel's, kept in memory after the constants at <paramref name="c"/>) cleared first for each.
    /// </summary>
    private static void ByPanels<T>(RunKernel<T> kernel, T* xp, int d, double* yp, int k, double* wp, bool weighted, int rows, double* c, double* gp,
        nint ahead, int fetched, int panelRows, Span<double> accumulators = default) where T : unmanaged
    {
        for (int p0 = 0, m; p0 < rows; p0 += m)   // by the rows left, so that no count runs past int.MaxValue
        {
            m = Math.Min(panelRows, rows - p0);
            accumulators.Clear();
            kernel(xp + (nint)p0 * d, d, yp + (nint)p0 * k, k, weighted ? wp + p0 : wp, m, c, gp, ahead, Math.Clamp(fetched - p0, 0, m));
        }
    }

    /// <summary>
    /// The constants both widths make a row with (16 values each at <paramref name="c"/>): the shift of every column (K,
    /// K_y, and 0 for the 1 and the padding), the 1 (zeros elsewhere), and which lanes hold features and which targets
    /// (all bits set).
    /// </summary>
    private static void RowConstants(double* c, int d, int k, ReadOnlySpan<double> shiftX, ReadOnlySpan<double> shiftY)
    {
        for (int j = 0; j < 16; j++)
        {
            c[Shift + j] = j < d ? shiftX[j] : j < d + k ? shiftY[j - d] : 0;
            c[Tail + j] = j == d + k ? 1 : 0;
            c[Features + j] = BitConverter.Int64BitsToDouble(j < d ? -1 : 0);
            c[Targets + j] = BitConverter.Int64BitsToDouble(j >= d && j < d + k ? -1 : 0);
        }
    }

    // Offsets of the constants in their block (16 values each), and its length with the ring.
    private const int Shift = 0, Tail = 16, Features = 32, Targets = 48, Indices = 64, TargetCount = 80, Ring = 96, Constants = Ring + RingRows * 16;

    /// <summary>A flag fixed at JIT time.</summary>
    private interface IFlag
    {
        static abstract bool Value { get; }
    }

    private readonly struct Yes : IFlag { public static bool Value => true; }

    private readonly struct No : IFlag { public static bool Value => false; }

    /// <summary>8 features from <paramref name="x"/> as doubles (float32 widened).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Load8<T>(T* x) where T : unmanaged =>
        typeof(T) == typeof(double) ? Vector512.Load((double*)x) : Avx512F.ConvertToVector512Double(Vector256.Load((float*)x));

    /// <summary>Asks for the features <paramref name="ahead"/> values past <paramref name="x"/> (a row of doubles may span two cache lines beyond the first 64 bytes, so two lines for double).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Prefetch<T>(T* x, nint ahead) where T : unmanaged
    {
        Sse.Prefetch0(x + ahead);
        if (sizeof(T) * 16 > 64) Sse.Prefetch0(x + ahead + 8);
    }

    /// <summary>The 8 constants at <paramref name="offset"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> V(double* c, int offset) => Vector512.Load(c + offset);

    private static void Run<T, TWeighted, TQuads>(T* x, int d, double* y, int k, double* w, int rows, double* c, double* g, nint ahead, int fetched)
        where T : unmanaged where TWeighted : struct, IFlag where TQuads : struct, Kernels.IQuads
    {
        Vector512<double> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        Vector512<double> a8 = default, a9 = default, a10 = default, a11 = default, a12 = default, a13 = default, a14 = default, a15 = default;
        Vector512<double> b8 = default, b9 = default, b10 = default, b11 = default, b12 = default, b13 = default, b14 = default, b15 = default;
        bool hiUsed = TQuads.Count > 2, featuresHi = d > 8, fullLo = d >= 8, oneTarget = k == 1, manyTargets = k > 8;
        T* xt = x;
        double* yt = y;
        nint dx = d, dy = k;
        Vector512<double> shiftLo = V(c, Shift), shiftHi = V(c, Shift + 8), featuresMaskHi = V(c, Features + 8), targetsMaskHi = V(c, Targets + 8), tailHi = V(c, Tail + 8);
        // Row t is made and stored into the ring at step t, and multiplied into the triangle at step t + Lag, from the ring.
        for (int t = 0; t < rows + Lag; t++)
        {
            if (t < rows)
            {
                Vector512<double> lo = Load8(xt), hi = featuresHi ? Load8(xt + 8) : default;
                if (t < fetched) Prefetch(xt, ahead);
                // The targets into their lanes: one broadcast, or the row's targets permuted to columns d … d + k − 1.
                Vector512<double> targetsLo, targetsHi;
                if (oneTarget)
                    targetsLo = targetsHi = Vector512.Create(*yt);
                else
                {
                    var y0 = Avx512F.MaskLoad(yt, V(c, TargetCount), default);
                    var y1 = manyTargets ? Avx512F.MaskLoad(yt + 8, V(c, TargetCount + 8), default) : default;
                    targetsLo = Avx512F.PermuteVar8x64x2(y0, V(c, Indices).AsInt64(), y1);
                    targetsHi = Avx512F.PermuteVar8x64x2(y0, V(c, Indices + 8).AsInt64(), y1);
                }
                if (!fullLo)
                    lo = Vector512.ConditionalSelect(V(c, Features), lo, Vector512.ConditionalSelect(V(c, Targets), targetsLo, V(c, Tail)));
                lo -= shiftLo;
                if (hiUsed)
                    hi = Vector512.ConditionalSelect(featuresMaskHi, hi, Vector512.ConditionalSelect(targetsMaskHi, targetsHi, tailHi)) - shiftHi;
                if (TWeighted.Value)
                {
                    var root = Vector512.Create(Math.Sqrt(w[t]));
                    lo *= root;
                    hi *= root;
                }
                double* r = c + Ring + (t & (RingRows - 1)) * 16;
                lo.Store(r);
                if (hiUsed) hi.Store(r + 8);
                xt += dx;
                yt += dy;
            }
            if (t >= Lag)
            {
                double* q = c + Ring + ((t - Lag) & (RingRows - 1)) * 16;
                Vector512<double> lo = Vector512.Load(q), hi = hiUsed ? Vector512.Load(q + 8) : default;
                a0 = Vector512.FusedMultiplyAdd(lo, Vector512.Create(q[0]), a0);
                a1 = Vector512.FusedMultiplyAdd(lo, Vector512.Create(q[1]), a1);
                a2 = Vector512.FusedMultiplyAdd(lo, Vector512.Create(q[2]), a2);
                a3 = Vector512.FusedMultiplyAdd(lo, Vector512.Create(q[3]), a3);
                if (TQuads.Count > 1)
                {
                    a4 = Vector512.FusedMultiplyAdd(lo, Vector512.Create(q[4]), a4);
                    a5 = Vector512.FusedMultiplyAdd(lo, Vector512.Create(q[5]), a5);
                    a6 = Vector512.FusedMultiplyAdd(lo, Vector512.Create(q[6]), a6);
                    a7 = Vector512.FusedMultiplyAdd(lo, Vector512.Create(q[7]), a7);
                }
                if (TQuads.Count > 2)
                {
                    var b = Vector512.Create(q[8]); a8 = Vector512.FusedMultiplyAdd(lo, b, a8); b8 = Vector512.FusedMultiplyAdd(hi, b, b8);
                    b = Vector512.Create(q[9]); a9 = Vector512.FusedMultiplyAdd(lo, b, a9); b9 = Vector512.FusedMultiplyAdd(hi, b, b9);
                    b = Vector512.Create(q[10]); a10 = Vector512.FusedMultiplyAdd(lo, b, a10); b10 = Vector512.FusedMultiplyAdd(hi, b, b10);
                    b = Vector512.Create(q[11]); a11 = Vector512.FusedMultiplyAdd(lo, b, a11); b11 = Vector512.FusedMultiplyAdd(hi, b, b11);
                    if (TQuads.Count > 3)
                    {
                        b = Vector512.Create(q[12]); a12 = Vector512.FusedMultiplyAdd(lo, b, a12); b12 = Vector512.FusedMultiplyAdd(hi, b, b12);
                        b = Vector512.Create(q[13]); a13 = Vector512.FusedMultiplyAdd(lo, b, a13); b13 = Vector512.FusedMultiplyAdd(hi, b, b13);
                        b = Vector512.Create(q[14]); a14 = Vector512.FusedMultiplyAdd(lo, b, a14); b14 = Vector512.FusedMultiplyAdd(hi, b, b14);
                        b = Vector512.Create(q[15]); a15 = Vector512.FusedMultiplyAdd(lo, b, a15); b15 = Vector512.FusedMultiplyAdd(hi, b, b15);
                    }
                }
            }
        }
        Add(g, a0); Add(g + 16, a1); Add(g + 32, a2); Add(g + 48, a3);
        if (TQuads.Count > 1)
        {
            Add(g + 64, a4); Add(g + 80, a5); Add(g + 96, a6); Add(g + 112, a7);
        }
        if (TQuads.Count > 2)
        {
            Add(g + 128, a8); Add(g + 136, b8); Add(g + 144, a9); Add(g + 152, b9);
            Add(g + 160, a10); Add(g + 168, b10); Add(g + 176, a11); Add(g + 184, b11);
        }
        if (TQuads.Count > 3)
        {
            Add(g + 192, a12); Add(g + 200, b12); Add(g + 208, a13); Add(g + 216, b13);
            Add(g + 224, a14); Add(g + 232, b14); Add(g + 240, a15); Add(g + 248, b15);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add(double* g, Vector512<double> v) => (Vector512.Load(g) + v).Store(g);
}
