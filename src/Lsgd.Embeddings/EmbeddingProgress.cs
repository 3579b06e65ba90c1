namespace Lsgd.Embeddings;

/// <summary>How far <see cref="TextEmbedder.Embed"/> is: texts encoded so far out of those not found in the cache.</summary>
/// <param name="Encoded">Texts encoded so far.</param>
/// <param name="Total">Texts to encode in all (distinct texts not in the cache).</param>
public readonly record struct EmbeddingProgress(int Encoded, int Total);
