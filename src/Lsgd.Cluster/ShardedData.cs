using Lsgd.Data;
using Lsgd.Engines;
using Lsgd.IO;

namespace Lsgd.Cluster;

/// <summary>
/// Data split in shards — one file each (CSV or Parquet), read in the order given — and what to read from them: the
/// target and feature columns and the CSV format. Every shard gives its <see cref="SufficientStatistics"/>; they are
/// merged in shard order, on one machine (<see cref="ComputeLocally"/>) or on a cluster
/// (<see cref="ClusterConnection.ComputeStatisticsAsync"/>), with bit-identical results.
/// </summary>
public sealed class ShardedData
{
    /// <summary>Shards <paramref name="files"/> (in that order), reading <paramref name="targets"/> and <paramref name="features"/> (every other numeric column when null or empty).</summary>
    /// <exception cref="LsgdException">No file, or no target.</exception>
    public ShardedData(IReadOnlyList<string> files, IReadOnlyList<string> targets, IReadOnlyList<string>? features = null, CsvFormat? format = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(targets);
        if (files.Count == 0)
            throw new LsgdException("No data files: give one or more CSV or Parquet files (or a quoted glob such as 'data/part-*.csv').");
        if (targets.Count == 0)
            throw new LsgdException("No target column: name the column to predict with --target.");
        Files = [.. files];
        Targets = [.. targets];
        Features = features is null ? [] : [.. features];
        Format = format ?? CsvFormat.Default;
    }

    /// <summary>The shards' files, in merge order.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>Target columns.</summary>
    public IReadOnlyList<string> Targets { get; }

    /// <summary>Feature columns (empty: every other numeric column).</summary>
    public IReadOnlyList<string> Features { get; }

    /// <summary>How the CSV shards are written.</summary>
    public CsvFormat Format { get; }

    /// <summary>
    /// Expands each pattern (a path, or a glob with <c>*</c> or <c>?</c> in its file name) to files: a glob's
    /// matches in ordinal order of their paths, patterns in the order given, each file once.
    /// </summary>
    /// <exception cref="LsgdException">A pattern matches no file.</exception>
    public static IReadOnlyList<string> Expand(IEnumerable<string> patterns)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        var files = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string pattern in patterns)
        {
            foreach (string file in ExpandOne(pattern))
                if (seen.Add(Path.GetFullPath(file)))
                    files.Add(file);
        }
        return files;
    }

    /// <summary>True when <paramref name="path"/> has a wildcard (<c>*</c> or <c>?</c>).</summary>
    public static bool IsGlob(string path) => path.AsSpan().IndexOfAny('*', '?') >= 0;

    private static string[] ExpandOne(string pattern)
    {
        if (!IsGlob(pattern))
            return [pattern];
        string directory = Path.GetDirectoryName(pattern) is { Length: > 0 } d ? d : ".";
        string name = Path.GetFileName(pattern);
        if (IsGlob(directory))
            throw new LsgdException($"'{pattern}': a wildcard may only stand in the file name, not in a folder. Name the folder, e.g. data/part-*.csv.");
        if (!Directory.Exists(directory))
            throw new LsgdException($"'{pattern}' matches no file: the folder {directory} does not exist.");
        var matches = Directory.GetFiles(directory, name)
            .Select(f => directory == "." && !pattern.StartsWith("./", StringComparison.Ordinal) ? Path.GetFileName(f) : f)
            .Order(StringComparer.Ordinal)
            .ToArray();
        if (matches.Length == 0)
            throw new LsgdException($"'{pattern}' matches no file in {directory}. Check the pattern (quote it so that the shell does not expand it).");
        return matches;
    }

    /// <summary>
    /// The statistics of all shards on this machine: each shard read as a cluster worker reads it, merged in shard
    /// order — the same arithmetic as a cluster fit, so the two agree bit for bit.
    /// </summary>
    /// <param name="progress">Shards done so far (out of <see cref="Files"/>.Count).</param>
    /// <param name="cancellationToken">Stops between chunks.</param>
    public SufficientStatistics ComputeLocally(IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        var parts = new List<SufficientStatistics>(Files.Count);
        for (int i = 0; i < Files.Count; i++)
        {
            parts.Add(ShardReader.Read(Job(i), cancellationToken));
            progress?.Report(i + 1);
        }
        var merged = ShardReader.MergeInOrder(parts, Files);
        _shardRows = [.. parts.Select(p => p.Count)];
        return merged;
    }

    private long[]? _shardRows;

    /// <summary>
    /// Mini-batches over the shards, read into this process's memory on the first epoch — the arithmetic of a cluster
    /// fit's synchronous steps (each shard's part of every batch, parts summed in shard order), so
    /// <c>LinearRegressor.Fit(statistics, batches)</c> gives the cluster's bits. Call <see cref="ComputeLocally"/> first.
    /// </summary>
    /// <exception cref="InvalidOperationException">The statistics have not been computed yet.</exception>
    public IMiniBatchSource LocalMiniBatches(CancellationToken cancellationToken = default) =>
        new LocalShardBatches(this, _shardRows ?? throw new InvalidOperationException("Compute the shards' statistics (ComputeLocally) first."), cancellationToken);

    /// <summary>What a worker reads for shard <paramref name="index"/>.</summary>
    internal ShardJob Job(int index) => new()
    {
        Index = index,
        Path = Path.GetFullPath(Files[index]),
        DisplayPath = Files[index],
        Targets = [.. Targets],
        Features = [.. Features],
        Separator = Format.Separator,
        DecimalComma = Format.DecimalComma,
        Missing = (int)Format.Missing,
    };
}
