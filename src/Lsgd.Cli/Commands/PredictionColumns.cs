using Lsgd.Data;
using Lsgd.Estimators;
using Lsgd.IO;

namespace Lsgd.Cli.Commands;

/// <summary>
/// The columns of <c>lsgd predict</c> with a regression model: per target T, the prediction in a column named T
/// itself; with <c>--intervals confidence|prediction</c> followed by <c>T_se</c>, <c>T_lower</c>, <c>T_upper</c>, from
/// the covariance the model file carries (statsmodels' get_prediction().summary_frame(alpha = 1 − level): mean and
/// mean_se with mean_ci_* for confidence, se_obs with obs_ci_* for prediction).
/// </summary>
/// <remarks>
/// The output holds the predictions only (no input column is copied), so a target's name cannot clash with an input
/// column there; two generated names that coincide (targets y and y_se with --intervals) are refused rather than
/// written twice.
/// </remarks>
internal static class PredictionColumns
{
    /// <summary>The suffixes after the target's name, in column order, with --intervals.</summary>
    internal static readonly string[] Suffixes = ["", "_se", "_lower", "_upper"];

    /// <summary>The column names: each target's own name, with --intervals followed by its _se, _lower and _upper.</summary>
    /// <exception cref="LsgdException">Two names coincide.</exception>
    public static string[] Names(IReadOnlyList<string> targets, bool intervals)
    {
        var names = targets.SelectMany(t => intervals ? Suffixes.Select(s => t + s) : [t]).ToArray();
        if (names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } clash)
            throw new LsgdException($"The prediction columns would hold '{clash.Key}' twice (the targets are {string.Join(", ", targets.Select(t => $"'{t}'"))}{(intervals ? ", each followed by _se, _lower and _upper" : "")}). " +
                "Rename the clashing target column and refit, or predict without --intervals.");
        return names;
    }

    /// <summary>The column names and row-major values with intervals, or null without --intervals.</summary>
    public static (string[] Names, double[] Values)? Intervals(ModelFile file, string modelPath, Dataset rows, string? intervals, double level)
    {
        if (intervals is null) return null;
        if (!(level > 0 && level < 1))
            throw new LsgdException($"--level {ModelFile.FormatNumber(level)} is not allowed: it must be a number between 0 and 1 (exclusive). Use 0.95 for 95 % intervals, 0.9 for 90 %.");
        var covariance = file.Covariance ?? throw new LsgdException(
            $"{modelPath} has no covariance of its coefficients, so --intervals cannot be computed: it was written by an older lsgd, or by a fit without a least-squares report " +
            "(penalised, not converged or rank-deficient). Refit with 'lsgd fit DATA --target y --output MODEL.json' (no penalty), or predict without --intervals.");
        var kind = intervals == "prediction" ? IntervalKind.Prediction : IntervalKind.Confidence;
        var outputs = PredictionInference.Compute(file.Model, covariance, rows, kind, level);
        int n = rows.Rows, columns = outputs.Count * Suffixes.Length;
        var names = Names([.. outputs.Select(o => o.Target)], intervals: true);
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
