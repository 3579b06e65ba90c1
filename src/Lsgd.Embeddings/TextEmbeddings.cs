namespace Lsgd.Embeddings;

/// <summary>One vector per text, row-major in single precision, and how they were obtained.</summary>
public sealed class TextEmbeddings
{
    internal TextEmbeddings(float[] vectors, int count, int dimension, string modelId, int distinct, int encoded, int fromCache, TimeSpan encodeTime)
    {
        Vectors = vectors;
        Count = count;
        Dimension = dimension;
        ModelId = modelId;
        Distinct = distinct;
        Encoded = encoded;
        FromCache = fromCache;
        EncodeTime = encodeTime;
    }

    /// <summary>n × d values, row-major: row i is the vector of text i.</summary>
    public float[] Vectors { get; }

    /// <summary>n, the number of texts.</summary>
    public int Count { get; }

    /// <summary>d, the length of each vector.</summary>
    public int Dimension { get; }

    /// <summary>The encoder's <see cref="ITextEncoder.ModelId"/>.</summary>
    public string ModelId { get; }

    /// <summary>Distinct texts (each is encoded or looked up once).</summary>
    public int Distinct { get; }

    /// <summary>Distinct texts that ran through the model.</summary>
    public int Encoded { get; }

    /// <summary>Distinct texts found in the cache.</summary>
    public int FromCache { get; }

    /// <summary>Time spent encoding (sorting, tokenizing for lengths and model runs), not reading or writing the cache.</summary>
    public TimeSpan EncodeTime { get; }

    /// <summary><see cref="Encoded"/> per second of <see cref="EncodeTime"/>; NaN when nothing was encoded.</summary>
    public double TextsPerSecond => Encoded > 0 && EncodeTime > TimeSpan.Zero ? Encoded / EncodeTime.TotalSeconds : double.NaN;

    /// <summary>The vector of text <paramref name="i"/> (0-based).</summary>
    public ReadOnlySpan<float> Vector(int i) => Vectors.AsSpan(i * Dimension, Dimension);
}
