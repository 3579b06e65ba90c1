using Lsgd.Data;

namespace Lsgd.IO;

/// <summary>
/// The same pair of .npy files as <see cref="NpyDataset"/>, read in chunks of rows for data larger than
/// memory: each chunk is read in one block per file into arrays reused from chunk to chunk (float32 values
/// widened to double), so a pass holds one chunk of each file and a staging block at most.
/// </summary>
public sealed class NpyRowSource : IRandomAccessRowSource
{
    /// <summary>Reads and checks both headers (the values are read by <see cref="ReadChunks(int, CancellationToken)"/>).</summary>
    /// <param name="featuresPath">The .npy file of features, shape (n, d) or (n,).</param>
    /// <param name="targetsPath">The .npy file of targets, shape (n,) or (n, k).</param>
    /// <param name="weightsPath">A .npy file of row weights, shape (n,), for weighted least squares (chunks carry them), or null.</param>
    /// <exception cref="LsgdException">A bad file (see <see cref="NpyFile.ReadHeader(string)"/>) or different row counts.</exception>
    public NpyRowSource(string featuresPath, string targetsPath, string? weightsPath = null)
    {
        (FeaturesFile, TargetsFile) = NpyDataset.ReadHeaders(featuresPath, targetsPath);
        WeightsFile = weightsPath is null ? null : NpyDataset.ReadWeightsHeader(weightsPath, FeaturesFile);
        FeatureNames = NpyDataset.FeatureNames(FeaturesFile.Columns);
        TargetNames = NpyDataset.TargetNames(TargetsFile.Columns);
    }

    /// <summary>The header of the features file.</summary>
    public NpyHeader FeaturesFile { get; }

    /// <summary>The header of the targets file.</summary>
    public NpyHeader TargetsFile { get; }

    /// <summary>The header of the weights file, or null for unweighted rows.</summary>
    public NpyHeader? WeightsFile { get; }

    /// <inheritdoc />
    public int Features => FeaturesFile.Columns;

    /// <inheritdoc />
    public int Outputs => TargetsFile.Columns;

    /// <inheritdoc />
    public IReadOnlyList<string> FeatureNames { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> TargetNames { get; }

    /// <summary>n, from the headers.</summary>
    public long? RowCount => FeaturesFile.Rows;

    /// <inheritdoc />
    /// <exception cref="LsgdException">A value is NaN or infinite (named by file, row and column), or a file was cut short since it was opened.</exception>
    public IEnumerable<RowChunk> ReadChunks(int chunkRows, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkRows, 1);
        return Pass(chunkRows, cancellationToken);
    }

    /// <inheritdoc />
    /// <exception cref="LsgdException">A value is NaN or infinite, or a file was cut short since it was opened.</exception>
    public IEnumerable<RowChunk> ReadChunks(int chunkRows, IReadOnlyList<int> chunkOrder, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkRows, 1);
        ArgumentNullException.ThrowIfNull(chunkOrder);
        long chunks = (FeaturesFile.Rows + chunkRows - 1) / chunkRows;
        foreach (int c in chunkOrder)
            if (c < 0 || c >= chunks)
                throw new ArgumentOutOfRangeException(nameof(chunkOrder), c, $"Chunk indices must be in [0, {chunks}).");
        return OrderedPass(chunkRows, chunkOrder, cancellationToken);
    }

    private IEnumerable<RowChunk> OrderedPass(int chunkRows, IReadOnlyList<int> order, CancellationToken cancellationToken)
    {
        int d = Features, k = Outputs;
        long n = FeaturesFile.Rows;
        var x = new double[(int)Math.Min(chunkRows, n) * d];
        var y = new double[(int)Math.Min(chunkRows, n) * k];
        var w = WeightsFile is null ? null : new double[(int)Math.Min(chunkRows, n)];
        using var features = new NpyValueReader(FeaturesFile);
        using var targets = new NpyValueReader(TargetsFile);
        using var weights = WeightsFile is null ? null : new NpyValueReader(WeightsFile);
        foreach (int c in order)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long first = (long)c * chunkRows;
            int rows = (int)Math.Min(chunkRows, n - first);
            features.Seek(first * d);
            targets.Seek(first * k);
            features.Read(x.AsSpan(0, rows * d));
            targets.Read(y.AsSpan(0, rows * k));
            ReadWeights(weights, w, first, rows);
            yield return new RowChunk(x, y, rows, first, w);
        }
    }

    private IEnumerable<RowChunk> Pass(int chunkRows, CancellationToken cancellationToken)
    {
        int d = Features, k = Outputs;
        long n = FeaturesFile.Rows;
        int size = (int)Math.Min(Math.Min(chunkRows, n), Array.MaxLength / Math.Max(d, k));
        var x = new double[size * d];
        var y = new double[size * k];
        var w = WeightsFile is null ? null : new double[size];
        using var features = new NpyValueReader(FeaturesFile);
        using var targets = new NpyValueReader(TargetsFile);
        using var weights = WeightsFile is null ? null : new NpyValueReader(WeightsFile);
        for (long first = 0; first < n; first += size)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int rows = (int)Math.Min(size, n - first);
            features.Read(x.AsSpan(0, rows * d));
            targets.Read(y.AsSpan(0, rows * k));
            ReadWeights(weights, w, first, rows);
            yield return new RowChunk(x, y, rows, first, w);
        }
    }

    /// <summary>Reads and checks the weights of rows [first, first + rows) when there is a weights file.</summary>
    private void ReadWeights(NpyValueReader? weights, double[]? w, long first, int rows)
    {
        if (weights is null || w is null) return;
        weights.Seek(first);
        weights.Read(w.AsSpan(0, rows));
        NpyDataset.CheckWeights(WeightsFile!.Path, w.AsSpan(0, rows), first);
    }
}
