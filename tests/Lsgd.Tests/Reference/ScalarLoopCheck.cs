using Lsgd.Engines;
using Lsgd.Models;

namespace Lsgd.Tests.Reference;

/// <summary>
/// An engine's loss, gradient and Hessian product next to the scalar loop's, within the forward error bound of a
/// sum: a sum of m terms computed in floating point is within m·u·Σ|tᵢ| of the exact one (u = ε/2, to first
/// order), so each value must agree within c·(n + d + 2)·ε·S, S being the same sum over the absolute values of
/// every product it expands into (|xᵢⱼ|·(|yᵢ| + Σₘ|wₘxᵢₘ| + |b|) for a gradient entry, ½Σ(|y| + Σ|wx| + |b|)²
/// for the loss). Shared by the engine sweep of the core and the file-source sweep of Lsgd.IO.
/// </summary>
internal static class ScalarLoopCheck
{
    public static EvaluationOf Evaluate(IGradientEngine engine, double[] theta, double[] v)
    {
        var gradient = new double[theta.Length];
        double loss = engine.Evaluate(theta, gradient);
        var hessian = new double[theta.Length];
        engine.HessianVector(v, hessian);
        return new EvaluationOf(loss, gradient, hessian);
    }

    /// <summary>
    /// The scalar loop's loss, gradient and Hessian product (its gradient at v with every target 0 is DᵀD·v),
    /// and the absolute sums that bound their rounding.
    /// </summary>
    public static ReferenceValues Expected(double[] x, double[] y, int n, int d, int k, bool intercept, double[] theta, double[] v)
    {
        var layout = new ParameterLayout(d, k, intercept);
        var gradient = new double[layout.Count];
        double loss = ArticleGradientDescent.LossAndGradient(x, y, n, d, k, intercept, theta, gradient);
        var hessian = new double[layout.Count];
        ArticleGradientDescent.LossAndGradient(x, new double[y.Length], n, d, k, intercept, v, hessian);
        return new ReferenceValues(loss, gradient, hessian,
            AbsoluteSums(x, y, n, d, k, layout, theta, out double lossScale),
            AbsoluteSums(x, new double[y.Length], n, d, k, layout, v, out _),
            lossScale, n + d + 2);
    }

    /// <summary>Sⱼ: each gradient entry's sum with every product replaced by its absolute value.</summary>
    private static double[] AbsoluteSums(double[] x, double[] y, int n, int d, int k, ParameterLayout layout, double[] theta, out double lossScale)
    {
        var sums = new double[layout.Count];
        lossScale = 0;
        for (int i = 0; i < n; i++)
            for (int o = 0; o < k; o++)
            {
                double r = Math.Abs(y[i * k + o]) + (layout.HasIntercept ? Math.Abs(theta[o * layout.BlockSize + d]) : 0);
                for (int j = 0; j < d; j++) r += Math.Abs(theta[o * layout.BlockSize + j] * x[i * d + j]);
                lossScale += 0.5 * r * r;
                for (int j = 0; j < d; j++) sums[o * layout.BlockSize + j] += r * Math.Abs(x[i * d + j]);
                if (layout.HasIntercept) sums[o * layout.BlockSize + d] += r;
            }
        return sums;
    }

    public sealed record EvaluationOf(double Loss, double[] Gradient, double[] Hessian)
    {
        public bool SameBits(EvaluationOf other) =>
            Loss.Equals(other.Loss) && Gradient.AsSpan().SequenceEqual(other.Gradient) && Hessian.AsSpan().SequenceEqual(other.Hessian);
    }

    public sealed record ReferenceValues(double Loss, double[] Gradient, double[] Hessian,
        double[] GradientScale, double[] HessianScale, double LossScale, int Terms)
    {
        public void Check(EvaluationOf actual, int c, string what, bool withHessian = true)
        {
            double unit = c * Terms * Math.Pow(2, -52);
            Assert.True(Math.Abs(actual.Loss - Loss) <= unit * LossScale,
                $"{what}: loss {actual.Loss:R} vs {Loss:R}, allowed {unit * LossScale:G3}");
            for (int j = 0; j < Gradient.Length; j++)
            {
                Assert.True(Math.Abs(actual.Gradient[j] - Gradient[j]) <= unit * GradientScale[j],
                    $"{what}: gradient[{j}] {actual.Gradient[j]:R} vs {Gradient[j]:R}, allowed {unit * GradientScale[j]:G3}");
                if (!withHessian) continue;
                Assert.True(Math.Abs(actual.Hessian[j] - Hessian[j]) <= unit * HessianScale[j],
                    $"{what}: (Hv)[{j}] {actual.Hessian[j]:R} vs {Hessian[j]:R}, allowed {unit * HessianScale[j]:G3}");
            }
        }
    }
}
