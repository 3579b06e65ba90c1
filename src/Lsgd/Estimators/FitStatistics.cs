using Lsgd.Data;
using Lsgd.Internals;
using Lsgd.Models;

namespace Lsgd.Estimators;

/// <summary>Goodness-of-fit numbers for one output of a fitted model on the data it was fitted on.</summary>
/// <param name="SumOfSquaredResiduals">SSE = Σ (y − ŷ)².</param>
/// <param name="RSquared">1 − SSE/Σ(y − ȳ)², or the uncentred 1 − SSE/Σy² for a model without intercept.</param>
/// <param name="RootMeanSquaredError">√(SSE/n).</param>
/// <param name="MeanAbsoluteError">Σ|y − ŷ|/n.</param>
/// <param name="ResidualStandardDeviation">√(SSE/(n − p)), p the parameter count per output; NaN when n = p.</param>
public sealed record OutputStatistics(double SumOfSquaredResiduals, double RSquared, double RootMeanSquaredError,
    double MeanAbsoluteError, double ResidualStandardDeviation);

/// <summary>Computes <see cref="OutputStatistics"/> for each output of a model.</summary>
public static class FitStatistics
{
    /// <summary>Statistics of <paramref name="model"/> on <paramref name="data"/>, one entry per output.</summary>
    public static IReadOnlyList<OutputStatistics> Compute(LinearModel model, Dataset data)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        int n = data.Rows, k = model.Outputs;
        if (data.IsSinglePrecision) data = data.ToDoublePrecision();
        var predictions = model.Predict(data);
        int p = model.Layout.BlockSize;
        var result = new OutputStatistics[k];
        var r = new double[n];
        var y = new double[n];
        for (int o = 0; o < k; o++)
        {
            double abs = 0;
            for (int i = 0; i < n; i++)
            {
                y[i] = data.Y[i * k + o];
                r[i] = y[i] - predictions[i * k + o];
                abs += Math.Abs(r[i]);
            }
            double sse = Accurate.Dot(r, r);
            double total;
            if (model.HasIntercept)
            {
                double mean = Accurate.Sum(y) / n;
                for (int i = 0; i < n; i++) y[i] -= mean;
            }
            total = Accurate.Dot(y, y);
            double r2 = total > 0 ? 1 - sse / total : (sse == 0 ? 1 : double.NaN);
            result[o] = new OutputStatistics(sse, r2, Math.Sqrt(sse / n), abs / n,
                n > p ? Math.Sqrt(sse / (n - p)) : double.NaN);
        }
        return result;
    }

    /// <summary>Statistics of <paramref name="model"/> over a source, in one pass (R² uses the source's statistics).</summary>
    public static IReadOnlyList<OutputStatistics> Compute(LinearModel model, IRowSource source, SufficientStatistics statistics, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(statistics);
        int k = model.Outputs, d = model.Features;
        var sse = new double[k];
        var abs = new double[k];
        var prediction = new double[k];
        foreach (var chunk in source.ReadChunks(65536, cancellationToken))
            for (int i = 0; i < chunk.Rows; i++)
            {
                model.Predict(chunk.X.AsSpan(i * d, d), prediction);
                for (int o = 0; o < k; o++)
                {
                    double r = chunk.Y[i * k + o] - prediction[o];
                    sse[o] += r * r;
                    abs[o] += Math.Abs(r);
                }
            }
        double n = statistics.Count;
        int p = model.Layout.BlockSize;
        var result = new OutputStatistics[k];
        for (int o = 0; o < k; o++)
        {
            double total = statistics.TargetScatter[o] + (model.HasIntercept ? 0 : n * statistics.TargetMeans[o] * statistics.TargetMeans[o]);
            double r2 = total > 0 ? 1 - sse[o] / total : (sse[o] == 0 ? 1 : double.NaN);
            result[o] = new OutputStatistics(sse[o], r2, Math.Sqrt(sse[o] / n), abs[o] / n, n > p ? Math.Sqrt(sse[o] / (n - p)) : double.NaN);
        }
        return result;
    }
}
