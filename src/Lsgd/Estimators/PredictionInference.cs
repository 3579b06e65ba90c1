using Lsgd.Data;
using Lsgd.Internals;
using Lsgd.Models;

namespace Lsgd.Estimators;

/// <summary>Which uncertainty a prediction interval describes.</summary>
public enum IntervalKind
{
    /// <summary>Of the fitted mean E[y | x] (statsmodels' <c>mean_ci_lower</c>/<c>mean_ci_upper</c>).</summary>
    Confidence,

    /// <summary>Of a new observation y at x, the residual variance added (statsmodels' <c>obs_ci_lower</c>/<c>obs_ci_upper</c>).</summary>
    Prediction,
}

/// <summary>Predictions of one output with their standard errors and interval bounds, one value per row.</summary>
/// <param name="Target">The output's name.</param>
/// <param name="Predicted">ŷ = b + xᵀβ.</param>
/// <param name="StandardError">The standard error the interval uses: of the mean (statsmodels' <c>mean_se</c>) for
/// <see cref="IntervalKind.Confidence"/>, of a new observation √(mean_se² + σ̂²) (statsmodels' <c>se_obs</c>) for
/// <see cref="IntervalKind.Prediction"/>.</param>
/// <param name="Lower">ŷ − t·SE, t the (1 + level)/2 quantile of Student's t with the fit's residual degrees of freedom.</param>
/// <param name="Upper">ŷ + t·SE.</param>
public sealed record OutputPredictions(string Target, double[] Predicted, double[] StandardError, double[] Lower, double[] Upper);

/// <summary>
/// Prediction with uncertainty, as statsmodels' <c>OLSResults.get_prediction(x).summary_frame(alpha)</c>: the
/// mean's variance is d(x)ᵀ Cov d(x) (<see cref="ParameterCovariance.MeanVariance"/>), a new observation's adds σ̂², and
/// the bounds are ŷ ± t₍₁₊level₎/₂,ₙ₋ₚ·SE.
/// </summary>
public static class PredictionInference
{
    /// <summary>Predicts every row of <paramref name="rows"/> with standard errors and intervals.</summary>
    /// <param name="model">The fitted model (its coefficients give ŷ).</param>
    /// <param name="covariance">The covariance of the model's parameters (from the fit, or its model file).</param>
    /// <param name="rows">The rows to predict (their targets are not read).</param>
    /// <param name="kind">Interval of the mean or of a new observation.</param>
    /// <param name="level">The coverage, in (0, 1); 0.95 by default.</param>
    /// <returns>One entry per output, in output order.</returns>
    /// <exception cref="InvalidOptionException"><paramref name="level"/> is not in (0, 1).</exception>
    /// <exception cref="LsgdException">The model, covariance and rows do not have the same features and outputs.</exception>
    public static IReadOnlyList<OutputPredictions> Compute(LinearModel model, ParameterCovariance covariance, Dataset rows,
        IntervalKind kind, double level = 0.95)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(covariance);
        ArgumentNullException.ThrowIfNull(rows);
        if (!(level > 0 && level < 1))
            throw new InvalidOptionException("Level", level, "a number between 0 and 1 (exclusive)", "Use 0.95 for 95 % intervals, 0.9 for 90 %.");
        if (covariance.Features != model.Features || covariance.Outputs != model.Outputs || covariance.HasIntercept != model.HasIntercept)
            Throw.Data($"The covariance describes {covariance.Features} features and {Throw.Plural(covariance.Outputs, "output")}{(covariance.HasIntercept ? " with" : " without")} an intercept, " +
                $"but the model has {model.Features} and {model.Outputs}{(model.HasIntercept ? " with" : " without")} one.");
        if (rows.Features != model.Features)
            Throw.Data($"The model expects {model.Features} features ({string.Join(", ", model.FeatureNames)}) but the data has {rows.Features}.");
        rows = rows.ToDoublePrecision();
        int n = rows.Rows, k = model.Outputs;
        double t = SpecialFunctions.StudentTQuantile(0.5 + level / 2, covariance.DegreesOfFreedom);
        var result = new OutputPredictions[k];
        for (int o = 0; o < k; o++)
        {
            var predicted = new double[n];
            var se = new double[n];
            var lower = new double[n];
            var upper = new double[n];
            var w = model.Coefficients(o);
            double b = model.Intercept(o), sigma2 = covariance.ResidualStandardDeviation(o) * covariance.ResidualStandardDeviation(o);
            for (int i = 0; i < n; i++)
            {
                var x = rows.FeatureRow(i);
                predicted[i] = System.Numerics.Tensors.TensorPrimitives.Dot(x, w) + b;
                double variance = covariance.MeanVariance(o, x);
                se[i] = Math.Sqrt(kind == IntervalKind.Prediction ? variance + sigma2 : variance);
                lower[i] = predicted[i] - t * se[i];
                upper[i] = predicted[i] + t * se[i];
            }
            result[o] = new OutputPredictions(model.TargetNames[o], predicted, se, lower, upper);
        }
        return result;
    }
}
