namespace Lsgd.Data;

/// <summary>An in-memory <see cref="Dataset"/> seen as an <see cref="IRowSource"/> (for tests and uniform code paths); its weights, if any, come with the chunks.</summary>
public sealed class DatasetRowSource(Dataset data) : IRowSource
{
    private readonly Dataset _data = data ?? throw new ArgumentNullException(nameof(data));

    /// <inheritdoc />
    public int Features => _data.Features;

    /// <inheritdoc />
    public int Outputs => _data.Outputs;

    /// <inheritdoc />
    public IReadOnlyList<string> FeatureNames => _data.FeatureNames;

    /// <inheritdoc />
    public IReadOnlyList<string> TargetNames => _data.TargetNames;

    /// <inheritdoc />
    public long? RowCount => _data.Rows;

    /// <inheritdoc />
    public IEnumerable<RowChunk> ReadChunks(int chunkRows, CancellationToken cancellationToken = default)
    {
        Internals.Check.AtLeast(chunkRows, 1, nameof(chunkRows), "Try 4096.");
        int d = _data.Features, k = _data.Outputs;
        for (int start = 0; start < _data.Rows; start += chunkRows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int rows = Math.Min(chunkRows, _data.Rows - start);
            var x = new double[rows * d];
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < d; j++) x[i * d + j] = _data.Feature(start + i, j);
            var y = _data.Y.Slice(start * k, rows * k).ToArray();
            var w = _data.IsWeighted ? _data.Weights.Slice(start, rows).ToArray() : null;
            yield return new RowChunk(x, y, rows, start, w);
        }
    }
}
