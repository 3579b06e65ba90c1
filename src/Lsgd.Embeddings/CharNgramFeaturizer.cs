namespace Lsgd.Embeddings;

/// <summary>Settings of <see cref="CharNgramFeaturizer.Fit"/>. Immutable; each value is checked when set.</summary>
public sealed record CharNgramOptions
{
    /// <summary>Shortest n-gram (≥ 1). Default 2.</summary>
    public int MinLength
    {
        get;
        init => field = value >= 1 ? value : throw new InvalidOptionException(nameof(MinLength), value, "an integer >= 1", "Try 2.");
    } = 2;

    /// <summary>Longest n-gram (≥ <see cref="MinLength"/>, checked when fitting). Default 4.</summary>
    public int MaxLength
    {
        get;
        init => field = value >= 1 ? value : throw new InvalidOptionException(nameof(MaxLength), value, "an integer >= 1", "Try 4.");
    } = 4;

    /// <summary>
    /// Most n-grams kept (≥ 1): the most frequent by the number of training texts they occur in. Default 512, a
    /// head of about the size of a small encoder's (384); <see cref="Finetuner"/> further caps it at half the training rows so
    /// that least squares stays well determined.
    /// </summary>
    public int MaxFeatures
    {
        get;
        init => field = value >= 1 ? value : throw new InvalidOptionException(nameof(MaxFeatures), value, "an integer >= 1", "Try 512.");
    } = 512;
}

/// <summary>
/// A bag of character n-grams: each text, lower-cased and padded with a space at both ends, becomes the counts of
/// the vocabulary's n-grams in it, scaled to length 1. The baseline an encoder's features must beat.
/// </summary>
/// <example>
/// <code>
/// var bag = CharNgramFeaturizer.Fit(trainingTexts);      // " ab", "aba", "ban", …
/// float[] x = bag.Transform(texts);                      // texts.Count × bag.Dimension
/// </code>
/// </example>
public sealed class CharNgramFeaturizer
{
    private readonly Dictionary<string, int> _index;

    private CharNgramFeaturizer(string[] vocabulary, CharNgramOptions options)
    {
        Vocabulary = vocabulary;
        Options = options;
        _index = vocabulary.Select((g, j) => (g, j)).ToDictionary(p => p.g, p => p.j, StringComparer.Ordinal);
    }

    /// <summary>The n-grams, in feature order.</summary>
    public IReadOnlyList<string> Vocabulary { get; }

    /// <summary>d, the number of features.</summary>
    public int Dimension => Vocabulary.Count;

    /// <summary>The settings.</summary>
    public CharNgramOptions Options { get; }

    /// <summary>Chooses the vocabulary: the <see cref="CharNgramOptions.MaxFeatures"/> n-grams found in the most texts (ties in ordinal order).</summary>
    /// <exception cref="InvalidOptionException">MaxLength is below MinLength.</exception>
    public static CharNgramFeaturizer Fit(IEnumerable<string> texts, CharNgramOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var o = options ?? new CharNgramOptions();
        if (o.MaxLength < o.MinLength)
            throw new InvalidOptionException(nameof(o.MaxLength), o.MaxLength, $"at least MinLength = {o.MinLength}", $"Try {o.MinLength + 2}.");
        var documentFrequency = new Dictionary<string, int>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var text in texts)
        {
            seen.Clear();
            foreach (var gram in Grams(text, o))
                if (seen.Add(gram))
                    documentFrequency[gram] = documentFrequency.GetValueOrDefault(gram) + 1;
        }
        var vocabulary = documentFrequency.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal)
            .Take(o.MaxFeatures).Select(p => p.Key).ToArray();
        return new CharNgramFeaturizer(vocabulary, o);
    }

    /// <summary>The features of <paramref name="texts"/>: texts.Count × <see cref="Dimension"/> values, row-major, each row of length 1 (or 0 when it has no known n-gram).</summary>
    public float[] Transform(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        int d = Dimension;
        var x = new float[texts.Count * d];
        for (int i = 0; i < texts.Count; i++)
        {
            var row = x.AsSpan(i * d, d);
            foreach (var gram in Grams(texts[i], Options))
                if (_index.TryGetValue(gram, out int j)) row[j]++;
            float norm = MathF.Sqrt(System.Numerics.Tensors.TensorPrimitives.SumOfSquares<float>(row));
            if (norm > 0) System.Numerics.Tensors.TensorPrimitives.Divide(row, norm, row);
        }
        return x;
    }

    private static IEnumerable<string> Grams(string text, CharNgramOptions o)
    {
        string padded = " " + (text ?? "").Trim().ToLowerInvariant() + " ";
        for (int n = o.MinLength; n <= o.MaxLength; n++)
            for (int start = 0; start + n <= padded.Length; start++)
                yield return padded.Substring(start, n);
    }
}
