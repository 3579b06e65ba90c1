using Lsgd.Data;
using Lsgd.LinearAlgebra;
using Lsgd.Models;

namespace Lsgd.Applications.Features;

/// <summary>
/// The exact ridge solutions for several penalties from one set of sufficient statistics: the statistics (XᵀX,
/// Xᵀy) are computed once, standardised once, and each λ costs one Cholesky factorisation of the d × d
/// matrix and two triangular solves per output — no pass over the rows.
/// </summary>
/// <remarks>
/// The problem is the one <see cref="Estimators.LinearRegressor"/> solves with <c>Standardize = true</c>, an
/// intercept, the mean loss and <see cref="Penalty.Ridge"/>: minimise ½/n Σ‖y − ŷ‖² + ½λ‖w‖² over the weights w
/// of the standardised features (μ = x̄, σ the population standard deviation) and a free intercept, that is
/// (Szz/n + λI) w = Szy/n with Szz, Szy the centred scatter of the standardised features. Szz/n has a unit
/// diagonal, so the factorisation is well scaled.
/// </remarks>
public static class RidgePath
{
    /// <summary>
    /// One model per penalty, in original units (coefficients and intercept as a fit on the raw features would give),
    /// or null for a penalty at which the system is singular (λ = 0 with linearly dependent features). A constant
    /// feature gets the weight 0.
    /// </summary>
    /// <param name="training">The statistics of the training rows (features and all outputs).</param>
    /// <param name="penalties">The λ to solve for (each finite and ≥ 0).</param>
    /// <exception cref="ArgumentOutOfRangeException">A penalty is negative or not finite.</exception>
    public static LinearModel?[] Solve(SufficientStatistics training, IReadOnlyList<double> penalties)
    {
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(penalties);
        foreach (double l in penalties)
            if (!(l >= 0) || !double.IsFinite(l))
                throw new ArgumentOutOfRangeException(nameof(penalties), l, "Each penalty must be a finite number >= 0.");
        int d = training.Features, k = training.Outputs;
        double n = training.Count;
        var standardizer = training.ToStandardizer(center: true);
        var z = training.Standardized(standardizer);
        var layout = new ParameterLayout(d, k, HasIntercept: true);
        var models = new LinearModel?[penalties.Count];
        var a = new double[d * d];
        var rhs = new double[d];
        var theta = new double[layout.Count];
        for (int p = 0; p < penalties.Count; p++)
        {
            for (int i = 0; i < d; i++)
                for (int j = 0; j <= i; j++)
                    a[i * d + j] = z.FeatureScatter[i * d + j] / n + (i == j ? penalties[p] : 0);
            // A constant feature has a zero row and column and a zero right-hand side: its weight is 0 at every λ
            // (as gradient descent, started at 0, leaves it), so its pivot is set to 1 rather than left singular.
            for (int j = 0; j < d; j++)
                if (z.FeatureScatter[j * d + j] == 0) a[j * d + j] = 1;
            if (Cholesky.Factor(a, d) is not { } factor)
                continue;
            for (int o = 0; o < k; o++)
            {
                for (int i = 0; i < d; i++) rhs[i] = z.CrossScatter[i * k + o] / n;
                factor.Solve(rhs);
                var weights = layout.Weights(theta.AsSpan(), o);
                rhs.CopyTo(weights);
                theta[o * layout.BlockSize + d] = z.TargetMeans[o];   // the standardised features are centred
            }
            models[p] = new LinearModel(layout, standardizer.ToOriginalUnits(theta, layout), training.FeatureNames, training.TargetNames);
        }
        return models;
    }
}
