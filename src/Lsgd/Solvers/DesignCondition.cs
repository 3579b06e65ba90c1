using Lsgd.Data;
using Lsgd.LinearAlgebra;

namespace Lsgd.Solvers;

/// <summary>
/// statsmodels' condition number: σmax/σmin of the design D as given — the column of ones included, features
/// neither centred nor scaled — i.e. √(λmax/λmin) of the uncentred DᵀD (statsmodels' <c>condition_number</c>,
/// which it takes from the singular values of D). It mostly measures the features' offsets and units, which
/// Lsgd's solvers remove before they factorise; <see cref="ExactSolution.ConditionNumber"/> is the figure for the
/// centred, scaled design that governs their accuracy.
/// </summary>
internal static class DesignCondition
{
    /// <summary>Largest parameter count for which the figure is computed (a one-sided Jacobi SVD of a p × p factor).</summary>
    internal const int MaxParameters = 300;

    /// <summary>
    /// From the exact solver's factor of the same rows, with no pass of its own: the design the solver factorised is
    /// E = [√w/√W, √w(x − x̄)/s] = Q·Rₑ, and D = √w·[1, x] = E·T with T upper triangular (T₀₀ = √W, T₀ⱼ = √W·x̄ⱼ,
    /// Tⱼⱼ = sⱼ), so D has the singular values of Rₑ·T, a p × p product (weighted rows: the whitened design, as
    /// statsmodels' WLS takes the condition number of wexog).
    /// </summary>
    internal static double Uncentred(ScaledDesign design, long rows)
    {
        int d = design.Features, off = design.FitIntercept ? 1 : 0, p = d + off;
        if (p > MaxParameters || rows < p) return double.NaN;
        var t = new double[p * p];
        double root = Math.Sqrt(design.WeightSum);
        if (off == 1)
        {
            t[0] = root;
            for (int j = 0; j < d; j++) t[j + 1] = root * design.Mean[j];
        }
        for (int j = 0; j < d; j++) t[(j + off) * p + j + off] = design.Scale[j];
        var r = new double[p * p];
        for (int i = 0; i < p; i++)
            for (int j = i; j < p; j++)
            {
                double sum = 0;
                for (int l = i; l <= j; l++) sum += design.Qr.R(i, l) * t[l * p + j];
                r[i * p + j] = sum;
            }
        return Ratio(r, p);
    }

    /// <summary>
    /// From sufficient statistics (data streamed from a file): the uncentred Gram DᵀD = Sxx + n·x̄x̄ᵀ bordered by
    /// the column of ones, column-scaled, its Cholesky factor, and the singular values of that. Forming DᵀD loses
    /// digits when the figure exceeds about 10⁸; then NaN rather than a wrong number.
    /// </summary>
    public static double Uncentred(SufficientStatistics statistics, bool fitIntercept)
    {
        int d = statistics.Features, off = fitIntercept ? 1 : 0, p = d + off;
        if (p > MaxParameters || statistics.Count < p) return double.NaN;
        double n = statistics.WeightSum;   // Σw: the weighted statistics' Gram matrix is that of the whitened design
        var g = new double[p * p];
        double Mean(int j) => j < off ? 1 : statistics.FeatureMeans[j - off];
        for (int i = 0; i < p; i++)
            for (int j = 0; j < p; j++)
                g[i * p + j] = (i >= off && j >= off ? statistics.FeatureScatter[(i - off) * d + (j - off)] : 0) + n * Mean(i) * Mean(j);
        var s = new double[p];
        for (int i = 0; i < p; i++) s[i] = Math.Sqrt(g[i * p + i]);
        if (s.Any(v => !(v > 0))) return double.NaN;
        for (int i = 0; i < p; i++)
            for (int j = 0; j < p; j++) g[i * p + j] /= s[i] * s[j];
        if (!Cholesky.TryFactor(g, p, 1e-13, out var chol, out _)) return double.NaN;
        // D·S⁻¹ = Q·Lᵀ, so D has the singular values of Lᵀ·S.
        var r = new double[p * p];
        for (int i = 0; i < p; i++)
            for (int j = i; j < p; j++) r[i * p + j] = chol.L(j, i) * s[j];
        double ratio = Ratio(r, p);
        return ratio <= 1e8 ? ratio : double.NaN;
    }

    /// <summary>σmax/σmin of a p × p row-major matrix by one-sided (Hestenes) Jacobi rotations of its columns.</summary>
    internal static double Ratio(double[] a, int p)
    {
        // Columns as arrays: rotate pairs until every pair is orthogonal to working precision.
        var c = new double[p][];
        for (int j = 0; j < p; j++)
        {
            c[j] = new double[p];
            for (int i = 0; i < p; i++) c[j][i] = a[i * p + j];
        }
        for (int sweep = 0; sweep < 60; sweep++)
        {
            bool rotated = false;
            for (int j = 0; j < p - 1; j++)
                for (int k = j + 1; k < p; k++)
                {
                    double alpha = 0, beta = 0, gamma = 0;
                    var x = c[j];
                    var y = c[k];
                    for (int i = 0; i < p; i++) { alpha += x[i] * x[i]; beta += y[i] * y[i]; gamma += x[i] * y[i]; }
                    if (gamma == 0 || Math.Abs(gamma) <= 1e-15 * Math.Sqrt(alpha * beta)) continue;
                    rotated = true;
                    double zeta = (beta - alpha) / (2 * gamma);
                    double t = (zeta >= 0 ? 1 : -1) / (Math.Abs(zeta) + Math.Sqrt(1 + zeta * zeta));
                    double cs = 1 / Math.Sqrt(1 + t * t), sn = cs * t;
                    for (int i = 0; i < p; i++)
                    {
                        double xi = x[i], yi = y[i];
                        x[i] = cs * xi - sn * yi;
                        y[i] = sn * xi + cs * yi;
                    }
                }
            if (!rotated) break;
        }
        double max = 0, min = double.PositiveInfinity;
        foreach (var col in c)
        {
            double norm = Math.Sqrt(col.Sum(v => v * v));
            max = Math.Max(max, norm);
            min = Math.Min(min, norm);
        }
        return min > 0 ? max / min : double.PositiveInfinity;
    }
}
