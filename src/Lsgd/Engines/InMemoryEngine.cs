using System.Numerics.Tensors;
using Lsgd.Data;
using Lsgd.Internals;
using Lsgd.Models;

namespace Lsgd.Engines;

/// <summary>
/// Loss and gradient over rows held in memory: one fused pass computes each residual and adds its
/// contribution to the gradient, vectorised with <see cref="TensorPrimitives"/> and split across cores. Rows of a
/// weighted <see cref="Dataset"/> count with their weights.
/// </summary>
/// <remarks>
/// Rows are cut into fixed blocks of <see cref="BlockRows"/>; each block sums into its own buffer and
/// the buffers are added in block order, so the result is bit-identical for any thread count.
/// </remarks>
public sealed class InMemoryEngine : IGradientEngine
{
    /// <summary>Rows per block. Fixed (not derived from the thread count) so sums are reproducible.</summary>
    internal const int BlockRows = 4096;

    /// <summary>Rows × parameters below which a pass stays on one thread (starting threads would cost more).</summary>
    private const long ParallelWork = 200_000;

    private readonly Dataset _data;
    private readonly int _blocks;
    private readonly double[] _partialGradients;
    private readonly double[] _partialLosses;
    private readonly int _maxThreads;
    private readonly int _blockRows;
    private readonly long _parallelWork;

    /// <summary>Creates an engine over <paramref name="data"/>.</summary>
    /// <param name="data">The rows; not copied.</param>
    /// <param name="fitIntercept">Whether θ carries an intercept per output.</param>
    /// <param name="maxThreads">Upper bound on threads (≥ 1); <c>null</c> uses every core.</param>
    public InMemoryEngine(Dataset data, bool fitIntercept, int? maxThreads = null)
        : this(data, fitIntercept, maxThreads, BlockRows, ParallelWork)
    {
    }

    /// <summary>
    /// As the public constructor, with the block size and the work (rows × parameters) from which a pass runs
    /// on several threads given explicitly, so tests can split a few rows across threads.
    /// </summary>
    internal InMemoryEngine(Dataset data, bool fitIntercept, int? maxThreads, int blockRows, long parallelWork)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (maxThreads is { } m)
            Check.AtLeast(m, 1, "MaxThreads", "Use 1 for a single thread, or leave it unset to use every core.");
        _data = data;
        _blockRows = blockRows;
        _parallelWork = parallelWork;
        Layout = new ParameterLayout(data.Features, data.Outputs, fitIntercept);
        _blocks = (data.Rows + blockRows - 1) / blockRows;
        _partialGradients = _blocks > 1 ? new double[_blocks * Layout.Count] : [];
        _partialLosses = new double[_blocks];
        _maxThreads = maxThreads ?? Environment.ProcessorCount;
    }

    /// <inheritdoc />
    public ParameterLayout Layout { get; }

    /// <inheritdoc />
    public long Rows => _data.Rows;

    /// <inheritdoc />
    public double WeightSum => _data.WeightSum;

    /// <inheritdoc />
    public double Evaluate(ReadOnlySpan<double> theta, Span<double> gradient) => Pass(theta, gradient, withTargets: true);

    /// <inheritdoc />
    public void HessianVector(ReadOnlySpan<double> v, Span<double> result) => Pass(v, result, withTargets: false);

    /// <inheritdoc />
    public IEnumerable<IMiniBatch> Batches(int batchSize, int seed)
    {
        Check.AtLeast(batchSize, 1, "BatchSize", "Try 32.");
        var order = new int[_data.Rows];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        new Random(seed).Shuffle(order);
        for (int s = 0; s < order.Length; s += batchSize)
            yield return new RowBatch(this, order, s, Math.Min(batchSize, order.Length - s));
    }

    private sealed class RowBatch(InMemoryEngine engine, int[] order, int start, int count) : IMiniBatch
    {
        public int Rows => count;

        public double Evaluate(ReadOnlySpan<double> theta, Span<double> gradient)
        {
            engine.CheckLengths(theta, gradient);
            gradient.Clear();
            double sumSq = 0;
            foreach (int i in order.AsSpan(start, count))
                sumSq += engine.AccumulateRow(theta, gradient, i, withTargets: true);
            return 0.5 * sumSq;
        }
    }

    private void CheckLengths(ReadOnlySpan<double> theta, Span<double> gradient)
    {
        int p = Layout.Count;
        if (theta.Length != p)
            Throw.Length(nameof(theta), theta.Length, p, "the model's parameter count");
        if (gradient.Length != p)
            Throw.Length(nameof(gradient), gradient.Length, p, "the model's parameter count");
    }

    /// <summary>One pass over all rows; without targets it computes DᵀD·θ instead of the gradient.</summary>
    private double Pass(ReadOnlySpan<double> theta, Span<double> gradient, bool withTargets)
    {
        CheckLengths(theta, gradient);
        int p = Layout.Count;
        if (_blocks == 1)
        {
            gradient.Clear();
            return AccumulateBlock(theta, gradient, 0, _data.Rows, withTargets);
        }

        double[] thetaCopy = theta.ToArray();
        long work = (long)_data.Rows * p;
        int threads = work < _parallelWork ? 1 : Math.Min(_maxThreads, _blocks);
        if (threads == 1)
        {
            for (int blk = 0; blk < _blocks; blk++)
                RunBlock(thetaCopy, blk, withTargets);
        }
        else
        {
            Parallel.For(0, _blocks, new ParallelOptions { MaxDegreeOfParallelism = threads },
                blk => RunBlock(thetaCopy, blk, withTargets));
        }

        gradient.Clear();
        double loss = 0;
        for (int blk = 0; blk < _blocks; blk++)
        {
            loss += _partialLosses[blk];
            TensorPrimitives.Add(gradient, _partialGradients.AsSpan(blk * p, p), gradient);
        }
        return loss;
    }

    private void RunBlock(double[] theta, int block, bool withTargets)
    {
        int p = Layout.Count;
        var g = _partialGradients.AsSpan(block * p, p);
        g.Clear();
        int start = block * _blockRows;
        int end = Math.Min(start + _blockRows, _data.Rows);
        _partialLosses[block] = AccumulateBlock(theta, g, start, end, withTargets);
    }

    /// <summary>Adds rows [start, end) into <paramref name="g"/> and returns their ½ Σ r².</summary>
    private double AccumulateBlock(ReadOnlySpan<double> theta, Span<double> g, int start, int end, bool withTargets)
    {
        int d = Layout.Features, k = Layout.Outputs, rows = end - start;
        var y = _data.Y.Slice(start * k, rows * k);
        var w = _data.IsWeighted ? _data.Weights.Slice(start, rows) : default;
        return 0.5 * (_data.IsSinglePrecision
            ? RowMath.AccumulateRows(Layout, theta, g, _data.XSingle.Slice(start * d, rows * d), y, w, rows, withTargets)
            : RowMath.AccumulateRows(Layout, theta, g, _data.X.Slice(start * d, rows * d), y, w, rows, withTargets));
    }

    /// <summary>Adds row i's gradient into <paramref name="g"/> and returns r² (see <see cref="RowMath"/>).</summary>
    private double AccumulateRow(ReadOnlySpan<double> theta, Span<double> g, int i, bool withTargets) =>
        _data.IsSinglePrecision
            ? RowMath.Accumulate(Layout, theta, g, _data.FeatureRowSingle(i), _data.TargetRow(i), withTargets, _data.Weight(i))
            : RowMath.Accumulate(Layout, theta, g, _data.FeatureRow(i), _data.TargetRow(i), withTargets, _data.Weight(i));
}
