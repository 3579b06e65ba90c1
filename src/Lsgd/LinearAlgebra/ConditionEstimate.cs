using System.Numerics.Tensors;

namespace Lsgd.LinearAlgebra;

/// <summary>The 2-norm condition number of a matrix F from products with its Gram matrix G = FᵀF and its inverse.</summary>
internal static class ConditionEstimate
{
    /// <summary>Power-iteration steps for each end of the spectrum unless a caller asks otherwise.</summary>
    public const int DefaultIterations = 60;

    /// <summary>
    /// √(λmax/λmin) of a p × p symmetric positive definite Gram matrix G = FᵀF, by power iteration with
    /// <paramref name="gram"/> (w ← G w) for λmax and <paramref name="inverseGram"/> (w ← G⁻¹ w) for 1/λmin:
    /// the 2-norm condition number of F. Shared by the QR (G = RᵀR) and Cholesky (G = LLᵀ) factors.
    /// </summary>
    public static double FromGram(int p, Action<double[]> gram, Action<double[]> inverseGram, int iterations = DefaultIterations)
    {
        if (p == 0) return 1;
        var (max, invMin) = LargestEigenvalues(p, gram, inverseGram, iterations);
        return Math.Sqrt(max * invMin);
    }

    /// <summary>
    /// The largest eigenvalues of two p × p operators (a matrix and its inverse, say), each by
    /// <see cref="LargestEigenvalue"/>: side by side on two threads from <see cref="ParallelOrder"/> on, where each
    /// iteration streams a factor too large for the core's own cache (768 features: 2.4 MB a triangular sweep), else one
    /// after the other. The two are independent, so the figures are the same either way, bit for bit. Both operators
    /// must be safe to apply at the same time (they read their factor and write only the vector given).
    /// </summary>
    public static (double First, double Second) LargestEigenvalues(int p, Action<double[]> first, Action<double[]> second, int iterations = DefaultIterations)
    {
        if (p < ParallelOrder || Environment.ProcessorCount < 2)
            return (LargestEigenvalue(p, first, iterations), LargestEigenvalue(p, second, iterations));
        double a = 0, b = 0;
        Parallel.Invoke(() => a = LargestEigenvalue(p, first, iterations), () => b = LargestEigenvalue(p, second, iterations));
        return (a, b);
    }

    /// <summary>The order from which <see cref="LargestEigenvalues"/> runs its two power iterations side by side.</summary>
    internal const int ParallelOrder = 256;

    /// <summary>The largest eigenvalue of a p × p symmetric positive semidefinite operator, by power iteration.</summary>
    public static double LargestEigenvalue(int p, Action<double[]> apply, int iterations = DefaultIterations)
    {
        var v = new double[p];
        var w = new double[p];
        for (int i = 0; i < p; i++) v[i] = 1 + 0.1 * i / p;
        double lambda = 0;
        for (int it = 0; it < iterations; it++)
        {
            double norm = TensorPrimitives.Norm(v);
            TensorPrimitives.Divide(v, norm, v);
            v.CopyTo(w, 0);
            apply(w);
            double next = TensorPrimitives.Dot(v, w);
            w.CopyTo(v, 0);
            if (Math.Abs(next - lambda) <= 1e-10 * Math.Abs(next)) return next;
            lambda = next;
        }
        return lambda;
    }
}
