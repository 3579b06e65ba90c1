using Lsgd.Data;
using Lsgd.Internals;
using Lsgd.Solvers;

namespace Lsgd.Estimators;

/// <summary>Variance inflation factors of a design's features.</summary>
public static class VarianceInflation
{
    /// <summary>
    /// VIFⱼ = 1/(1 − Rⱼ²), Rⱼ² that of feature j regressed on the other features and a constant: statsmodels'
    /// <c>variance_inflation_factor(exog, j)</c> with the constant included in <c>exog</c>, whether or not the model
    /// itself has an intercept. Computed as the diagonal of the inverse correlation matrix, ‖row j of R⁻¹‖² from the QR
    /// factor of the centred, unit-norm features (no Rⱼ² near 1 subtracted from 1).
    /// </summary>
    /// <param name="data">The features (targets are not read).</param>
    /// <returns>One factor per feature; all NaN when the features and the constant are linearly dependent (a constant
    /// or duplicated column), or there are fewer rows than features + 1.</returns>
    public static double[] Compute(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var factor = DesignFactor.TryFactor(data, fitIntercept: true);
        return factor?.InverseCorrelationDiagonal() ?? [.. Enumerable.Repeat(double.NaN, data.Features)];
    }

    /// <summary>
    /// The same factors from an exact least-squares fit of <paramref name="data"/> with an intercept, without a
    /// second factorisation of the rows: with the constant in the design, [(DᵀD)⁻¹]ⱼⱼ = VIFⱼ / Σᵢ(xᵢⱼ − x̄ⱼ)², so
    /// VIFⱼ = SEⱼ²·Σᵢ(xᵢⱼ − x̄ⱼ)² / σ̂² with the fit's own standard errors and residual standard deviation, and the centred sums
    /// of squares from the fit's sufficient statistics when it kept them (else two passes over the features). Null when that identity does not apply: no intercept,
    /// weighted rows (VIFs ignore weights, the standard errors do not), aliased coefficients, no residual degrees of
    /// freedom, or a perfect fit (σ̂ = 0); <see cref="Compute(Dataset)"/> then factors the rows.
    /// </summary>
    /// <param name="exact">The exact solution of the fit of <paramref name="data"/>.</param>
    /// <param name="data">The fit's features.</param>
    public static double[]? FromStandardErrors(ExactSolution exact, Dataset data)
    {
        ArgumentNullException.ThrowIfNull(exact);
        ArgumentNullException.ThrowIfNull(data);
        int d = data.Features;
        if (!exact.Model.HasIntercept || data.IsWeighted || exact.Aliased.Count > 0 || exact.DegreesOfFreedom < 1
            || exact.StandardErrors.Count == 0 || exact.StandardErrors[0].Length != d)
            return null;
        // The output with the largest σ̂ (every output gives the same factors; a perfect fit of one gives none).
        int best = -1;
        double sigma = 0;
        for (int o = 0; o < exact.StandardErrors.Count; o++)
        {
            double s = exact.ResidualStandardDeviation(o);
            if (double.IsFinite(s) && s > sigma) { sigma = s; best = o; }
        }
        if (best < 0)
            return null;
        var squares = exact.FeatureCentredSquares is { } known && known.Length == d ? known : CentredSquares(data);
        var result = new double[d];
        StageClock.Mark("vif-squares");
        var se = exact.StandardErrors[best];
        for (int j = 0; j < d; j++)
        {
            if (!double.IsFinite(se[j]) || squares[j] <= 0)
                return null;
            double ratio = se[j] / sigma;
            result[j] = ratio * ratio * squares[j];
        }
        return result;
    }

    /// <summary>Σᵢ(xᵢⱼ − x̄ⱼ)² per feature: the column means, then the squares about them (two passes, row by row).</summary>
    private static double[] CentredSquares(Dataset data)
    {
        int d = data.Features, n = data.Rows;
        var means = new double[d];
        var row = new double[d];
        for (int i = 0; i < n; i++)
        {
            data.Storage.CopyRow(i, row);
            for (int j = 0; j < d; j++) means[j] += row[j];
        }
        for (int j = 0; j < d; j++) means[j] /= n;
        var squares = new double[d];
        for (int i = 0; i < n; i++)
        {
            data.Storage.CopyRow(i, row);
            for (int j = 0; j < d; j++) { double v = row[j] - means[j]; squares[j] += v * v; }
        }
        return squares;
    }
}
