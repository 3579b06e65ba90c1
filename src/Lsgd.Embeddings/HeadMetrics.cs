using Lsgd.Applications.Classification;

namespace Lsgd.Embeddings;

/// <summary>
/// How well a head's predictions match the truth on one set of rows. Classification fills
/// <see cref="Accuracy"/>; regression fills R², RMSE, MAE and, for targets of both signs, the sign accuracy.
/// </summary>
public sealed record HeadMetrics
{
    /// <summary>Rows evaluated.</summary>
    public int Rows { get; init; }

    /// <summary>Share of rows whose predicted class is the true one (classification).</summary>
    public double? Accuracy { get; init; }

    /// <summary>1 − SSE / Σ(y − ȳ)² with ȳ the mean of these rows (regression). Not to be confused with the training R².</summary>
    public double? RSquared { get; init; }

    /// <summary>√(SSE / n) (regression).</summary>
    public double? RootMeanSquaredError { get; init; }

    /// <summary>Mean |y − ŷ| (regression).</summary>
    public double? MeanAbsoluteError { get; init; }

    /// <summary>Among rows with y ≠ 0, the share whose prediction has the sign of y (regression on a target of both signs, e.g. valence).</summary>
    public double? SignAccuracy { get; init; }

    /// <summary>The accuracy of a classifier's predictions, as <paramref name="report"/> counted them.</summary>
    public static HeadMetrics ForClassification(ClassificationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new HeadMetrics { Rows = report.Count, Accuracy = report.Accuracy };
    }

    /// <summary>
    /// How well n × k <paramref name="scores"/> (a head's outputs for <paramref name="rows"/>) predict
    /// <paramref name="target"/> there: the accuracy of the class of the largest score, or the regression metrics.
    /// </summary>
    internal static HeadMetrics Measure(HeadTarget target, IReadOnlyList<int> rows, double[] scores) => target.Task == HeadTask.Classification
        ? ForClassification(ClassificationReport.Compute(target.Classes, [.. rows.Select(i => target.ClassIndex![i])], ClassLabels.DecodeScores(scores, target.Classes.Count)))
        : ForRegression([.. rows.Select(i => target.Values![i])], scores);

    /// <summary>R², RMSE, MAE and sign accuracy of predicted values.</summary>
    public static HeadMetrics ForRegression(ReadOnlySpan<double> actual, ReadOnlySpan<double> predicted)
    {
        if (actual.Length != predicted.Length) throw new ArgumentException("One prediction per row is needed.", nameof(predicted));
        int n = actual.Length;
        double mean = 0;
        for (int i = 0; i < n; i++) mean += actual[i];
        mean /= Math.Max(n, 1);
        double sse = 0, sst = 0, sae = 0;
        int signed = 0, signRight = 0;
        bool negative = false, positive = false;
        for (int i = 0; i < n; i++)
        {
            double r = actual[i] - predicted[i];
            sse += r * r;
            sae += Math.Abs(r);
            sst += (actual[i] - mean) * (actual[i] - mean);
            if (actual[i] != 0)
            {
                signed++;
                negative |= actual[i] < 0;
                positive |= actual[i] > 0;
                if (Math.Sign(actual[i]) == Math.Sign(predicted[i])) signRight++;
            }
        }
        return new HeadMetrics
        {
            Rows = n,
            RSquared = sst > 0 ? 1 - sse / sst : double.NaN,
            RootMeanSquaredError = Math.Sqrt(sse / Math.Max(n, 1)),
            MeanAbsoluteError = sae / Math.Max(n, 1),
            SignAccuracy = negative && positive ? (double)signRight / signed : null,
        };
    }
}
