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

    /// <summary>
    /// The rows of <see cref="AccumulateRows(ParameterLayout, ReadOnlySpan{double}, Span{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, int, bool)"/>
    /// for short rows (or without vector hardware): one output at a time, a tight scalar loop over the rows
    /// with w, b and the intercept's gradient in locals, as a hand-written loop would be.
    /// </summary>
    private static double AccumulateRowsSmall(ParameterLayout layout, ReadOnlySpan<double> theta, Span<double> g,
        ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> weights, int rows, bool withTargets)
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
                for (int j = 0; j < xi.Length; j++) dot += xi[j] * w[j];
                double r = (withTargets ? y[i * k + o] : 0.0) - dot;
                if (layout.HasIntercept)
                    r -= b;
                if (weighted)
                {
                    double wr = weights[i] * r;
                    sumSq += wr * r;
                    gb += wr;
                    for (int j = 0; j < xi.Length; j++) gw[j] -= wr * xi[j];
                    continue;
                }
                sumSq += r * r;
                gb += r;
                for (int j = 0; j < xi.Length; j++) gw[j] -= r * xi[j];
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

    /// <summary>Rows per micro-block: few enough (25 KB at d = 100) that rows read for the residuals are still in L1 for the gradient.</summary>
    private const int MicroRows = 32;

    /// <summary>
    /// <see cref="Accumulate(ParameterLayout, ReadOnlySpan{double}, Span{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, bool, double)"/>
    /// for <paramref name="rows"/> consecutive rows (x: rows × d, y: rows × k), returning Σ r².
    /// </summary>
    /// <remarks>
    /// Works in micro-blocks of <see cref="MicroRows"/> rows, in two steps: the residuals of four rows at a time
    /// (each load of w serves four rows, and the eight accumulators do not wait on each other), then
    /// g −= Σₜ rₜxₜ with 32 columns of the sum held in registers across the block's rows, so g is read and
    /// written once per block instead of once per row. The second step reads the rows from L1. The sums are
    /// grouped differently from the row-by-row form (same values to rounding); for a given block the result
    /// does not depend on anything else, so it is reproducible for any thread count.
    /// </remarks>
    public static double AccumulateRows(ParameterLayout layout, ReadOnlySpan<double> theta, Span<double> g,
        ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> weights, int rows, bool withTargets)
    {
        int d = layout.Features, k = layout.Outputs;
        double sumSq = 0;
        if (d <= SmallRow || !Vector256.IsHardwareAccelerated)
            return AccumulateRowsSmall(layout, theta, g, x, y, weights, rows, withTargets);
        Span<double> r = stackalloc double[MicroRows];
        for (int s = 0; s < rows; s += MicroRows)
        {
            int m = Math.Min(MicroRows, rows - s);
            sumSq += AccumulateMicroBlock(layout, theta, g, x.Slice(s * d, m * d), withTargets ? y.Slice(s * k, m * k) : default,
                weights.IsEmpty ? default : weights.Slice(s, m), m, withTargets, r[..m]);
        }
        return sumSq;
    }

    /// <summary>
    /// As <see cref="AccumulateRows(ParameterLayout, ReadOnlySpan{double}, Span{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, int, bool)"/>
    /// for single-precision rows: each micro-block is widened to double in an L1-sized buffer first, then goes
    /// through the same two steps (every product and sum is double).
    /// </summary>
    public static double AccumulateRows(ParameterLayout layout, ReadOnlySpan<double> theta, Span<double> g,
        ReadOnlySpan<float> x, ReadOnlySpan<double> y, ReadOnlySpan<double> weights, int rows, bool withTargets)
    {
        int d = layout.Features, k = layout.Outputs;
        double sumSq = 0;
        if (d <= SmallRow || !Vector256.IsHardwareAccelerated)
        {
            for (int i = 0; i < rows; i++)
                sumSq += Accumulate(layout, theta, g, x.Slice(i * d, d), withTargets ? y.Slice(i * k, k) : default, withTargets,
                    weights.IsEmpty ? 1.0 : weights[i]);
            return sumSq;
        }
        var wide = System.Buffers.ArrayPool<double>.Shared.Rent(MicroRows * d);
        try
        {
            Span<double> r = stackalloc double[MicroRows];
            for (int s = 0; s < rows; s += MicroRows)
            {
                int m = Math.Min(MicroRows, rows - s);
                var block = wide.AsSpan(0, m * d);
                TensorPrimitives.ConvertTruncating(x.Slice(s * d, m * d), block);
                sumSq += AccumulateMicroBlock(layout, theta, g, block, withTargets ? y.Slice(s * k, m * k) : default,
                    weights.IsEmpty ? default : weights.Slice(s, m), m, withTargets, r[..m]);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<double>.Shared.Return(wide);
        }
        return sumSq;
    }

    /// <summary>The two steps for m ≤ <see cref="MicroRows"/> rows (x: m × d, y: m × k); r is scratch of m values.</summary>
    private static double AccumulateMicroBlock(ParameterLayout layout, ReadOnlySpan<double> theta, Span<double> g,
        ReadOnlySpan<double> block, ReadOnlySpan<double> y, ReadOnlySpan<double> weights, int m, bool withTargets, Span<double> r)
    {
        bool weighted = !weights.IsEmpty;
        int d = layout.Features, k = layout.Outputs, bs = layout.BlockSize;
        double sumSq = 0;
        for (int o = 0; o < k; o++)
        {
            var w = theta.Slice(o * bs, d);
            Dots(block, d, m, w, r);
            double sumR = 0;
            for (int t = 0; t < m; t++)
            {
                double rt = (withTargets ? y[t * k + o] : 0.0) - r[t];
                if (layout.HasIntercept)
                    rt -= theta[o * bs + d];
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
            AddRows(block, d, m, r, g.Slice(o * bs, d));
            if (layout.HasIntercept)
                g[o * bs + d] -= sumR;
        }
        return sumSq;
    }

    /// <summary>dots[t] = xₜ·w for the m rows of <paramref name="x"/> (row-major, d columns).</summary>
    private static void Dots(ReadOnlySpan<double> x, int d, int m, ReadOnlySpan<double> w, Span<double> dots)
    {
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double wr = ref MemoryMarshal.GetReference(w);
        int t = 0;
        for (; t + 4 <= m; t += 4)
        {
            nuint r0 = (nuint)(t * d), r1 = r0 + (nuint)d, r2 = r1 + (nuint)d, r3 = r2 + (nuint)d;
            Vector256<double> a0 = default, a1 = default, a2 = default, a3 = default;
            Vector256<double> b0 = default, b1 = default, b2 = default, b3 = default;
            int j = 0;
            for (; j + 8 <= d; j += 8)
            {
                nuint u = (nuint)j;
                var w0 = Vector256.LoadUnsafe(ref wr, u);
                var w1 = Vector256.LoadUnsafe(ref wr, u + 4);
                a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, r0 + u), w0, a0);
                a1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, r1 + u), w0, a1);
                a2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, r2 + u), w0, a2);
                a3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, r3 + u), w0, a3);
                b0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, r0 + u + 4), w1, b0);
                b1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, r1 + u + 4), w1, b1);
                b2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, r2 + u + 4), w1, b2);
                b3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, r3 + u + 4), w1, b3);
            }
            if (j + 4 <= d)
            {
                nuint u = (nuint)j;
                var w0 = Vector256.LoadUnsafe(ref wr, u);
                a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, r0 + u), w0, a0);
                a1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, r1 + u), w0, a1);
                a2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, r2 + u), w0, a2);
                a3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, r3 + u), w0, a3);
                j += 4;
            }
            double s0 = Vector256.Sum(a0 + b0), s1 = Vector256.Sum(a1 + b1), s2 = Vector256.Sum(a2 + b2), s3 = Vector256.Sum(a3 + b3);
            for (; j < d; j++)
            {
                double wj = Unsafe.Add(ref wr, j);
                s0 += Unsafe.Add(ref xr, r0 + (nuint)j) * wj;
                s1 += Unsafe.Add(ref xr, r1 + (nuint)j) * wj;
                s2 += Unsafe.Add(ref xr, r2 + (nuint)j) * wj;
                s3 += Unsafe.Add(ref xr, r3 + (nuint)j) * wj;
            }
            dots[t] = s0; dots[t + 1] = s1; dots[t + 2] = s2; dots[t + 3] = s3;
        }
        for (; t < m; t++)
            dots[t] = TensorPrimitives.Dot(x.Slice(t * d, d), w);
    }

    /// <summary>g += Σₜ cₜ·xₜ over the m rows of <paramref name="x"/>, 32 columns at a time held in registers.</summary>
    private static void AddRows(ReadOnlySpan<double> x, int d, int m, ReadOnlySpan<double> c, Span<double> g)
    {
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double gr = ref MemoryMarshal.GetReference(g);
        int j = 0;
        for (; j + 32 <= d; j += 32)
        {
            Vector256<double> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
            nuint row = (nuint)j;
            for (int t = 0; t < m; t++, row += (nuint)d)
            {
                var ct = Vector256.Create(c[t]);
                a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, row), ct, a0);
                a1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, row + 4), ct, a1);
                a2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, row + 8), ct, a2);
                a3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, row + 12), ct, a3);
                a4 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, row + 16), ct, a4);
                a5 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, row + 20), ct, a5);
                a6 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, row + 24), ct, a6);
                a7 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, row + 28), ct, a7);
            }
            nuint u = (nuint)j;
            (Vector256.LoadUnsafe(ref gr, u) + a0).StoreUnsafe(ref gr, u);
            (Vector256.LoadUnsafe(ref gr, u + 4) + a1).StoreUnsafe(ref gr, u + 4);
            (Vector256.LoadUnsafe(ref gr, u + 8) + a2).StoreUnsafe(ref gr, u + 8);
            (Vector256.LoadUnsafe(ref gr, u + 12) + a3).StoreUnsafe(ref gr, u + 12);
            (Vector256.LoadUnsafe(ref gr, u + 16) + a4).StoreUnsafe(ref gr, u + 16);
            (Vector256.LoadUnsafe(ref gr, u + 20) + a5).StoreUnsafe(ref gr, u + 20);
            (Vector256.LoadUnsafe(ref gr, u + 24) + a6).StoreUnsafe(ref gr, u + 24);
            (Vector256.LoadUnsafe(ref gr, u + 28) + a7).StoreUnsafe(ref gr, u + 28);
        }
        for (; j + 4 <= d; j += 4)
        {
            // Two accumulators (even and odd rows) so consecutive rows do not wait on each other.
            Vector256<double> a0 = default, a1 = default;
            nuint row = (nuint)j;
            int t = 0;
            for (; t + 2 <= m; t += 2, row += (nuint)(2 * d))
            {
                a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, row), Vector256.Create(c[t]), a0);
                a1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, row + (nuint)d), Vector256.Create(c[t + 1]), a1);
            }
            if (t < m)
                a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, row), Vector256.Create(c[t]), a0);
            nuint u = (nuint)j;
            (Vector256.LoadUnsafe(ref gr, u) + (a0 + a1)).StoreUnsafe(ref gr, u);
        }
        for (; j < d; j++)
        {
            double sum = 0;
            for (int t = 0; t < m; t++) sum += c[t] * Unsafe.Add(ref xr, t * d + j);
            g[j] += sum;
        }
    }

    /// <summary>As <see cref="Accumulate(ParameterLayout, ReadOnlySpan{double}, Span{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, bool, double)"/>, for a single-precision row widened to double.</summary>
    public static double Accumulate(ParameterLayout layout, ReadOnlySpan<double> theta, Span<double> g,
        ReadOnlySpan<float> x, ReadOnlySpan<double> y, bool withTargets, double weight = 1.0)
    {
        int d = layout.Features, k = layout.Outputs, bs = layout.BlockSize;
        double sumSq = 0;
        for (int o = 0; o < k; o++)
        {
            double r = (withTargets ? y[o] : 0.0) - Kernels.DotWiden(x, theta.Slice(o * bs, d));
            if (layout.HasIntercept)
                r -= theta[o * bs + d];
            double wr = weight * r;
            sumSq += wr * r;
            Kernels.AxpyWiden(-wr, x, g.Slice(o * bs, d));
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
