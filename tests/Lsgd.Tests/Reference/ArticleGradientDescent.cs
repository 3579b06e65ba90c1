namespace Lsgd.Tests.Reference;

/// <summary>
/// The article's batch gradient descent as a plain scalar loop: the reference every engine and the
/// trainer are checked against. Layout of θ: per output, [w1..wd, b].
/// </summary>
internal static class ArticleGradientDescent
{
    /// <summary>½ Σᵢ Σₒ (yᵢₒ − wₒᵀxᵢ − bₒ)² and its gradient, by the article's formulas.</summary>
    public static double LossAndGradient(double[] x, double[] y, int n, int d, int k, bool intercept,
        double[] theta, double[] gradient)
    {
        int bs = d + (intercept ? 1 : 0);
        Array.Clear(gradient);
        double loss = 0;
        for (int i = 0; i < n; i++)
        {
            for (int o = 0; o < k; o++)
            {
                double dot = 0;
                for (int j = 0; j < d; j++) dot += theta[o * bs + j] * x[i * d + j];
                double r = y[i * k + o] - dot - (intercept ? theta[o * bs + d] : 0);
                loss += 0.5 * r * r;
                for (int j = 0; j < d; j++) gradient[o * bs + j] -= r * x[i * d + j];
                if (intercept) gradient[o * bs + d] -= r;
            }
        }
        return loss;
    }

    /// <summary>Runs <paramref name="iterations"/> updates θ ← θ − α∇J from zeros; returns θ after each.</summary>
    public static List<double[]> Run(double[] x, double[] y, int n, int d, int k, bool intercept, double alpha, int iterations)
    {
        int p = k * (d + (intercept ? 1 : 0));
        var theta = new double[p];
        var gradient = new double[p];
        var path = new List<double[]>();
        for (int it = 0; it < iterations; it++)
        {
            LossAndGradient(x, y, n, d, k, intercept, theta, gradient);
            for (int j = 0; j < p; j++) theta[j] -= alpha * gradient[j];
            path.Add((double[])theta.Clone());
        }
        return path;
    }
}
