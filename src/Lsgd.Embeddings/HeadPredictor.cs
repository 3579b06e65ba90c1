using Lsgd.Applications.Classification;
using Lsgd.Data;

namespace Lsgd.Embeddings;

/// <summary>Predictions of a head for n rows.</summary>
public sealed class HeadPredictions
{
    internal HeadPredictions(HeadFile head, float[] features, TextEmbeddings? embeddings)
    {
        var data = HeadTrainer.Features(features, head.Dimension, null, head.Model.FeatureNames);
        Head = head;
        Scores = head.Model.Predict(data);
        Embeddings = embeddings;
        Rows = data.Rows;
        if (head.Classifier is { } classifier)
        {
            ClassIndices = ClassLabels.DecodeScores((double[])Scores, classifier.Classes.Count);   // the classifier's rule: the first largest score
            Labels = [.. ClassIndices.Select(c => classifier.Classes[c])];
        }
    }

    /// <summary>The head that predicted.</summary>
    public HeadFile Head { get; }

    /// <summary>n, the number of rows.</summary>
    public int Rows { get; }

    /// <summary>n × k scores, row-major: the predicted value (k = 1), or one score per class.</summary>
    public IReadOnlyList<double> Scores { get; }

    /// <summary>Each row's class index (classification); null for regression.</summary>
    public IReadOnlyList<int>? ClassIndices { get; }

    /// <summary>Each row's class name (classification); null for regression.</summary>
    public IReadOnlyList<string>? Labels { get; }

    /// <summary>The embeddings predicted from, when the head embedded texts itself.</summary>
    public TextEmbeddings? Embeddings { get; }
}

/// <summary>
/// Applies a saved head to new texts (embedding them with the encoder it was trained on) or to features computed elsewhere.
/// </summary>
/// <example>
/// <code>
/// using var predictor = new HeadPredictor(HeadFile.Load("valence.head.json"));
/// var p = predictor.PredictTexts(["what a wonderful day"]);
/// double valence = p.Scores[0];
/// </code>
/// </example>
public sealed class HeadPredictor : IDisposable
{
    private readonly EmbeddingOptions _options;
    private MiniLmEncoder? _encoder;

    /// <summary>Wraps <paramref name="file"/>; the encoder is loaded on the first text.</summary>
    /// <param name="file">The head.</param>
    /// <param name="options">How texts are embedded (batches, threads, cache).</param>
    public HeadPredictor(HeadFile file, EmbeddingOptions? options = null)
    {
        File = file ?? throw new ArgumentNullException(nameof(file));
        _options = options ?? new EmbeddingOptions();
    }

    /// <summary>The head file.</summary>
    public HeadFile File { get; }

    /// <summary>Embeds <paramref name="texts"/> and predicts.</summary>
    /// <exception cref="LsgdException">The head's features came from a file or from another encoder; a text is empty.</exception>
    public HeadPredictions PredictTexts(IReadOnlyList<string> texts, IProgress<EmbeddingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (File.Encoder is null)
            throw new LsgdException("This head was trained on features from a file (--embeddings), so it cannot embed texts itself. " +
                "Compute the texts' features with the same model and give them as a .npy file instead of --text.");
        if (File.Encoder != MiniLmEncoder.Id)
            throw new LsgdException($"This head was trained on embeddings of '{File.Encoder}' but this lsgd embeds with '{MiniLmEncoder.Id}'. " +
                "Train the head again with this lsgd, or give the texts' features as a .npy file.");
        _encoder ??= new MiniLmEncoder();
        var embeddings = new TextEmbedder(_encoder, _options).Embed(texts, progress, cancellationToken);
        return new HeadPredictions(File, embeddings.Vectors, embeddings);
    }

    /// <summary>Predicts from features computed elsewhere: n × d values, row-major.</summary>
    /// <exception cref="LsgdException">The number of values is not a multiple of the head's d, or there are none.</exception>
    public HeadPredictions PredictFeatures(ReadOnlySpan<float> features)
    {
        int d = File.Dimension;
        if (features.Length == 0 || features.Length % d != 0)
            throw new LsgdException($"The head reads {d} features per row but was given {features.Length} values, not a positive multiple of {d}.");
        return new HeadPredictions(File, features.ToArray(), null);
    }

    /// <summary>Releases the encoder, if one was loaded.</summary>
    public void Dispose() => _encoder?.Dispose();
}
