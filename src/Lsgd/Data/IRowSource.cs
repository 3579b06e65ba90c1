namespace Lsgd.Data;

/// <summary>
/// A block of consecutive rows read from a source: features row-major (Rows × d) and targets (Rows × k), in
/// double whatever the stored precision. The arrays may be longer than needed and may be reused by the
/// source for the next chunk, so a consumer copies what it keeps.
/// </summary>
/// <param name="X">Features, row-major; the first Rows·d values are valid.</param>
/// <param name="Y">Targets, row-major; the first Rows·k values are valid.</param>
/// <param name="Rows">Number of valid rows.</param>
/// <param name="FirstRow">0-based index of the chunk's first row in the source.</param>
/// <param name="W">
/// The rows' weights for weighted least squares (the first Rows values are valid; each finite and ≥ 0), or null
/// for unweighted rows (every weight 1).
/// </param>
public sealed record RowChunk(double[] X, double[] Y, int Rows, long FirstRow, double[]? W = null);

/// <summary>
/// Rows that may not fit in memory, read front to back in chunks: a CSV, .npy or Parquet file, or a
/// <see cref="Dataset"/>. Every call of <see cref="ReadChunks"/> starts a new pass from the first row.
/// </summary>
/// <remarks>
/// Sources validate as they read (a bad cell names its file, line and column) and never hold more than a few
/// chunks. Formats live in Lsgd.IO; the core sees only this interface.
/// </remarks>
public interface IRowSource
{
    /// <summary>d, features per row.</summary>
    int Features { get; }

    /// <summary>k, targets per row.</summary>
    int Outputs { get; }

    /// <summary>Names of the d features.</summary>
    IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Names of the k targets.</summary>
    IReadOnlyList<string> TargetNames { get; }

    /// <summary>The number of rows when known without reading everything (null otherwise).</summary>
    long? RowCount { get; }

    /// <summary>Reads all rows from the start, at most <paramref name="chunkRows"/> per chunk.</summary>
    /// <param name="chunkRows">Upper bound on rows per chunk (≥ 1).</param>
    /// <param name="cancellationToken">Stops the pass.</param>
    IEnumerable<RowChunk> ReadChunks(int chunkRows, CancellationToken cancellationToken = default);
}

/// <summary>
/// A row source that can start reading at any row (a binary file such as .npy or Parquet), so that a mini-batch epoch can
/// visit its chunks in a seeded random order instead of front to back.
/// </summary>
public interface IRandomAccessRowSource : IRowSource
{
    /// <summary>
    /// Reads the chunks named by <paramref name="chunkOrder"/>, in that order: chunk c holds rows
    /// [c·chunkRows, min(n, (c + 1)·chunkRows)).
    /// </summary>
    /// <param name="chunkRows">Rows per chunk (≥ 1).</param>
    /// <param name="chunkOrder">Chunk indices, each in [0, ⌈n / chunkRows⌉).</param>
    /// <param name="cancellationToken">Stops the pass.</param>
    IEnumerable<RowChunk> ReadChunks(int chunkRows, IReadOnlyList<int> chunkOrder, CancellationToken cancellationToken = default);
}
