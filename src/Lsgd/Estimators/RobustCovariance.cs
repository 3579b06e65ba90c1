using Lsgd.Data;
using Lsgd.Internals;
using Lsgd.Models;

namespace Lsgd.Estimators;

/// <summary>
/// The sandwich estimators of the coefficients' covariance, as statsmodels computes them: V = B·M·B with the
/// bread B = (DᵀD)⁻¹ (D⁺D⁺ᵀ on a rank-deficient design) and the meat M built from the scores sᵢ = dᵢ·rᵢ, dᵢ the
/// row of the design (the features, then 1 for the intercept) and rᵢ the model's residual.
/// </summary>
/// <remarks>
/// <para>HC0: M = Σ sᵢsᵢᵀ. HC1: HC0·n/(n − rank). HC2 and HC3 weight sᵢsᵢᵀ by 1/(1 − hᵢ) and 1/(1 − hᵢ)², hᵢ = dᵢᵀBdᵢ.</para>
/// <para>HAC (Newey–West): M = Γ₀ + Σₗ₌₁ᴸ (1 − l/(L + 1))(Γₗ + Γₗᵀ), Γₗ = Σₜ sₜsₜ₋ₗᵀ over rows in order, without a
/// small-sample correction (statsmodels' <c>cov_type='HAC'</c> defaults).</para>
/// <para>Cluster: M = Σ_g (Σ_{i∈g} sᵢ)(Σ_{i∈g} sᵢ)ᵀ times G/(G − 1)·(n − 1)/(n − p), p the design's column count
/// (statsmodels' default <c>use_correction=True</c>).</para>
/// </remarks>
internal static class RobustCovariance
{
    /// <summary>V for output <paramref name="output"/>, p × p row-major in the parameters' layout (weights, then intercept).</summary>
    /// <param name="model">The model whose residuals form the scores.</param>
    /// <param name="data">The rows it was fitted on.</param>
    /// <param name="output">Which output.</param>
    /// <param name="bread">(DᵀD)⁻¹, p × p, same layout.</param>
    /// <param name="rank">The design's rank (HC1's n − rank).</param>
    /// <param name="type">The estimator.</param>
    /// <param name="clusters">G, the number of clusters, for <see cref="CovarianceKind.Cluster"/> (0 otherwise).</param>
    public static double[] Compute(LinearModel model, Dataset data, int output, double[] bread, int rank, CovarianceType type, out int clusters)
    {
        int n = data.Rows, d = data.Features, k = data.Outputs, p = model.Layout.BlockSize;
        bool intercept = model.HasIntercept;
        var w = model.Coefficients(output);
        double b = model.Intercept(output);
        var row = new double[p];
        var scores = new double[n * p];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < d; j++) row[j] = data.Feature(i, j);
            if (intercept) row[d] = 1;
            double fitted = data.Storage.Dot(i, w) + b;
            double r = data.Y[i * k + output] - fitted;
            double weight = 1;
            if (type.Kind is CovarianceKind.HC2 or CovarianceKind.HC3)
            {
                double h = Quadratic(bread, row, p);
                weight = type.Kind == CovarianceKind.HC2 ? 1 / Math.Sqrt(1 - h) : 1 / (1 - h);
            }
            for (int j = 0; j < p; j++) scores[i * p + j] = row[j] * r * weight;
        }
        clusters = 0;
        var meat = new double[p * p];
        switch (type.Kind)
        {
            case CovarianceKind.Hac:
                AddLag(meat, scores, n, p, 0, 1);
                for (int lag = 1; lag <= type.Lags && lag < n; lag++)
                    AddLag(meat, scores, n, p, lag, 1 - lag / (type.Lags + 1.0));
                break;
            case CovarianceKind.Cluster:
                var labels = type.Clusters!;
                if (labels.Count != n)
                    Throw.Data($"The cluster column '{type.Column}' has {labels.Count} values but the data has {n} rows.");
                var groups = new Dictionary<double, double[]>();
                for (int i = 0; i < n; i++)
                {
                    if (!groups.TryGetValue(labels[i], out var sum))
                        groups[labels[i]] = sum = new double[p];
                    for (int j = 0; j < p; j++) sum[j] += scores[i * p + j];
                }
                clusters = groups.Count;
                if (clusters < 2)
                    Throw.Data($"The cluster column '{type.Column}' has a single value, so clusters cannot be compared: cluster-robust errors need at least 2 clusters (and many more to be reliable).");
                foreach (var sum in groups.Values) AddOuter(meat, sum, sum, p, 1);
                break;
            default:
                AddLag(meat, scores, n, p, 0, 1);
                break;
        }
        var v = Sandwich(bread, meat, p);
        double factor = type.Kind switch
        {
            CovarianceKind.HC1 => n / (double)(n - rank),
            CovarianceKind.Cluster => clusters / (clusters - 1.0) * ((n - 1.0) / (n - p)),
            _ => 1,
        };
        for (int i = 0; i < v.Length; i++) v[i] *= factor;
        return v;
    }

    /// <summary>xᵀAx.</summary>
    private static double Quadratic(double[] a, double[] x, int p)
    {
        double s = 0;
        for (int i = 0; i < p; i++)
        {
            double t = 0;
            for (int j = 0; j < p; j++) t += a[i * p + j] * x[j];
            s += x[i] * t;
        }
        return s;
    }

    /// <summary>M += weight·(Γₗ + Γₗᵀ) (Γ₀ once), Γₗ = Σₜ sₜsₜ₋ₗᵀ.</summary>
    private static void AddLag(double[] meat, double[] scores, int n, int p, int lag, double weight)
    {
        var gamma = new double[p * p];
        for (int t = lag; t < n; t++)
            for (int i = 0; i < p; i++)
            {
                double si = scores[t * p + i];
                if (si == 0) continue;
                for (int j = 0; j < p; j++) gamma[i * p + j] += si * scores[(t - lag) * p + j];
            }
        for (int i = 0; i < p; i++)
            for (int j = 0; j < p; j++)
                meat[i * p + j] += lag == 0 ? weight * gamma[i * p + j] : weight * (gamma[i * p + j] + gamma[j * p + i]);
    }

    private static void AddOuter(double[] m, double[] a, double[] b, int p, double weight)
    {
        for (int i = 0; i < p; i++)
            for (int j = 0; j < p; j++) m[i * p + j] += weight * a[i] * b[j];
    }

    /// <summary>B·M·B, symmetrised.</summary>
    private static double[] Sandwich(double[] bread, double[] meat, int p)
    {
        var t = new double[p * p];
        for (int i = 0; i < p; i++)
            for (int j = 0; j < p; j++)
            {
                double s = 0;
                for (int c = 0; c < p; c++) s += bread[i * p + c] * meat[c * p + j];
                t[i * p + j] = s;
            }
        var v = new double[p * p];
        for (int i = 0; i < p; i++)
            for (int j = 0; j < p; j++)
            {
                double s = 0;
                for (int c = 0; c < p; c++) s += t[i * p + c] * bread[c * p + j];
                v[i * p + j] = s;
            }
        for (int i = 0; i < p; i++)
            for (int j = 0; j < i; j++)
                v[i * p + j] = v[j * p + i] = 0.5 * (v[i * p + j] + v[j * p + i]);
        return v;
    }

    /// <summary>
    /// The Wald F statistic of "every coefficient but the intercept is 0" (all of them without an intercept):
    /// F = β̂ₛᵀVₛₛ⁻¹β̂ₛ/q over the q tested coefficients (statsmodels' robust <c>fvalue</c>). NaN when a tested
    /// coefficient is aliased or Vₛₛ is singular.
    /// </summary>
    public static double WaldF(LinearModel model, int output, double[] covariance, out int q)
    {
        int d = model.Features, p = model.Layout.BlockSize;
        q = d;   // the weights: every coefficient but the intercept, or all of them without one
        if (q == 0) return double.NaN;
        var w = model.Coefficients(output);
        var a = new double[q * q];
        var s = new double[q];
        for (int i = 0; i < q; i++) s[i] = Math.Sqrt(covariance[i * p + i]);
        if (s.Any(v => !(v > 0))) return double.NaN;
        for (int i = 0; i < q; i++)
            for (int j = 0; j < q; j++) a[i * q + j] = covariance[i * p + j] / (s[i] * s[j]);
        var chol = LinearAlgebra.Cholesky.Factor(a, q);
        if (chol is null) return double.NaN;
        var z = new double[q];
        for (int i = 0; i < q; i++) z[i] = w[i] / s[i];
        chol.SolveLower(z);
        double sum = 0;
        foreach (double v in z) sum += v * v;
        return sum / q;
    }
}
