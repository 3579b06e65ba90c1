using Lsgd.Embeddings;
using Lsgd.IO;

namespace Lsgd.Cli.Commands;

/// <summary>
/// What <c>lsgd finetune</c> reads: the texts, target and groups of a CSV file, and the texts' features from the
/// built-in encoder (with a progress bar on a terminal, CliContext.WithProgress) or from a .npy file (<c>--embeddings</c>).
/// </summary>
/// <param name="Texts">The texts, one per row.</param>
/// <param name="Target">What to predict.</param>
/// <param name="Groups">The --group-by column, or null.</param>
/// <param name="Features">n × d features, row-major.</param>
/// <param name="Dimension">d.</param>
/// <param name="Embedded">The encoder's embeddings; null when the features came from <paramref name="FeaturesFile"/>.</param>
/// <param name="FeaturesFile">The .npy file of features (--embeddings), or null.</param>
internal sealed record FinetuneInput(IReadOnlyList<string> Texts, HeadTarget Target, IReadOnlyList<string>? Groups,
    float[] Features, int Dimension, TextEmbeddings? Embedded, string? FeaturesFile)
{
    /// <summary>Reads the columns of <paramref name="path"/> and the features of its texts.</summary>
    /// <exception cref="LsgdException">A missing column or file, an empty text, a target that cannot be learned, or features of the wrong shape.</exception>
    public static FinetuneInput Read(CliContext context, string path, string textColumn, string targetColumn, HeadTask? task, string? groupColumn,
        CsvFormat format, string? featuresFile, EmbeddingOptions embedding)
    {
        // The table: texts, target, groups.
        var columns = new List<string> { textColumn, targetColumn };
        if (groupColumn is not null) columns.Add(groupColumn);
        var table = TextTable.Read(path, columns, Separator(path, format));
        string Where(int i) => $"line {table.Lines[i]} of {path}";
        var texts = table.Column(textColumn);
        for (int i = 0; i < texts.Count; i++)
            if (string.IsNullOrWhiteSpace(texts[i]))
                throw new LsgdException($"{path}, line {table.Lines[i]}: the text in column '{textColumn}' is empty. Every row needs a text to embed: fill it in or remove the row.");
        var target = HeadTarget.Parse(targetColumn, table.Column(targetColumn), task, Where);
        var groups = groupColumn is null ? null : table.Column(groupColumn);

        // The features: the built-in encoder (cached), or a file.
        if (featuresFile is not null)
        {
            var (features, dimension) = ReadFeatures(featuresFile, table.Rows, path);
            return new FinetuneInput(texts, target, groups, features, dimension, null, featuresFile);
        }
        var embedded = Embed(context, texts, embedding);
        return new FinetuneInput(texts, target, groups, embedded.Vectors, embedded.Dimension, embedded, null);
    }

    /// <summary>Features from a .npy file: n × d, one row per data row.</summary>
    public static (float[] Features, int Dimension) ReadFeatures(string path, int? rows, string? dataPath, int? dimension = null)
    {
        var header = NpyFile.ReadHeader(path);
        if (rows is { } n && header.Rows != n)
            throw new LsgdException($"{path} has {header.Rows} rows but {dataPath} has {n} data rows: the features need one row per text, in the same order.");
        if (dimension is { } d && header.Columns != d)
            throw new LsgdException($"{path} has {header.Columns} columns but the head reads {d} features per row.");
        if (header.Columns < 1)
            throw new LsgdException($"{path} has no columns: give an n × d array of features.");
        return (NpyFile.ReadSingles(header), header.Columns);
    }

    /// <summary>The field separator of a CSV file: the one given, else tab for .tsv, else detected from the header line.</summary>
    public static char Separator(string path, CsvFormat format) =>
        File.Exists(path) ? format.SeparatorFor(path) : format.Separator ?? (path.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase) ? '\t' : ',');

    private static TextEmbeddings Embed(CliContext context, IReadOnlyList<string> texts, EmbeddingOptions options)
    {
        using var encoder = new MiniLmEncoder();
        var embedder = new TextEmbedder(encoder, options);
        if (options.Cache is { } cache)
            context.Note($"embeddings cache: {cache.Directory}");
        return context.WithProgress("embedding", Math.Max(1, texts.Count), line => embedder.Embed(texts,
            line.As<EmbeddingProgress>((l, p) => l.Report(p.Encoded, Math.Max(1, p.Total), $"embedding {p.Encoded}/{p.Total}")), context.Cancellation));
    }
}
