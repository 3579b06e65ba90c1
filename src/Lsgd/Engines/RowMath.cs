using System.Numerics.Tensors;
using Lsgd.Internals;
using Lsgd.Models;

namespace Lsgd.Engines;

/// <summary>The one place where a row's residual and gradient contribution are computed, for every row engine.</summary>
internal static class RowMath
{
    /// <summary>
    /// Adds one row's gradient −r·[x, 1] into <paramref name="g"/> for every output and returns Σₒ rₒ², with
    /// r = y − wᵀx − b evaluated left to right as the article writes it (or r = −wᵀx − b without targets, which
    /// makes the sum over rows DᵀD·θ).
    /// </summary>
    public static double Accumulate(ParameterLayout layout, ReadOnlySpan<double> theta, Span<double> g,
        ReadOnlySpan<double> x, ReadOnlySpan<double> y, bool withTargets)
    {
        int d = layout.Features, k = layout.Outputs, bs = layout.BlockSize;
        double sumSq = 0;
        for (int o = 0; o < k; o++)
        {
            double r = (withTargets ? y[o] : 0.0) - TensorPrimitives.Dot(x, theta.Slice(o * bs, d));
            if (layout.HasIntercept)
                r -= theta[o * bs + d];
            sumSq += r * r;
            var gw = g.Slice(o * bs, d);
            TensorPrimitives.MultiplyAdd(x, -r, gw, gw);
            if (layout.HasIntercept)
                g[o * bs + d] -= r;
        }
        return sumSq;
    }

    /// <summary>As <see cref="Accumulate(ParameterLayout, ReadOnlySpan{double}, Span{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, bool)"/>, for a single-precision row widened to double.</summary>
    public static double Accumulate(ParameterLayout layout, ReadOnlySpan<double> theta, Span<double> g,
        ReadOnlySpan<float> x, ReadOnlySpan<double> y, bool withTargets)
    {
        int d = layout.Features, k = layout.Outputs, bs = layout.BlockSize;
        double sumSq = 0;
        for (int o = 0; o < k; o++)
        {
            double r = (withTargets ? y[o] : 0.0) - Kernels.DotWiden(x, theta.Slice(o * bs, d));
            if (layout.HasIntercept)
                r -= theta[o * bs + d];
            sumSq += r * r;
            Kernels.AxpyWiden(-r, x, g.Slice(o * bs, d));
            if (layout.HasIntercept)
                g[o * bs + d] -= r;
        }
        return sumSq;
    }

    /// <summary>
    /// Adds rows [start, end) of row-major double data (one output) into <paramref name="g"/> and returns Σ r²;
    /// four rows at a time share each load of w and each read-modify-write of g.
    /// </summary>
    public static double AccumulateRows(ParameterLayout layout, ReadOnlySpan<double> theta, Span<double> g,
        ReadOnlySpan<double> x, ReadOnlySpan<double> y, int start, int end, bool withTargets)
    {
        int d = layout.Features;
        if (layout.Outputs != 1 || d < 4)
        {
            double total = 0;
            for (int i = start; i < end; i++)
                total += Accumulate(layout, theta, g, x.Slice(i * d, d), y.Slice(i * layout.Outputs, layout.Outputs), withTargets);
            return total;
        }
        var w = theta[..d];
        var gw = g[..d];
        double b = layout.HasIntercept ? theta[d] : 0;
        Span<double> dots = stackalloc double[4];
        Span<double> r = stackalloc double[4];
        double sumSq = 0, sumR = 0;
        int i0 = start;
        for (; i0 + 4 <= end; i0 += 4)
        {
            var rows = x.Slice(i0 * d, 4 * d);
            Kernels.Dot4(rows, d, w, dots);
            for (int t = 0; t < 4; t++)
            {
                // r = y − wᵀx − b, left to right as the article writes it.
                double ri = (withTargets ? y[i0 + t] : 0.0) - dots[t];
                ri -= b;
                sumSq += ri * ri;
                sumR += ri;
                r[t] = -ri;
            }
            Kernels.Axpy4(r, rows, d, gw);
        }
        if (layout.HasIntercept) g[d] -= sumR;
        for (int i = i0; i < end; i++)
            sumSq += Accumulate(layout, theta, g, x.Slice(i * d, d), y.Slice(i, 1), withTargets);
        return sumSq;
    }
}
