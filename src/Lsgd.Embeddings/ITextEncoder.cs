namespace Lsgd.Embeddings;

/// <summary>
/// Turns texts into vectors of a fixed length d with a pretrained model, one batch at a time. Implementations
/// are safe to call from several threads at once.
/// </summary>
/// <remarks>
/// <see cref="TextEmbedder"/> drives an encoder: it sorts texts by <see cref="Length"/>, batches them, runs
/// batches on several threads and caches the vectors under <see cref="ModelId"/>. To use a model of your own,
/// implement this interface, or compute the vectors elsewhere and pass them as a .npy file.
/// </remarks>
public interface ITextEncoder : IDisposable
{
    /// <summary>
    /// Names the model and every setting that changes its vectors (weights, version, truncation). Cached
    /// embeddings are keyed by a hash of this and the text, so change it whenever the vectors would change.
    /// </summary>
    string ModelId { get; }

    /// <summary>d, the length of every vector.</summary>
    int Dimension { get; }

    /// <summary>
    /// The sequence length the model runs for <paramref name="text"/> (tokens after truncation). A batch is
    /// padded to its longest text, so texts of similar length are batched together.
    /// </summary>
    int Length(string text);

    /// <summary>Encodes one batch, writing <c>texts.Count × Dimension</c> values, row-major, to <paramref name="destination"/>.</summary>
    /// <param name="texts">The texts, none empty.</param>
    /// <param name="destination">Room for one vector per text.</param>
    /// <param name="cancellationToken">Stops the model run.</param>
    void Encode(IReadOnlyList<string> texts, Span<float> destination, CancellationToken cancellationToken = default);
}
