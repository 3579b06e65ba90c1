using System.Diagnostics;

namespace Lsgd.Embeddings;

/// <summary>
/// Embeds many texts with an <see cref="ITextEncoder"/> as fast as the machine allows: each distinct text once,
/// cached vectors reused, the rest sorted by length into batches that run one per core.
/// </summary>
/// <example>
/// <code>
/// using var encoder = new MiniLmEncoder();
/// var embedder = new TextEmbedder(encoder, new EmbeddingOptions { Cache = new EmbeddingCache(EmbeddingCache.DefaultDirectory) });
/// TextEmbeddings e = embedder.Embed(["a happy day", "a sad day"]);
/// ReadOnlySpan&lt;float&gt; first = e.Vector(0);   // 384 values, length 1
/// </code>
/// </example>
public sealed class TextEmbedder
{
    private readonly ITextEncoder _encoder;

    /// <summary>Creates an embedder over <paramref name="encoder"/> (not disposed by the embedder).</summary>
    public TextEmbedder(ITextEncoder encoder, EmbeddingOptions? options = null)
    {
        _encoder = encoder ?? throw new ArgumentNullException(nameof(encoder));
        Options = options ?? new EmbeddingOptions();
    }

    /// <summary>The settings.</summary>
    public EmbeddingOptions Options { get; }

    /// <summary>Embeds <paramref name="texts"/>: one vector per text, in order.</summary>
    /// <param name="texts">The texts; none may be empty or only white space.</param>
    /// <param name="progress">Texts encoded so far, after each batch (from worker threads).</param>
    /// <param name="cancellationToken">Stops between batches and inside a model run.</param>
    /// <exception cref="LsgdException">A text is empty.</exception>
    public TextEmbeddings Embed(IReadOnlyList<string> texts, IProgress<EmbeddingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (texts.Count == 0)
            throw new LsgdException("There are no texts to embed: give at least one.");
        int d = _encoder.Dimension;

        // Each distinct text once.
        var slot = new Dictionary<string, int>(StringComparer.Ordinal);
        var rowSlot = new int[texts.Count];
        var distinct = new List<string>();
        for (int i = 0; i < texts.Count; i++)
        {
            string text = texts[i] ?? throw new ArgumentNullException(nameof(texts), $"Text {i + 1} is null.");
            if (string.IsNullOrWhiteSpace(text))
                throw new LsgdException($"Text {i + 1} is empty: every text needs some words to embed. Fill it in or remove it.");
            if (!slot.TryGetValue(text, out int s))
            {
                s = distinct.Count;
                slot.Add(text, s);
                distinct.Add(text);
            }
            rowSlot[i] = s;
        }

        var vectors = new float[distinct.Count * d];
        var found = new bool[distinct.Count];
        int fromCache = Options.Cache?.Lookup(_encoder.ModelId, distinct, d, vectors, found) ?? 0;
        var missing = Enumerable.Range(0, distinct.Count).Where(s => !found[s]).ToArray();

        var clock = Stopwatch.StartNew();
        if (missing.Length > 0)
            EncodeMissing(distinct, missing, vectors, d, progress, cancellationToken);
        var encodeTime = clock.Elapsed;

        if (missing.Length > 0 && Options.Cache is { } cache)
        {
            var newTexts = missing.Select(s => distinct[s]).ToArray();
            var newVectors = new float[missing.Length * d];
            for (int m = 0; m < missing.Length; m++)
                vectors.AsSpan(missing[m] * d, d).CopyTo(newVectors.AsSpan(m * d, d));
            cache.Add(_encoder.ModelId, newTexts, d, newVectors);
        }

        var result = new float[texts.Count * d];
        for (int i = 0; i < texts.Count; i++)
            vectors.AsSpan(rowSlot[i] * d, d).CopyTo(result.AsSpan(i * d, d));
        return new TextEmbeddings(result, texts.Count, d, _encoder.ModelId, distinct.Count, missing.Length, fromCache, encodeTime);
    }

    /// <summary>Sorts the missing texts by length, cuts them into batches and runs the batches on the worker threads.</summary>
    private void EncodeMissing(List<string> distinct, int[] missing, float[] vectors, int d,
        IProgress<EmbeddingProgress>? progress, CancellationToken cancellationToken)
    {
        var order = missing;
        if (Options.SortByLength)
        {
            var lengths = new int[missing.Length];
            Parallel.For(0, missing.Length, new ParallelOptions { MaxDegreeOfParallelism = Threads, CancellationToken = cancellationToken },
                m => lengths[m] = _encoder.Length(distinct[missing[m]]));
            order = [.. missing];
            Array.Sort(lengths, order);   // stable enough: ties keep no particular order, which changes no vector
        }
        int size = Options.BatchSize;
        int batches = (order.Length + size - 1) / size;
        int done = 0;
        progress?.Report(new EmbeddingProgress(0, order.Length));
        // Longest batches first, so that the last batch to finish is a short one and no core waits long at the end.
        try
        {
            Parallel.For(0, batches, new ParallelOptions { MaxDegreeOfParallelism = Threads, CancellationToken = cancellationToken }, b =>
            {
                int batch = batches - 1 - b;
                int start = batch * size, count = Math.Min(size, order.Length - start);
                var texts = new string[count];
                for (int j = 0; j < count; j++) texts[j] = distinct[order[start + j]];
                var output = new float[count * d];
                _encoder.Encode(texts, output, cancellationToken);
                for (int j = 0; j < count; j++)
                    output.AsSpan(j * d, d).CopyTo(vectors.AsSpan(order[start + j] * d, d));
                int now = Interlocked.Add(ref done, count);
                progress?.Report(new EmbeddingProgress(now, order.Length));
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            // Report the first failure as itself (an LsgdException stays one line), not wrapped.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
    }

    private int Threads => Options.Threads ?? Environment.ProcessorCount;
}
