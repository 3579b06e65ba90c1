using System.Numerics.Tensors;

namespace Lsgd.Engines;

/// <summary>Curvature estimates from Hessian-vector products.</summary>
internal static class Curvature
{
    /// <summary>
    /// L, the largest eigenvalue of a positive semi-definite Hessian, by power iteration from a seeded positive
    /// start: ‖Hv‖ for unit v tends to L from below as v turns towards the top eigenvector.
    /// </summary>
    public static double Largest(IObjective objective, int maxIterations, int seed, double relativeTolerance)
    {
        int p = objective.ParameterCount;
        var v = new double[p];
        var hv = new double[p];
        var rng = new Random(seed);
        for (int i = 0; i < p; i++) v[i] = rng.NextDouble() + 0.5;
        TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), v);
        double lambda = 0;
        for (int it = 0; it < maxIterations; it++)
        {
            objective.HessianVector(v, hv);
            double norm = TensorPrimitives.Norm(hv);
            if (norm == 0) return 0;
            TensorPrimitives.Divide(hv, norm, v);
            if (Math.Abs(norm - lambda) <= relativeTolerance * norm)
                return norm;
            lambda = norm;
        }
        return lambda;
    }
}
