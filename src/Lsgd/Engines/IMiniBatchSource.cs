using Lsgd.Data;
using Lsgd.Models;

namespace Lsgd.Engines;

/// <summary>
/// Mini-batches of rows held elsewhere — shards read by other processes or machines — for a fit from their merged
/// <see cref="SufficientStatistics"/>: full-batch evaluations come from the statistics, mini-batches from here
/// (<see cref="Estimators.LinearRegressor.Fit(SufficientStatistics, IMiniBatchSource, IProgress{Training.TrainingProgress}?, CancellationToken)"/>).
/// </summary>
public interface IMiniBatchSource
{
    /// <summary>
    /// One epoch of seeded mini-batches: every row once, in batches of about <paramref name="batchSize"/> rows, each
    /// evaluated (sum form, <see cref="IMiniBatch.Evaluate"/>) on rows standardised by <paramref name="standardizer"/>.
    /// The same seed gives the same batches and the same bits.
    /// </summary>
    /// <param name="layout">The parameter layout θ has.</param>
    /// <param name="standardizer">Applied to every row's features as (x − mean) / scale; null: the rows as they are.</param>
    /// <param name="batchSize">Rows per batch (about).</param>
    /// <param name="seed">Seed of this epoch's order.</param>
    IEnumerable<IMiniBatch> Batches(ParameterLayout layout, Standardizer? standardizer, int batchSize, int seed);
}

/// <summary>The row sums every engine of this library computes, for mini-batch sources outside it (cluster workers).</summary>
public static class MiniBatchRows
{
    /// <summary>
    /// Adds −Σ rᵢ·[xᵢ, 1] over <paramref name="rows"/> (in that order) into <paramref name="gradient"/> and returns
    /// Σ ‖rᵢ‖² (twice the sum-form loss), with rᵢ = yᵢ − Wᵀxᵢ − b evaluated as the engines evaluate it.
    /// </summary>
    /// <param name="layout">The parameter layout.</param>
    /// <param name="theta">Parameters.</param>
    /// <param name="gradient">Receives the gradient sum (added to, not cleared).</param>
    /// <param name="x">Features, row-major (layout.Features per row).</param>
    /// <param name="y">Targets, row-major (layout.Outputs per row).</param>
    /// <param name="rows">Indices of the rows to sum over.</param>
    public static double Accumulate(ParameterLayout layout, ReadOnlySpan<double> theta, Span<double> gradient,
        ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<int> rows)
    {
        int d = layout.Features, k = layout.Outputs;
        double sumSq = 0;
        foreach (int i in rows)
            sumSq += RowMath.Accumulate(layout, theta, gradient, x.Slice(i * d, d), y.Slice(i * k, k), withTargets: true);
        return sumSq;
    }
}

/// <summary>Full-batch evaluations from statistics, mini-batches from an <see cref="IMiniBatchSource"/> (rows held elsewhere).</summary>
internal sealed class StatisticsAndBatchesEngine(SufficientStatisticsEngine statistics, IMiniBatchSource source, Standardizer? standardizer) : IGradientEngine
{
    public ParameterLayout Layout => statistics.Layout;

    public long Rows => statistics.Rows;

    public double WeightSum => statistics.WeightSum;

    public bool ReadsData => false;

    public bool HasMiniBatches => true;

    public double Evaluate(ReadOnlySpan<double> theta, Span<double> gradient) => statistics.Evaluate(theta, gradient);

    public IEnumerable<IMiniBatch> Batches(int batchSize, int seed) => source.Batches(Layout, standardizer, batchSize, seed);

    public void HessianVector(ReadOnlySpan<double> v, Span<double> result) => statistics.HessianVector(v, result);
}
