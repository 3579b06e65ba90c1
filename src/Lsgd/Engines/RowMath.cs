using System.Numerics.Tensors;
using Lsgd.Internals;
using Lsgd.Models;

namespace Lsgd.Engines;

/// <summary>The one place where a row's residual and gradient contribution are computed, for every row engine.</summary>
internal static class RowMath
{
    /// <summary>Rows this short are cheaper in a plain loop than through two vector-library calls.</summary>
    private const int SmallRow = 16;

    /// <summary>The same computation as <see cref="Accumulate(ParameterLayout, ReadOnlySpan{double}, Span{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, bool)"/> for short rows, as scalar loops.</summary>
    private static double AccumulateSmall(ParameterLayout layout, ReadOnlySpan<double> theta, Span<double> g,
        ReadOnlySpan<double> x, ReadOnlySpan<double> y, bool withTargets)
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
            sumSq += r * r;
            var gw = g.Slice(o * bs, d);
            for (int j = 0; j < d; j++) gw[j] -= r * x[j];
            if (layout.HasIntercept)
                g[o * bs + d] -= r;
        }
        return sumSq;
    }

    /// <summary>
    /// Adds one row's gradient −r·[x, 1] into <paramref name="g"/> for every output and returns Σₒ rₒ², with
    /// r = y − wᵀx − b evaluated left to right as the article writes it (or r = −wᵀx − b without targets, which
    /// makes the sum over rows DᵀD·θ).
    /// </summary>
    public static double Accumulate(ParameterLayout layout, ReadOnlySpan<double> theta, Span<double> g,
        ReadOnlySpan<double> x, ReadOnlySpan<double> y, bool withTargets)
    {
        int d = layout.Features, k = layout.Outputs, bs = layout.BlockSize;
        if (d <= SmallRow)
            return AccumulateSmall(layout, theta, g, x, y, withTargets);
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
}
