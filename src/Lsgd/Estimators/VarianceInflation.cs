using Lsgd.Data;
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
}
