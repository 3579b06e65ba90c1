using Lsgd.Data;
using Lsgd.Internals;
using Lsgd.Models;

namespace Lsgd.Engines;

/// <summary>
/// Loss and gradient over rows streamed from a source larger than memory: each evaluation is one pass over
/// the chunks, with memory bounded by a few chunks. Features can be standardised on the fly.
/// </summary>
/// <remarks>
/// Weighted chunks (<see cref="RowChunk.W"/>) count each row with its weight. Chunks are summed in file order, so results are reproducible. Mini-batches come from one chunk at a time,
/// its rows shuffled with the seed; sources that can be read from any row (<see cref="IRandomAccessRowSource"/>,
/// such as .npy and Parquet files) also have their chunks visited in a seeded order (a CSV file is read front to back). For full-batch methods the
/// <see cref="SufficientStatisticsEngine"/> needs a single pass in all; this engine suits mini-batch methods
/// and features too many for a d × d matrix.
/// </remarks>
public sealed class StreamingEngine : IGradientEngine
{
    private readonly IRowSource _source;
    private readonly Standardizer? _standardizer;
    private readonly int _chunkRows;
    private readonly CancellationToken _cancel;

    /// <summary>Creates the engine.</summary>
    /// <param name="source">The rows.</param>
    /// <param name="fitIntercept">Whether θ has an intercept per output.</param>
    /// <param name="rows">n, every row of the source (from a first pass).</param>
    /// <param name="standardizer">Applied to every chunk's features as they arrive (optional).</param>
    /// <param name="chunkRows">Rows per chunk read.</param>
    /// <param name="weightSum">Σw of weighted rows (<see cref="SufficientStatistics.WeightSum"/>); null for unweighted rows (then n).</param>
    /// <param name="cancellationToken">Stops a pass in progress.</param>
    public StreamingEngine(IRowSource source, bool fitIntercept, long rows, Standardizer? standardizer = null,
        int chunkRows = 65536, double? weightSum = null, CancellationToken cancellationToken = default)
    {
        WeightSum = weightSum ?? rows;
        ArgumentNullException.ThrowIfNull(source);
        _source = source;
        _standardizer = standardizer;
        _chunkRows = Check.AtLeast(chunkRows, 1, "ChunkRows", "Try 65536.");
        _cancel = cancellationToken;
        Layout = new ParameterLayout(source.Features, source.Outputs, fitIntercept);
        Rows = rows;
    }

    /// <inheritdoc />
    public ParameterLayout Layout { get; }

    /// <inheritdoc />
    public long Rows { get; }

    /// <inheritdoc />
    public double WeightSum { get; }

    /// <inheritdoc />
    public double Evaluate(ReadOnlySpan<double> theta, Span<double> gradient) => Pass(theta, gradient, withTargets: true);

    /// <inheritdoc />
    public void HessianVector(ReadOnlySpan<double> v, Span<double> result) => Pass(v, result, withTargets: false);

    private double Pass(ReadOnlySpan<double> theta, Span<double> gradient, bool withTargets)
    {
        int p = Layout.Count;
        if (theta.Length != p) Throw.Length(nameof(theta), theta.Length, p, "the model's parameter count");
        if (gradient.Length != p) Throw.Length(nameof(gradient), gradient.Length, p, "the model's parameter count");
        gradient.Clear();
        var t = theta.ToArray();
        double sumSq = 0;
        int d = Layout.Features, k = Layout.Outputs;
        foreach (var chunk in _source.ReadChunks(_chunkRows, _cancel))
        {
            var x = Prepare(chunk);
            var w = chunk.W;
            for (int i = 0; i < chunk.Rows; i++)
                sumSq += RowMath.Accumulate(Layout, t, gradient, x.Slice(i * d, d), chunk.Y.AsSpan(i * k, k), withTargets, w is null ? 1.0 : w[i]);
        }
        return 0.5 * sumSq;
    }

    /// <inheritdoc />
    public IEnumerable<IMiniBatch> Batches(int batchSize, int seed)
    {
        Check.AtLeast(batchSize, 1, "BatchSize", "Try 32.");
        var rng = new Random(seed);
        int d = Layout.Features, k = Layout.Outputs;
        IEnumerable<RowChunk> chunks;
        if (_source is IRandomAccessRowSource randomAccess && _source.RowCount is long n)
        {
            // A file that can be read from any row: visit its chunks in a seeded random order too.
            var order = new int[(int)((n + _chunkRows - 1) / _chunkRows)];
            for (int c = 0; c < order.Length; c++) order[c] = c;
            rng.Shuffle(order);
            chunks = randomAccess.ReadChunks(_chunkRows, order, _cancel);
        }
        else
        {
            chunks = _source.ReadChunks(_chunkRows, _cancel);
        }
        foreach (var chunk in chunks)
        {
            // The source may reuse its arrays: keep a copy of this chunk while its batches are used.
            var x = Prepare(chunk).ToArray();
            var y = chunk.Y.AsSpan(0, chunk.Rows * k).ToArray();
            var w = chunk.W?.AsSpan(0, chunk.Rows).ToArray();
            var order = new int[chunk.Rows];
            for (int i = 0; i < order.Length; i++) order[i] = i;
            rng.Shuffle(order);
            for (int s = 0; s < order.Length; s += batchSize)
                yield return new ChunkBatch(Layout, x, y, w, order, s, Math.Min(batchSize, order.Length - s));
        }
    }

    private double[] _standardized = [];

    /// <summary>The chunk's features, standardised into a buffer of the engine's own (the source's arrays are read only).</summary>
    private ReadOnlySpan<double> Prepare(RowChunk chunk)
    {
        int d = Layout.Features;
        int count = chunk.Rows * d;
        if (_standardizer is null) return chunk.X.AsSpan(0, count);
        if (_standardized.Length < count) _standardized = new double[count];
        for (int i = 0; i < chunk.Rows; i++)
            for (int j = 0; j < d; j++)
                _standardized[i * d + j] = (chunk.X[i * d + j] - _standardizer.Means[j]) / _standardizer.Scales[j];
        return _standardized.AsSpan(0, count);
    }

    private sealed class ChunkBatch(ParameterLayout layout, double[] x, double[] y, double[]? w, int[] order, int start, int count) : IMiniBatch
    {
        public int Rows => count;

        public double Evaluate(ReadOnlySpan<double> theta, Span<double> gradient)
        {
            gradient.Clear();
            int d = layout.Features, k = layout.Outputs;
            double sumSq = 0;
            foreach (int i in order.AsSpan(start, count))
                sumSq += RowMath.Accumulate(layout, theta, gradient, x.AsSpan(i * d, d), y.AsSpan(i * k, k), withTargets: true, w is null ? 1.0 : w[i]);
            return 0.5 * sumSq;
        }
    }
}
