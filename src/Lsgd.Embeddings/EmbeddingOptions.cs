namespace Lsgd.Embeddings;

/// <summary>Settings of <see cref="TextEmbedder"/>. Immutable; each value is checked when set.</summary>
public sealed record EmbeddingOptions
{
    /// <summary>
    /// Texts per model run (≥ 1). Default 32: large enough that per-run overhead is small, small enough that
    /// sorting by length leaves little padding and that a progress bar moves; 16 to 64 measured within 10 % of
    /// each other on short texts.
    /// </summary>
    public int BatchSize
    {
        get;
        init => field = value >= 1 ? value : throw new InvalidOptionException(nameof(BatchSize), value, "an integer >= 1", "Try 32.");
    } = 32;

    /// <summary>Batches run at the same time (≥ 1); <c>null</c> (the default) runs one per core.</summary>
    public int? Threads
    {
        get;
        init => field = value is { } v && v < 1
            ? throw new InvalidOptionException(nameof(Threads), v, "an integer >= 1", "Use 1, or leave it unset to use every core.")
            : value;
    }

    /// <summary>
    /// Sort texts by <see cref="ITextEncoder.Length"/> before batching (default true), so that a batch, which is
    /// padded to its longest text, holds texts of similar length. Turn off only to measure what it saves.
    /// </summary>
    public bool SortByLength { get; init; } = true;

    /// <summary>Where vectors are kept between runs; <c>null</c> (the default) keeps none.</summary>
    public EmbeddingCache? Cache { get; init; }
}
