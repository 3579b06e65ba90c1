using Lsgd.Data;

namespace Lsgd.Benchmarks;

/// <summary>
/// Seeded synthetic regression data shared by the benchmarks: x_ij = u_ij + ½·f_i (u, f independent, uniform with
/// unit variance, so features are pairwise correlated at 0.2) and y_i = 1 + Σ_j β_j x_ij + 0.1·e_i with β_j = 1 + j/d.
/// </summary>
/// <remarks>Uniform rather than Gaussian values: generation is a small part of each benchmark process's setup.
/// The numbers do not matter to the timings, only that they are finite and not denormal.</remarks>
public static class SyntheticData
{
    private static readonly double Scale = Math.Sqrt(3.0);

    /// <summary>Row-major features (n·d) and targets (n), float64.</summary>
    public static (double[] X, double[] Y) Generate(int n, int d, int seed = 7)
    {
        var rng = new Random(seed);
        var x = new double[(long)n * d];
        var y = new double[n];
        var beta = new double[d];
        for (int j = 0; j < d; j++) beta[j] = 1.0 + (double)j / d;
        for (int i = 0; i < n; i++)
        {
            double f = Uniform(rng);
            double yi = 1.0;
            int row = i * d;
            for (int j = 0; j < d; j++)
            {
                double v = Uniform(rng) + 0.5 * f;
                x[row + j] = v;
                yi += beta[j] * v;
            }
            y[i] = yi + 0.1 * Uniform(rng);
        }
        return (x, y);
    }

    /// <summary>A float64 <see cref="Dataset"/> of the data above.</summary>
    public static Dataset Dataset(int n, int d, int seed = 7)
    {
        var (x, y) = Generate(n, d, seed);
        return new Dataset(x, y, n, d);
    }

    /// <summary>The same values rounded to float32 (features only; targets stay float64).</summary>
    public static float[] ToSingle(double[] x)
    {
        var s = new float[x.Length];
        for (long i = 0; i < x.Length; i++) s[i] = (float)x[i];
        return s;
    }

    private static double Uniform(Random rng) => (2 * rng.NextDouble() - 1) * Scale;
}
