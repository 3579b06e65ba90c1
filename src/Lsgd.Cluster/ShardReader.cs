using System.Collections.Concurrent;
using Lsgd.Data;
using Lsgd.IO;

namespace Lsgd.Cluster;

/// <summary>Reads one shard into its statistics, and merges shards' statistics in shard order.</summary>
internal static class ShardReader
{
    /// <summary>Rows per chunk: the same as a streamed local fit (<see cref="SufficientStatistics.Compute(IRowSource, int, CancellationToken)"/>).</summary>
    internal const int ChunkRows = 65536;

    /// <summary>Test hook, called before a shard is read (in-process silos share it): a test may block or count reads here.</summary>
    internal static Action<ShardJob>? BeforeRead { get; set; }

    /// <summary>Milliseconds each read is delayed by, from LSGD_TEST_SHARD_DELAY_MS (tests of silo loss across processes; 0 otherwise).</summary>
    private static readonly int TestDelay =
        int.TryParse(Environment.GetEnvironmentVariable("LSGD_TEST_SHARD_DELAY_MS"), System.Globalization.CultureInfo.InvariantCulture, out int ms) ? ms : 0;

    /// <summary>Milliseconds each mini-batch step is delayed by on its coordinator, from LSGD_TEST_STEP_DELAY_MS (multi-process tests of silo loss mid-steps; 0 otherwise).</summary>
    private static readonly int TestStepDelay =
        int.TryParse(Environment.GetEnvironmentVariable("LSGD_TEST_STEP_DELAY_MS"), System.Globalization.CultureInfo.InvariantCulture, out int stepMs) ? stepMs : 0;

    /// <summary>
    /// With LSGD_TEST_STEP_DELAY_MS set: prints <c>lsgd: test: coordinator step K (persisted steps P)</c> on stderr — the
    /// step asked for and the steps the coordinator's state (persisted, or read back by a new activation) holds — and
    /// waits that long, so a test can kill the coordinator's silo mid-fit and see the fit resume from step P.
    /// </summary>
    internal static async Task BeforeStepAsync(long step, long persisted)
    {
        if (TestStepDelay <= 0)
            return;
        Console.Error.WriteLine($"lsgd: test: coordinator step {step} (persisted steps {persisted})");
        await Task.Delay(TestStepDelay).ConfigureAwait(false);
    }

    /// <summary>Reads done per shard path in this process (tests check that finished shards are not read again).</summary>
    internal static ConcurrentDictionary<string, int> Reads { get; } = new(StringComparer.Ordinal);

    /// <summary>The shard's statistics.</summary>
    /// <exception cref="LsgdException">The file cannot be read (the message names it).</exception>
    public static SufficientStatistics Read(ShardJob job, CancellationToken cancellationToken = default)
    {
        BeforeRead?.Invoke(job);
        if (TestDelay > 0)
        {
            // Multi-process tests slow reads down to kill a silo mid-read, and watch for this line on the silo's stderr.
            Console.Error.WriteLine($"lsgd: test: reading shard {job.Index + 1}");
            Thread.Sleep(TestDelay);
        }
        Reads.AddOrUpdate(job.Path, 1, (_, n) => n + 1);
        return Guard(job, () => SufficientStatistics.Compute(Open(job), ChunkRows, cancellationToken));
    }

    /// <summary>Pieces of exact solver's passes computed per shard path in this process (tests check that finished shards are not computed again).</summary>
    internal static ConcurrentDictionary<string, int> PassReads { get; } = new(StringComparer.Ordinal);

    /// <summary>Test hook, called before a shard's piece of an exact solver's pass is computed.</summary>
    internal static Action<ShardJob, Solvers.ShardPass>? BeforePass { get; set; }

    /// <summary>The shard's piece of an exact solver's pass (<see cref="Solvers.ShardPass.Run"/> on its rows).</summary>
    /// <exception cref="LsgdException">The file cannot be read (the message names it).</exception>
    public static double[] ReadPass(ShardJob job, Solvers.ShardPass pass, CancellationToken cancellationToken = default)
    {
        BeforePass?.Invoke(job, pass);
        PassReads.AddOrUpdate(job.Path, 1, (_, n) => n + 1);
        return Guard(job, () => pass.Run(Open(job), cancellationToken));
    }

    /// <summary>The shard's rows, in file order, features standardised as (x − mean) / scale when <paramref name="means"/> are given.</summary>
    /// <exception cref="LsgdException">The file cannot be read (the message names it).</exception>
    public static ShardRows ReadRows(ShardJob job, double[]? means, double[]? scales, CancellationToken cancellationToken = default)
    {
        RowsRead?.Invoke(job);
        return Guard(job, () =>
        {
            var source = Open(job);
            int d = source.Features, k = source.Outputs;
            var x = new List<double>();
            var y = new List<double>();
            foreach (var chunk in source.ReadChunks(ChunkRows, cancellationToken))
            {
                for (int i = 0; i < chunk.Rows; i++)
                    for (int j = 0; j < d; j++)
                        x.Add(means is null ? chunk.X[i * d + j] : (chunk.X[i * d + j] - means[j]) / scales![j]);
                y.AddRange(chunk.Y.AsSpan(0, chunk.Rows * k));
            }
            return new ShardRows(job.Index, [.. x], [.. y], d, k);
        });
    }

    /// <summary>Test hook, called before a shard's rows are loaded for mini-batch steps.</summary>
    internal static Action<ShardJob>? RowsRead { get; set; }

    private static IRowSource Open(ShardJob job)
    {
        if (QuotedLineBreak(job) is { } at)
            throw new LsgdException($"{job.Path}, line {CsvBlock.LineBreaksBefore(job.Path, at) + 1}: a quoted field holds a line break, so this file cannot be " +
                "read in blocks (a large CSV file is cut at line breaks without parsing what comes before each cut). Remove the line breaks from " +
                "quoted fields, split the file into several files at row boundaries, or convert it to Parquet.");
        var source = OpenFile(job.Path, job.TargetsPath, job);
        return job.Chunks == 0 ? source : new BlockSource((IRandomAccessRowSource)source, job.FirstChunk, job.Chunks);
    }

    /// <summary>Where a CSV block shard has a line break inside a quoted field (null: none, or not a CSV block).</summary>
    internal static long? QuotedLineBreak(ShardJob job, CancellationToken cancellationToken = default) =>
        job.CsvBlock is { } block ? block.QuotedLineBreak(job.Path, cancellationToken) : null;

    /// <summary>The whole file (or .npy pair) behind a shard.</summary>
    internal static IRowSource OpenFile(string path, string? targetsPath, ShardJob columns)
    {
        if (targetsPath is not null)
            return new NpyRowSource(path, targetsPath);
        var features = columns.Features.Length > 0 ? columns.Features : null;
        return path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase)
            ? new ParquetRowSource(path, columns.Targets, features, columns.Weights)
            : new CsvRowSource(path, columns.Targets, features,
                new CsvFormat { Separator = columns.Separator, DecimalComma = columns.DecimalComma, Missing = (MissingValues)columns.Missing }, columns.Weights)
            {
                Block = columns.CsvBlock,
            };
    }

    /// <summary>Chunks [first, first + count) of a file that can be read from any row: a block shard, chunked as a read of the whole file chunks it.</summary>
    private sealed class BlockSource(IRandomAccessRowSource file, int first, int count) : IRowSource
    {
        public int Features => file.Features;
        public int Outputs => file.Outputs;
        public IReadOnlyList<string> FeatureNames => file.FeatureNames;
        public IReadOnlyList<string> TargetNames => file.TargetNames;
        public long? RowCount => null;

        public IEnumerable<RowChunk> ReadChunks(int chunkRows, CancellationToken cancellationToken = default)
        {
            if (chunkRows != ChunkRows)
                throw new ArgumentOutOfRangeException(nameof(chunkRows), chunkRows, $"Block shards are read in chunks of {ChunkRows} rows.");
            return file.ReadChunks(ChunkRows, [.. Enumerable.Range(first, count)], cancellationToken);
        }
    }

    /// <summary>Runs <paramref name="read"/>, turning a reader's failure into one message naming the shard's file.</summary>
    private static T Guard<T>(ShardJob job, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is LsgdException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            // A block's reader counts lines from the header as if the block followed it: the message gives the file's line.
            if (e is CsvFormatException csv && job.CsvBlock is { } block)
                e = csv.AtLine((int)Math.Min(int.MaxValue, csv.Line + block.LineShift(job.Path)));
            string message = e.Message;
            if (e is FileNotFoundException or DirectoryNotFoundException)
                message = "the file does not exist (every silo must see the same path, e.g. on shared storage)";
            else if (e is UnauthorizedAccessException)
                message = "the file cannot be opened (permission denied)";
            throw new LsgdException(message.Contains(job.DisplayPath, StringComparison.Ordinal) || message.Contains(job.Path, StringComparison.Ordinal)
                ? $"shard {job.Index + 1}: {message}"
                : $"shard {job.Index + 1} ({job.DisplayPath}): {message}");
        }
    }

    /// <summary>
    /// Merges <paramref name="parts"/> into one, in order, starting from empty statistics (whose first merge copies);
    /// every shard must have the same features and targets.
    /// </summary>
    public static SufficientStatistics MergeInOrder(IReadOnlyList<SufficientStatistics> parts, IReadOnlyList<string> files)
    {
        var first = parts[0];
        int d = first.Features, k = first.Outputs;
        var total = SufficientStatistics.FromParts(0, new double[d], new double[k], new double[d * d], new double[d * k], new double[k],
            first.FeatureNames, first.TargetNames);
        for (int i = 0; i < parts.Count; i++)
        {
            var part = parts[i];
            if (!part.FeatureNames.SequenceEqual(first.FeatureNames, StringComparer.Ordinal) || !part.TargetNames.SequenceEqual(first.TargetNames, StringComparer.Ordinal))
                throw new LsgdException($"{files[i]} has the features [{string.Join(", ", part.FeatureNames)}] and targets [{string.Join(", ", part.TargetNames)}], " +
                    $"but {files[0]} has [{string.Join(", ", first.FeatureNames)}] and [{string.Join(", ", first.TargetNames)}]: every shard needs the same columns. Name them with --features.");
            total.Merge(part);
        }
        return total;
    }
}
