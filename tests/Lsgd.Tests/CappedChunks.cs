using Lsgd.Data;

namespace Lsgd.Tests;

/// <summary>
/// A source that hands out at most <paramref name="cap"/> rows per chunk, so sums and statistics must carry across
/// chunk boundaries (the streamed path's merges are then exercised on small data).
/// </summary>
internal sealed class CappedChunks(IRowSource inner, int cap) : IRowSource
{
    /// <summary>The rows of <paramref name="data"/>, at most <paramref name="cap"/> per chunk.</summary>
    public CappedChunks(Dataset data, int cap) : this(new DatasetRowSource(data), cap) { }

    public int Features => inner.Features;
    public int Outputs => inner.Outputs;
    public IReadOnlyList<string> FeatureNames => inner.FeatureNames;
    public IReadOnlyList<string> TargetNames => inner.TargetNames;
    public long? RowCount => inner.RowCount;

    public IEnumerable<RowChunk> ReadChunks(int chunkRows, CancellationToken cancellationToken = default) =>
        inner.ReadChunks(Math.Min(chunkRows, cap), cancellationToken);
}
