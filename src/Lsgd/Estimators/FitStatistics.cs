using System.Numerics.Tensors;
using Lsgd.Data;
using Lsgd.Internals;
using Lsgd.LinearAlgebra;
using Lsgd.Models;

namespace Lsgd.Estimators;

/// <summary>Goodness-of-fit numbers for one output of a fitted model on the data it was fitted on.</summary>
/// <param name="SumOfSquaredResiduals">SSE = Σ (y − ŷ)².</param>
/// <param name="RSquared">1 − SSE/Σ(y − ȳ)², or the uncentred 1 − SSE/Σy² for a model without intercept.</param>
/// <param name="RootMeanSquaredError">√(SSE/n).</param>
/// <param name="MeanAbsoluteError">Σ|y − ŷ|/n.</param>
/// <param name="ResidualStandardDeviation">√(SSE/(n − p)), p the parameter count per output; NaN when n = p.</param>
/// <param name="TotalSumOfSquares">SST, the denominator of R²: Σ(y − ȳ)², or Σy² for a model without intercept.</param>
public sealed record OutputStatistics(double SumOfSquaredResiduals, double RSquared, double RootMeanSquaredError,
    double MeanAbsoluteError, double ResidualStandardDeviation, double TotalSumOfSquares)
{
    /// <summary>The shape of the residuals in row order (for the report's normality and autocorrelation tests); null without rows.</summary>
    public ResidualSums? Residuals { get; init; }
}

/// <summary>Power sums of the residuals r = y − ŷ of one output, in row order, from the same pass as the fit statistics.</summary>
/// <param name="Sum">Σr.</param>
/// <param name="Cubes">Σr³.</param>
/// <param name="FourthPowers">Σr⁴.</param>
/// <param name="SquaredDifferences">Σₜ₌₂ⁿ (rₜ − rₜ₋₁)², the numerator of the Durbin–Watson statistic.</param>
/// <remarks>For weighted rows the sums are of the whitened residuals √w·r, as statsmodels' WLS computes its diagnostics.</remarks>
public sealed record ResidualSums(double Sum, double Cubes, double FourthPowers, double SquaredDifferences)
{
    /// <summary>Σ ln w over the rows of positive weight (0 without weights): the weights' term ½Σ ln w of the WLS log-likelihood.</summary>
    public double LogWeights { get; init; }
}

/// <summary>Computes <see cref="OutputStatistics"/> for each output of a model.</summary>
/// <remarks>
/// For weighted rows (weighted least squares) every sum is weighted as statsmodels' WLS weighs it: SSE = Σw(y − ŷ)²,
/// SST = Σw(y − ȳ_w)² with ȳ_w = Σwy/Σw (Σwy² without intercept), RMSE = √(SSE/Σw), MAE = Σw|y − ŷ|/Σw, and
/// σ̂ = √(SSE/(n − p)) with n the rows of positive weight.
/// </remarks>
public static class FitStatistics
{
    /// <summary>Rows per block of the residual pass (fixed, so the sums do not depend on the thread count).</summary>
    private const int BlockRows = 8192;

    /// <summary>Statistics of <paramref name="model"/> on <paramref name="data"/>, one entry per output.</summary>
    /// <remarks>
    /// One pass over the rows, in fixed blocks spread over the cores: each block forms its residuals
    /// r = y − ŷ and the centred targets y − ȳ, and sums Σr², Σ|r| and Σ(y − ȳ)² with compensated (Dot2)
    /// sums; the blocks' sums are then added in block order, also compensated. Float32 features are widened
    /// row by row, never copied whole.
    /// </remarks>
    public static IReadOnlyList<OutputStatistics> Compute(LinearModel model, Dataset data)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Features != model.Features)
            Throw.Data($"The model expects {model.Features} features ({string.Join(", ", model.FeatureNames)}) but the data has {data.Features}.");
        if (data.Outputs != model.Outputs)
            Throw.Data($"The model has {Throw.Plural(model.Outputs, "output")} but the data has {data.Outputs}.");
        int n = data.Rows, k = model.Outputs, d = model.Features;
        bool weighted = data.IsWeighted;
        double total = data.WeightSum;
        double logWeights = weighted ? LogWeights(data.Weights) : 0;
        var means = new double[k];
        for (int o = 0; o < k; o++)
            means[o] = !model.HasIntercept ? 0 : weighted ? WeightedMean(data.Y, o, k, data.Weights) : Accurate.SumStrided(data.Y, o, k, n) / n;
        int blocks = (n + BlockRows - 1) / BlockRows;
        // Per block and output: Σr², Σ|r|, Σ(y − ȳ)²; and Σr, Σr³, Σr⁴, Σ(Δr)² within the block, its first and last r.
        var sums = new double[blocks * k * 3];
        var shape = new double[blocks * k * Shape];
        Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = blocks > 1 ? Environment.ProcessorCount : 1 }, b =>
        {
            int start = b * BlockRows, rows = Math.Min(n, start + BlockRows) - start;
            // Row by row, every output's residual while the row is in L1 (one read of the block, not one per output).
            var r = new double[k * rows];
            var centred = new double[k * rows];
            for (int t = 0; t < rows; t++)
            {
                int i = start + t;
                for (int o = 0; o < k; o++)
                {
                    double fitted = data.Storage.Dot(i, model.Coefficients(o)) + model.Intercept(o);
                    double y = data.Y[i * k + o];
                    r[o * rows + t] = y - fitted;
                    centred[o * rows + t] = y - means[o];
                }
            }
            var rowWeights = weighted ? data.Weights.Slice(start, rows) : default;
            var weightedR = weighted ? new double[rows] : null;
            var weightedCentred = weighted ? new double[rows] : null;
            // The shape sums are of the whitened residuals √w·r, as statsmodels' WLS computes them on wresid.
            var rootWeights = weighted ? new double[rows] : null;
            if (weighted) TensorPrimitives.Sqrt(rowWeights, rootWeights);
            var whitened = weighted ? new double[rows] : null;
            for (int o = 0; o < k; o++)
            {
                var ro = r.AsSpan(o * rows, rows);
                var co = centred.AsSpan(o * rows, rows);
                ReadOnlySpan<double> wr = ro, wc = co, shapeOf = ro;
                if (weighted)
                {
                    TensorPrimitives.Multiply(ro, rowWeights, weightedR);
                    TensorPrimitives.Multiply(co, rowWeights, weightedCentred);
                    TensorPrimitives.Multiply(ro, rootWeights, whitened);
                    wr = weightedR;
                    wc = weightedCentred;
                    shapeOf = whitened;
                }
                int at = (b * k + o) * 3;
                sums[at] = Accurate.Dot(wr, ro);
                sums[at + 1] = TensorPrimitives.SumOfMagnitudes(wr);
                sums[at + 2] = Accurate.Dot(wc, co);
                ShapeOf(shapeOf, shape.AsSpan((b * k + o) * Shape, Shape));
            }
        });
        int p = model.Layout.BlockSize, observations = data.Observations;
        var result = new OutputStatistics[k];
        for (int o = 0; o < k; o++)
        {
            double sse = Accurate.SumStrided(sums, o * 3, k * 3, blocks);
            double abs = Accurate.SumStrided(sums, o * 3 + 1, k * 3, blocks);
            double sst = Accurate.SumStrided(sums, o * 3 + 2, k * 3, blocks);
            double r2 = sst > 0 ? 1 - sse / sst : (sse == 0 ? 1 : double.NaN);
            var sums4 = new double[4];
            double previous = double.NaN;
            for (int b = 0; b < blocks; b++)
            {
                var block = shape.AsSpan((b * k + o) * Shape, Shape);
                for (int m = 0; m < 4; m++) sums4[m] += block[m];
                if (b > 0) sums4[3] += (block[4] - previous) * (block[4] - previous);
                previous = block[5];
            }
            result[o] = new OutputStatistics(sse, r2, Math.Sqrt(sse / total), abs / total,
                observations > p ? Math.Sqrt(sse / (observations - p)) : double.NaN, sst)
            { Residuals = new ResidualSums(sums4[0], sums4[1], sums4[2], sums4[3]) { LogWeights = logWeights } };
        }
        return result;
    }

    /// <summary>Values per block and output kept by <see cref="ShapeOf"/>.</summary>
    private const int Shape = 6;

    /// <summary>Σr, Σr³, Σr⁴ and Σ(rₜ − rₜ₋₁)² of <paramref name="r"/>, then its first and last value.</summary>
    private static void ShapeOf(ReadOnlySpan<double> r, Span<double> into)
    {
        double sum = 0, sumC = 0, cubes = 0, cubesC = 0, fourth = 0, fourthC = 0, diff = 0, diffC = 0;
        for (int t = 0; t < r.Length; t++)
        {
            double v = r[t], v2 = v * v;
            Accurate.TwoSumInto(ref sum, ref sumC, v);
            Accurate.TwoSumInto(ref cubes, ref cubesC, v2 * v);
            Accurate.TwoSumInto(ref fourth, ref fourthC, v2 * v2);
            if (t > 0)
            {
                double dv = v - r[t - 1];
                Accurate.TwoSumInto(ref diff, ref diffC, dv * dv);
            }
        }
        into[0] = sum + sumC;
        into[1] = cubes + cubesC;
        into[2] = fourth + fourthC;
        into[3] = diff + diffC;
        into[4] = r.Length > 0 ? r[0] : 0;
        into[5] = r.Length > 0 ? r[^1] : 0;
    }

    /// <summary>Σ ln w over the positive weights (rows of weight 0 are left out, as R's lm leaves them out).</summary>
    private static double LogWeights(ReadOnlySpan<double> w)
    {
        double s = 0;
        foreach (double v in w)
            if (v > 0) s += Math.Log(v);
        return s;
    }

    /// <summary>Σwy/Σw of column <paramref name="o"/> of <paramref name="y"/> (k columns), compensated.</summary>
    private static double WeightedMean(ReadOnlySpan<double> y, int o, int k, ReadOnlySpan<double> w)
    {
        double s = 0, c = 0, ws = 0, wc = 0;
        for (int i = 0; i < w.Length; i++)
        {
            double v = y[i * k + o], prod = w[i] * v;
            c += Math.FusedMultiplyAdd(w[i], v, -prod);
            Accurate.TwoSumInto(ref s, ref c, prod);
            Accurate.TwoSumInto(ref ws, ref wc, w[i]);
        }
        return (s + c) / (ws + wc);
    }

    /// <summary>Statistics of <paramref name="model"/> over a source, in one pass (R² uses the source's statistics).</summary>
    public static IReadOnlyList<OutputStatistics> Compute(LinearModel model, IRowSource source, SufficientStatistics statistics, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(statistics);
        int k = model.Outputs, d = model.Features;
        // Compensated like the in-memory path: each chunk's Σr² by Dot2, the chunks' sums by TwoSum.
        var sse = new double[k];
        var sseError = new double[k];
        var abs = new double[k];
        var shape = new double[k * 4];
        var last = new double[k];
        Array.Fill(last, double.NaN);
        var block = new double[Shape];
        double[] r = [], rw = [], whitenedBuffer = [], rootWeights = [];
        double logWeights = 0;
        foreach (var chunk in source.ReadChunks(65536, cancellationToken))
        {
            if (chunk.W is not null) logWeights += LogWeights(chunk.W.AsSpan(0, chunk.Rows));
            if (r.Length < chunk.Rows) (r, rw, whitenedBuffer, rootWeights) = (new double[chunk.Rows], new double[chunk.Rows], new double[chunk.Rows], new double[chunk.Rows]);
            var residuals = r.AsSpan(0, chunk.Rows);
            var weighted = chunk.W is null ? residuals : rw.AsSpan(0, chunk.Rows);
            if (chunk.W is not null) TensorPrimitives.Sqrt(chunk.W.AsSpan(0, chunk.Rows), rootWeights.AsSpan(0, chunk.Rows));
            for (int o = 0; o < k; o++)
            {
                var w = model.Coefficients(o);
                double intercept = model.Intercept(o);
                for (int i = 0; i < residuals.Length; i++)
                    residuals[i] = chunk.Y[i * k + o] - (TensorPrimitives.Dot(chunk.X.AsSpan(i * d, d), w) + intercept);
                if (chunk.W is not null)
                    TensorPrimitives.Multiply(residuals, chunk.W.AsSpan(0, chunk.Rows), weighted);
                Accurate.TwoSumInto(ref sse[o], ref sseError[o], Accurate.Dot(weighted, residuals));
                abs[o] += TensorPrimitives.SumOfMagnitudes(weighted);
                var whitened = residuals;
                if (chunk.W is not null)
                {
                    whitened = whitenedBuffer.AsSpan(0, chunk.Rows);
                    TensorPrimitives.Multiply(residuals, rootWeights.AsSpan(0, chunk.Rows), whitened);
                }
                ShapeOf(whitened, block);
                for (int m = 0; m < 4; m++) shape[o * 4 + m] += block[m];
                if (whitened.Length > 0)
                {
                    if (!double.IsNaN(last[o])) shape[o * 4 + 3] += (block[4] - last[o]) * (block[4] - last[o]);
                    last[o] = block[5];
                }
            }
        }
        for (int o = 0; o < k; o++) sse[o] += sseError[o];
        double n = statistics.WeightSum, observations = statistics.Count;
        int p = model.Layout.BlockSize;
        var result = new OutputStatistics[k];
        for (int o = 0; o < k; o++)
        {
            double total = statistics.TargetScatter[o] + (model.HasIntercept ? 0 : n * statistics.TargetMeans[o] * statistics.TargetMeans[o]);
            double r2 = total > 0 ? 1 - sse[o] / total : (sse[o] == 0 ? 1 : double.NaN);
            result[o] = new OutputStatistics(sse[o], r2, Math.Sqrt(sse[o] / n), abs[o] / n, observations > p ? Math.Sqrt(sse[o] / (observations - p)) : double.NaN, total)
            { Residuals = new ResidualSums(shape[o * 4], shape[o * 4 + 1], shape[o * 4 + 2], shape[o * 4 + 3]) { LogWeights = logWeights } };
        }
        return result;
    }

    /// <summary>
    /// Statistics of <paramref name="model"/> from sufficient statistics alone (no pass over rows): SSE from the
    /// quadratic form Syy − 2wᵀSxy + wᵀSxx w + n·c² (accurate to about ε·Syy, so coarse when R² is within ε of 1);
    /// the mean absolute error needs the rows and is NaN.
    /// </summary>
    public static IReadOnlyList<OutputStatistics> Compute(LinearModel model, SufficientStatistics statistics)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(statistics);
        if (statistics.Features != model.Features || statistics.Outputs != model.Outputs)
            Throw.Data($"The model has {model.Features} features and {model.Outputs} outputs but the statistics have {statistics.Features} and {statistics.Outputs}.");
        int k = model.Outputs, bs = model.Layout.BlockSize, p = bs;
        double n = statistics.WeightSum, observations = statistics.Count;
        var result = new OutputStatistics[k];
        for (int o = 0; o < k; o++)
        {
            var block = model.Parameters.Slice(o * bs, bs).ToArray();
            var engine = new Engines.SufficientStatisticsEngine(statistics.ForOutput(o), model.HasIntercept);
            double sse = Math.Max(2 * engine.Evaluate(block, new double[bs]), 0);
            double total = statistics.TargetScatter[o] + (model.HasIntercept ? 0 : n * statistics.TargetMeans[o] * statistics.TargetMeans[o]);
            double r2 = total > 0 ? 1 - sse / total : (sse == 0 ? 1 : double.NaN);
            result[o] = new OutputStatistics(sse, r2, Math.Sqrt(sse / n), double.NaN, observations > p ? Math.Sqrt(sse / (observations - p)) : double.NaN, total);
        }
        return result;
    }
}
