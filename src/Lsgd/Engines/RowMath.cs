using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Lsgd.Data;
using Lsgd.Internals;
using Lsgd.LinearAlgebra;
using Lsgd.Models;

namespace Lsgd.Engines;

/// <summary>The one place where a row's residual and gradient contribution are computed, for every row engine.</summary>
/// <remarks>
/// A weighted row (weighted least squares) contributes w·r² to the sum and −w·r·[x, 1] to the gradient; unweighted
/// rows are rows of weight 1, and multiplying by 1 changes no bit.
/// </remarks>
internal static class RowMath
{
    /// <summary>Rows this short are cheaper in a plain loop than through two vector-library calls.</summary>
    private const int SmallRow = 16;

    /// <summary>The same computation as <see cref="Accumulate(ParameterLayout, ReadOnlySpan{double}, Span{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, bool, double)"/> for short rows, as scalar loops.</summary>
    private static double AccumulateSmall(ParameterLayout layout, ReadOnlySpan<double> theta, Span<double> g,
        ReadOnlySpan<double> x, ReadOnlySpan<double> y, bool withTargets, double weight)
    {
        int d = layout.Features, k = layout.Outputs, bs = layout.BlockSize;
        double sumSq = 0;
        for (int o = 0; o < k; o++)
        {
            var w = theta.Slice(o * bs, d);
            double dot = 0;
            for (int j = 0; j < d; j++) dot += x[j] * w[j];
            double r = (withTargets ? y[o] : 0.0) - dot;
            if (layout.HasIntercept)
                r -= theta[o * bs + d];
            double wr = weight * r;
            sumSq += wr * r;
            var gw = g.Slice(o * bs, d);
            for (int j = 0; j < d; j++) gw[j] -= wr * x[j];
            if (layout.HasIntercept)
                g[o * bs + d] -= wr;
        }
        return sumSq;
    }

    /// <summary>A stored value (double or float) as double: the type test is resolved when the JIT specialises the caller.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Wide<T>(T value) where T : unmanaged =>
        typeof(T) == typeof(float) ? Unsafe.As<T, float>(ref value) : Unsafe.As<T, double>(ref value);

    /// <summary>
    /// The rows of <see cref="AccumulateRows(ParameterLayout, ReadOnlySpan{double}, Span{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, int, bool, int?)"/>
    /// for short rows (or without vector hardware): one output at a time, a tight scalar loop over the rows
    /// with w, b and the intercept's gradient in locals, as a hand-written loop would be.
    /// </summary>
    /// <remarks>Generic over the stored precision so single-precision rows (widened value by value, every product and sum
    /// double) take the same loop as double rows rather than two vector-library calls per row and output; for double
    /// rows the conversion is the identity and the code is as before.</remarks>
    private static double AccumulateRowsSmall<T>(ParameterLayout layout, ReadOnlySpan<double> theta, Span<double> g,
        ReadOnlySpan<T> x, ReadOnlySpan<double> y, ReadOnlySpan<double> weights, int rows, bool withTargets)
        where T : unmanaged
    {
        bool weighted = !weights.IsEmpty;
        int d = layout.Features, k = layout.Outputs, bs = layout.BlockSize;
        double sumSq = 0;
        for (int o = 0; o < k; o++)
        {
            var w = theta.Slice(o * bs, d);
            var gw = g.Slice(o * bs, d);
            double b = layout.HasIntercept ? theta[o * bs + d] : 0.0;
            double gb = 0;
            for (int i = 0; i < rows; i++)
            {
                var xi = x.Slice(i * d, d);
                double dot = 0;
                for (int j = 0; j < xi.Length; j++) dot += Wide(xi[j]) * w[j];
                double r = (withTargets ? y[i * k + o] : 0.0) - dot;
                if (layout.HasIntercept)
                    r -= b;
                if (weighted)
                {
                    double wr = weights[i] * r;
                    sumSq += wr * r;
                    gb += wr;
                    for (int j = 0; j < xi.Length; j++) gw[j] -= wr * Wide(xi[j]);
                    continue;
                }
                sumSq += r * r;
                gb += r;
                for (int j = 0; j < xi.Length; j++) gw[j] -= r * Wide(xi[j]);
            }
            if (layout.HasIntercept)
                g[o * bs + d] -= gb;
        }
        return sumSq;
    }

    /// <summary>
    /// Adds one row's gradient −w·r·[x, 1] into <paramref name="g"/> for every output and returns Σₒ w·rₒ², with
    /// r = y − wᵀx − b evaluated left to right as the article writes it (or r = −wᵀx − b without targets, which
    /// makes the sum over rows DᵀWD·θ); <paramref name="weight"/> is the row's weight (1 unweighted).
    /// </summary>
    public static double Accumulate(ParameterLayout layout, ReadOnlySpan<double> theta, Span<double> g,
        ReadOnlySpan<double> x, ReadOnlySpan<double> y, bool withTargets, double weight = 1.0)
    {
        int d = layout.Features, k = layout.Outputs, bs = layout.BlockSize;
        if (d <= SmallRow)
            return AccumulateSmall(layout, theta, g, x, y, withTargets, weight);
        double sumSq = 0;
        for (int o = 0; o < k; o++)
        {
            double r = (withTargets ? y[o] : 0.0) - TensorPrimitives.Dot(x, theta.Slice(o * bs, d));
            if (layout.HasIntercept)
                r -= theta[o * bs + d];
            double wr = weight * r;
            sumSq += wr * r;
            var gw = g.Slice(o * bs, d);
            TensorPrimitives.MultiplyAdd(x, -wr, gw, gw);
            if (layout.HasIntercept)
                g[o * bs + d] -= wr;
        }
        return sumSq;
    }

    /// <summary>Rows per micro-block: few enough (13 KB at d = 100) that rows read for the residuals are still in L1 for the gradient.</summary>
    internal const int MicroRows = 16;

    /// <summary>
    /// <see cref="Accumulate(ParameterLayout, ReadOnlySpan{double}, Span{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, bool, double)"/>
    /// for <paramref name="rows"/> consecutive rows (x: rows × d, y: rows × k), returning Σ r².
    /// </summary>
    /// <remarks>
    /// Works in micro-blocks of <see cref="MicroRows"/> rows, in two steps (<see cref="RowKernels"/>): the residuals
    /// of four rows at a time (each load of w serves four rows, and the eight accumulators do not wait on each
    /// other), then g −= Σₜ rₜxₜ with 64 columns of the sum (32 with 256-bit vectors) held in registers across the
    /// block's rows, so g is read and written once per block instead of once per row. The second step reads the
    /// rows from L1, so X is read from memory once. The sums are grouped differently from the row-by-row form
    /// (same values to rounding); for a given block and vector width the result does not depend on anything else,
    /// so it is reproducible for any thread count.
    /// </remarks>
    /// <param name="layout">The parameter layout.</param>
    /// <param name="theta">The parameters.</param>
    /// <param name="g">The gradient, added to.</param>
    /// <param name="x">rows × d features.</param>
    /// <param name="y">rows × k targets (unused without targets).</param>
    /// <param name="weights">One weight per row, or empty.</param>
    /// <param name="rows">The rows.</param>
    /// <param name="withTargets">Whether r = y − wᵀx − b (else r = −wᵀx − b).</param>
    /// <param name="vectorBits">512, 256 or 0 (scalar loops) to force a code path in tests; by default the widest the CPU has (<see cref="Kernels.GramVectorBits"/>).</param>
    public static double AccumulateRows(ParameterLayout layout, ReadOnlySpan<double> theta, Span<double> g,
        ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> weights, int rows, bool withTargets, int? vectorBits = null)
    {
        int d = layout.Features, bits = vectorBits ?? Kernels.GramVectorBits;
        if (bits != 0 && Fused(layout, bits, rows))
            return AccumulateFused(layout, theta, g, x, y, weights, rows, withTargets, bits);
        if (d <= SmallRow || bits == 0)
            return AccumulateRowsSmall(layout, theta, g, x, y, weights, rows, withTargets);
        return AccumulateBlocked(layout, theta, g, x, y, weights, rows, withTargets, bits);
    }

    /// <summary>Rows from which one output's pass goes through <see cref="FusedRows"/> (its set-up is a few hundred values).</summary>
    internal const int FusedMinRows = 64;

    /// <summary>Whether <see cref="FusedRows"/> may take passes at all (a field so the benchmarks can compare it with the micro-block path).</summary>
    internal static bool FusedPasses = true;

    /// <summary>Whether <see cref="FusedRows"/> takes this pass: one output, 512-bit or 256-bit vectors, enough rows.</summary>
    private static bool Fused(ParameterLayout layout, int bits, int rows) =>
        FusedPasses && layout.Outputs == 1 && rows >= FusedMinRows && FusedRows.Takes(layout.Features, bits);

    /// <summary>
    /// One output's pass through <see cref="FusedRows"/>, with the rows it leaves (the first and last, whose aligned
    /// chunks would reach outside x, and the last rows short of a whole block) through the micro-block path.
    /// </summary>
    private static double AccumulateFused<T>(ParameterLayout layout, ReadOnlySpan<double> theta, Span<double> g,
        ReadOnlySpan<T> x, ReadOnlySpan<double> y, ReadOnlySpan<double> weights, int rows, bool withTargets, int bits)
        where T : unmanaged
    {
        int d = layout.Features;
        double b = layout.HasIntercept ? theta[d] : 0.0, sumR = 0;
        double sumSq = FusedRows.Run(x, d, rows, theta[..d], b, withTargets ? y[..rows] : default, weights, g[..d], ref sumR, out int first, out int count, bits);
        if (layout.HasIntercept)
            g[d] -= sumR;
        int after = first + count;
        if (first > 0)
            sumSq += AccumulateRest(layout, theta, g, x[..(first * d)], withTargets ? y[..first] : default, weights.IsEmpty ? default : weights[..first], first, withTargets, bits);
        if (after < rows)
            sumSq += AccumulateRest(layout, theta, g, x[(after * d)..], withTargets ? y[after..] : default, weights.IsEmpty ? default : weights[after..], rows - after, withTargets, bits);
        return sumSq;
    }

    /// <summary>
    /// The rows <see cref="FusedRows"/> leaves (at most the first, and the last with the rows short of a whole block: fewer
    /// than <see cref="FusedMinRows"/>), through the same dispatch as any pass, which sends so few rows elsewhere.
    /// </summary>
    private static double AccumulateRest<T>(ParameterLayout layout, ReadOnlySpan<double> theta, Span<double> g,
        ReadOnlySpan<T> x, ReadOnlySpan<double> y, ReadOnlySpan<double> weights, int rows, bool withTargets, int bits)
        where T : unmanaged
    {
        System.Diagnostics.Debug.Assert(rows < FusedMinRows, "FusedRows leaves fewer rows than it takes");
        return typeof(T) == typeof(float)
            ? AccumulateRows(layout, theta, g, MemoryMarshal.Cast<T, float>(x), y, weights, rows, withTargets, bits)
            : AccumulateRows(layout, theta, g, MemoryMarshal.Cast<T, double>(x), y, weights, rows, withTargets, bits);
    }

    /// <summary>The micro-block path of <see cref="AccumulateRows(ParameterLayout, ReadOnlySpan{double}, Span{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, int, bool, int?)"/> (d &gt; 16, vectors).</summary>
    private static double AccumulateBlocked(ParameterLayout layout, ReadOnlySpan<double> theta, Span<double> g,
        ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> weights, int rows, bool withTargets, int bits)
    {
        int d = layout.Features, k = layout.Outputs;
        int ld = RowKernels.PaddedStride(d);
        var buffer = System.Buffers.ArrayPool<double>.Shared.Rent(7 + k * ld);
        try
        {
            var w = AlignedWeights(layout, theta, buffer, ld);
            double sumSq = 0;
            Span<double> r = stackalloc double[MicroRows];
            for (int s = 0; s < rows; s += MicroRows)
            {
                int m = Math.Min(MicroRows, rows - s);
                sumSq += AccumulateMicroBlock(layout, theta, w, g, x.Slice(s * d, m * d), d, default, default,
                    withTargets ? y.Slice(s * k, m * k) : default, weights.IsEmpty ? default : weights.Slice(s, m), m, withTargets, r[..m], bits);
            }
            return sumSq;
        }
        finally
        {
            System.Buffers.ArrayPool<double>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// As <see cref="AccumulateRows(ParameterLayout, ReadOnlySpan{double}, Span{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, int, bool, int?)"/>
    /// for single-precision rows: the first output's dot products widen each micro-block to double as they read
    /// it, into an L1-sized buffer whose rows start on cache-line boundaries, which the other steps then read
    /// (every product and sum is double).
    /// </summary>
    /// <remarks>
    /// Narrow rows (d ≤ 16) take the same blocked steps, unlike double rows: they were 1.8–2.7× faster than the former
    /// row-by-row path (DotWiden and AxpyWiden per row and output) at d = 3…16 (one thread, CPU time, 2-core Xeon), and
    /// about 3× faster than the double rows' scalar loop run on floats, whose scalar conversion (vcvtss2sd) the JIT
    /// emits with a false dependency on its target register, chaining the loop's iterations.
    /// </remarks>
    /// <param name="layout">The parameter layout.</param>
    /// <param name="theta">The parameters.</param>
    /// <param name="g">The gradient, added to.</param>
    /// <param name="x">rows × d features.</param>
    /// <param name="y">rows × k targets (unused without targets).</param>
    /// <param name="weights">One weight per row, or empty.</param>
    /// <param name="rows">The rows.</param>
    /// <param name="withTargets">Whether r = y − wᵀx − b (else r = −wᵀx − b).</param>
    /// <param name="vectorBits">512, 256 or 0 (scalar loops, as for rows of d ≤ 16) to force a code path in tests; by default the widest the CPU has.</param>
    public static double AccumulateRows(ParameterLayout layout, ReadOnlySpan<double> theta, Span<double> g,
        ReadOnlySpan<float> x, ReadOnlySpan<double> y, ReadOnlySpan<double> weights, int rows, bool withTargets, int? vectorBits = null)
    {
        int bits = vectorBits ?? Kernels.GramVectorBits;
        if (bits == 0)
            return AccumulateRowsSmall(layout, theta, g, x, y, weights, rows, withTargets);
        if (Fused(layout, bits, rows))
            return AccumulateFused(layout, theta, g, x, y, weights, rows, withTargets, bits);
        return AccumulateBlocked(layout, theta, g, x, y, weights, rows, withTargets, bits);
    }

    /// <summary>The micro-block path of <see cref="AccumulateRows(ParameterLayout, ReadOnlySpan{double}, Span{double}, ReadOnlySpan{float}, ReadOnlySpan{double}, ReadOnlySpan{double}, int, bool, int?)"/>.</summary>
    private static double AccumulateBlocked(ParameterLayout layout, ReadOnlySpan<double> theta, Span<double> g,
        ReadOnlySpan<float> x, ReadOnlySpan<double> y, ReadOnlySpan<double> weights, int rows, bool withTargets, int bits)
    {
        int d = layout.Features, k = layout.Outputs;
        double sumSq = 0;
        int ld = RowKernels.PaddedStride(d);
        var buffer = System.Buffers.ArrayPool<double>.Shared.Rent(7 + (k + MicroRows) * ld);
        try
        {
            var w = AlignedWeights(layout, theta, buffer, ld);
            var wide = buffer.AsSpan(RowKernels.AlignedStart(buffer) + k * ld, MicroRows * ld);
            Span<double> r = stackalloc double[MicroRows];
            for (int s = 0; s < rows; s += MicroRows)
            {
                int m = Math.Min(MicroRows, rows - s);
                var block = wide[..((m - 1) * ld + d)];
                sumSq += AccumulateMicroBlock(layout, theta, w, g, block, ld, x.Slice(s * d, m * d), block,
                    withTargets ? y.Slice(s * k, m * k) : default, weights.IsEmpty ? default : weights.Slice(s, m), m, withTargets, r[..m], bits);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<double>.Shared.Return(buffer);
        }
        return sumSq;
    }

    /// <summary>Each output's weights w (not the intercept) copied into <paramref name="buffer"/> from its first cache-line boundary on, <paramref name="ld"/> apart.</summary>
    private static ReadOnlySpan<double> AlignedWeights(ParameterLayout layout, ReadOnlySpan<double> theta, double[] buffer, int ld)
    {
        int d = layout.Features, k = layout.Outputs, bs = layout.BlockSize;
        var w = buffer.AsSpan(RowKernels.AlignedStart(buffer), k * ld);
        for (int o = 0; o < k; o++)
            theta.Slice(o * bs, d).CopyTo(w.Slice(o * ld, d));
        return w;
    }

    /// <summary>
    /// The two steps for m ≤ <see cref="MicroRows"/> rows (block: m rows <paramref name="ld"/> apart, y: m × k); w holds
    /// each output's weights <see cref="RowKernels.PaddedStride"/> apart; r is scratch of m values. With
    /// single-precision rows in <paramref name="single"/>, <paramref name="block"/> is <paramref name="wide"/>, which
    /// the first output's dot products fill with the widened rows.
    /// </summary>
    private static double AccumulateMicroBlock(ParameterLayout layout, ReadOnlySpan<double> theta, ReadOnlySpan<double> w, Span<double> g,
        ReadOnlySpan<double> block, int ld, ReadOnlySpan<float> single, Span<double> wide, ReadOnlySpan<double> y, ReadOnlySpan<double> weights,
        int m, bool withTargets, Span<double> r, int bits)
    {
        bool weighted = !weights.IsEmpty;
        int d = layout.Features, k = layout.Outputs, bs = layout.BlockSize, wd = RowKernels.PaddedStride(d);
        double sumSq = 0;
        for (int o = 0; o < k; o++)
        {
            var wo = w.Slice(o * wd, d);
            if (o == 0 && !single.IsEmpty)
                RowKernels.DotsWiden(single, d, m, wo, r, wide, ld, bits);
            else
                RowKernels.Dots(block, d, ld, m, wo, r, bits);
            double sumR = 0;
            double b = layout.HasIntercept ? theta[o * bs + d] : 0.0;
            for (int t = 0; t < m; t++)
            {
                double rt = (withTargets ? y[t * k + o] : 0.0) - r[t];
                if (layout.HasIntercept)
                    rt -= b;
                if (weighted)
                {
                    double wr = weights[t] * rt;
                    sumSq += wr * rt;
                    sumR += wr;
                    r[t] = -wr;
                    continue;
                }
                sumSq += rt * rt;
                sumR += rt;
                r[t] = -rt;
            }
            RowKernels.AddRows(block, d, ld, m, r, g.Slice(o * bs, d), bits);
            if (layout.HasIntercept)
                g[o * bs + d] -= sumR;
        }
        return sumSq;
    }

    /// <summary>As <see cref="Accumulate(ParameterLayout, ReadOnlySpan{double}, Span{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, bool, double)"/>, for a single-precision row widened to double.</summary>
    public static double Accumulate(ParameterLayout layout, ReadOnlySpan<double> theta, Span<double> g,
        ReadOnlySpan<float> x, ReadOnlySpan<double> y, bool withTargets, double weight = 1.0, int? vectorBits = null)
    {
        int d = layout.Features, k = layout.Outputs, bs = layout.BlockSize;
        double sumSq = 0;
        for (int o = 0; o < k; o++)
        {
            double r = (withTargets ? y[o] : 0.0) - Kernels.DotWiden(x, theta.Slice(o * bs, d), vectorBits);
            if (layout.HasIntercept)
                r -= theta[o * bs + d];
            double wr = weight * r;
            sumSq += wr * r;
            Kernels.AxpyWiden(-wr, x, g.Slice(o * bs, d), vectorBits);
            if (layout.HasIntercept)
                g[o * bs + d] -= wr;
        }
        return sumSq;
    }

    /// <summary>
    /// Σ wᵢ‖rᵢ‖² over every row of <paramref name="data"/>, adding the gradient −Σ wᵢ rᵢ [xᵢ, 1] into <paramref name="g"/>,
    /// with the features (standardised as (x − μ)/σ when <paramref name="standardizer"/> is given), each residual and
    /// each gradient sum carried in twice the working precision (TwoSum, FMA TwoProduct): the residual of iterative
    /// refinement. In double precision Σ rᵢxᵢ loses about κ(X)·ε of ‖Xᵀr‖ to cancellation when the residuals are large
    /// (NIST's Wampler 5), rᵢ loses about ε·|xᵢ||θ| when they are small, and standardised features rounded to double
    /// perturb the design itself by ε; this keeps all three to the rounding of the final sums. Scalar, several times
    /// the cost of a plain pass.
    /// </summary>
    internal static double AccumulateAccurately(ParameterLayout layout, ReadOnlySpan<double> theta, Span<double> g, Dataset data, Standardizer? standardizer)
    {
        int d = layout.Features, k = layout.Outputs, bs = layout.BlockSize;
        var high = new double[g.Length];
        var low = new double[g.Length];
        var xh = new double[d];
        var xl = new double[d];
        double sum = 0, compensation = 0;
        for (int i = 0; i < data.Rows; i++)
        {
            for (int j = 0; j < d; j++)
            {
                double x = data.Feature(i, j);
                if (standardizer is null) { xh[j] = x; xl[j] = 0; continue; }
                // (x − μ)/σ: the difference exactly (TwoSum), the quotient with its remainder (FMA).
                double th = x, tl = 0, scale = standardizer.Scales[j];
                Accurate.TwoSumInto(ref th, ref tl, -standardizer.Means[j]);
                double q = th / scale;
                xh[j] = q;
                xl[j] = (Math.FusedMultiplyAdd(-q, scale, th) + tl) / scale;
            }
            double weight = data.Weight(i);
            var y = data.TargetRow(i);
            for (int o = 0; o < k; o++)
            {
                int at = o * bs;
                // r = y − xᵀw − b as rh + rl.
                double rh = y[o], rl = 0;
                for (int j = 0; j < d; j++)
                {
                    double t = theta[at + j], p = xh[j] * t;
                    rl -= Math.FusedMultiplyAdd(xh[j], t, -p) + xl[j] * t;
                    Accurate.TwoSumInto(ref rh, ref rl, -p);
                }
                if (layout.HasIntercept)
                    Accurate.TwoSumInto(ref rh, ref rl, -theta[at + d]);
                double r = rh + rl, rLow = rl - (r - rh);
                double wr = weight * r, wrLow = Math.FusedMultiplyAdd(weight, r, -wr) + weight * rLow;
                double square = wr * r;
                compensation += Math.FusedMultiplyAdd(wr, r, -square) + wr * rLow + wrLow * r;
                Accurate.TwoSumInto(ref sum, ref compensation, square);
                for (int j = 0; j < d; j++)
                {
                    double p = wr * xh[j];
                    low[at + j] -= Math.FusedMultiplyAdd(wr, xh[j], -p) + wrLow * xh[j] + wr * xl[j];
                    Accurate.TwoSumInto(ref high[at + j], ref low[at + j], -p);
                }
                if (layout.HasIntercept)
                {
                    low[at + d] -= wrLow;
                    Accurate.TwoSumInto(ref high[at + d], ref low[at + d], -wr);
                }
            }
        }
        for (int j = 0; j < g.Length; j++) g[j] += high[j] + low[j];
        return sum + compensation;
    }
}
