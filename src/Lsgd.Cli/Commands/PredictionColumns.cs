using Lsgd.Data;
using Lsgd.Estimators;
using Lsgd.IO;

namespace Lsgd.Cli.Commands;

/// <summary>
/// <c>lsgd predict --intervals confidence|prediction [--level 0.95]</c>: per target, the columns
/// <c>predicted_T</c>, <c>predicted_T_se</c>, <c>predicted_T_lower</c>, <c>predicted_T_upper</c> from the
/// covariance the model file carries (statsmodels' get_prediction().summary_frame(alpha = 1 − level): mean and
/// mean_se with mean_ci_* for confidence, se_obs with obs_ci_* for prediction).
/// </summary>
internal static class PredictionColumns
{
    /// <summary>The suffixes after <c>predicted_T</c>, in column order.</summary>
    internal static readonly string[] Suffixes = ["", "_se", "_lower", "_upper"];

    /// <summary>The column names and row-major values with intervals, or null without --intervals.</summary>
    public static (string[] Names, double[] Values)? Intervals(ModelFile file, string modelPath, Dataset rows, string? intervals, double level)
    {
        if (intervals is null) return null;
        if (!(level > 0 && level < 1))
            throw new LsgdException($"--level {ModelFile.FormatNumber(level)} is not allowed: it must be a number between 0 and 1 (exclusive). Use 0.95 for 95 % intervals, 0.9 for 90 %.");
        var covariance = file.Covariance ?? throw new LsgdException(
            $"{modelPath} has no covariance of its coefficients, so --intervals cannot be computed: it was written by an older lsgd, or by a fit without a least-squares report " +
            "(penalised, not converged, rank-deficient or streamed). Refit with 'lsgd fit DATA --target y --output MODEL.json' (no penalty, data in memory), or predict without --intervals.");
        var kind = intervals == "prediction" ? IntervalKind.Prediction : IntervalKind.Confidence;
        var outputs = PredictionInference.Compute(file.Model, covariance, rows, kind, level);
        int n = rows.Rows, columns = outputs.Count * Suffixes.Length;
        var names = outputs.SelectMany(o => Suffixes.Select(s => "predicted_" + o.Target + s)).ToArray();
        var values = new double[n * columns];
        for (int i = 0; i < n; i++)
            for (int o = 0; o < outputs.Count; o++)
            {
                int at = i * columns + o * Suffixes.Length;
                values[at] = outputs[o].Predicted[i];
                values[at + 1] = outputs[o].StandardError[i];
                values[at + 2] = outputs[o].Lower[i];
                values[at + 3] = outputs[o].Upper[i];
            }
        return (names, values);
    }
}
