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
        double max = LargestEigenvalue(p, gram, iterations);
        double invMin = LargestEigenvalue(p, inverseGram, iterations);
        return Math.Sqrt(max * invMin);
    }

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
