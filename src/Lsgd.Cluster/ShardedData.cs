using Lsgd.Data;
using Lsgd.Engines;
using Lsgd.IO;

namespace Lsgd.Cluster;

/// <summary>
/// Data split in shards — each file (CSV, Parquet, or an .npy pair), or each block of <see cref="BlockRows"/> rows of
/// a Parquet or .npy file larger than that, or each block of about <see cref="BlockBytes"/> bytes of a larger CSV
/// file, read in the order given — and what to read from them: the target and
/// feature columns and the CSV format. Every shard gives its <see cref="SufficientStatistics"/>; they are merged in
/// shard order, on one machine (<see cref="ComputeLocally"/>) or on a cluster
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

    private ShardedData(IReadOnlyList<string> features, IReadOnlyList<string> targets, long? blockRows)
    {
        if (blockRows is { } rows)
            BlockRows = rows;
        Files = [.. features];
        TargetFiles = [.. targets];
        Targets = [];
        Features = [];
        Format = CsvFormat.Default;
    }

    /// <summary>
    /// Shards of .npy pairs: <paramref name="features"/>[i] (rows × d) with <paramref name="targets"/>[i] (rows, or
    /// rows × k), pair by pair in that order.
    /// </summary>
    /// <param name="features">Features files.</param>
    /// <param name="targets">Targets files, one per features file.</param>
    /// <param name="blockRows">Rows per block shard of a larger pair (null: <see cref="BlockRows"/>' default).</param>
    /// <exception cref="LsgdException">No file, or not as many target files as feature files.</exception>
    public static ShardedData NpyPairs(IReadOnlyList<string> features, IReadOnlyList<string> targets, long? blockRows = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        if (features.Count == 0)
            throw new LsgdException("No .npy files: give --features X.npy --targets Y.npy, or quoted globs such as --features 'data/X-*.npy' --targets 'data/Y-*.npy'.");
        if (features.Count != targets.Count)
            throw new LsgdException($"--features names {features.Count} .npy files but --targets names {targets.Count}: each features file needs its targets file (paired in order).");
        return new ShardedData(features, targets, blockRows);
    }

    /// <summary>The targets' .npy files paired with <see cref="Files"/> (null unless the shards are .npy pairs).</summary>
    public IReadOnlyList<string>? TargetFiles { get; }

    /// <summary>
    /// Rows per block shard of a Parquet or .npy file (CSV files are read whole): a file with more rows gives one
    /// shard per block. A multiple of 65 536 (the chunk the readers use); default 4 194 304.
    /// </summary>
    /// <exception cref="LsgdException">Not a positive multiple of 65 536.</exception>
    public long BlockRows
    {
        get;
        init => field = value > 0 && value % ShardReader.ChunkRows == 0 ? value
            : throw new LsgdException($"Block shards of {value} rows are not possible: give a positive multiple of {ShardReader.ChunkRows} rows.");
    } = 64L * ShardReader.ChunkRows;

    /// <summary>
    /// Bytes per block shard of a CSV file: a larger file gives one shard per block — the rows whose line starts in
    /// [a, b), cut at the first line start at or after each multiple of this past the header (no quoted field may then
    /// hold a line break: a worker that finds one in its block fails the fit naming the line). Default 256 MiB;
    /// LSGD_TEST_CSV_BLOCK_BYTES sets another default (tests make small files several shards this way).
    /// </summary>
    /// <exception cref="LsgdException">Not positive.</exception>
    public long BlockBytes
    {
        get;
        init => field = value > 0 ? value
            : throw new LsgdException($"CSV block shards of {value} bytes are not possible: give a positive number of bytes.");
    } = DefaultBlockBytes();

    private static long DefaultBlockBytes() =>
        long.TryParse(Environment.GetEnvironmentVariable("LSGD_TEST_CSV_BLOCK_BYTES"), System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out long bytes) && bytes > 0 ? bytes : 256L << 20;

    /// <summary>Shards: files, and blocks of large Parquet, .npy and CSV files.</summary>
    public int ShardCount => Jobs.Count;

    /// <summary>Each shard's name for messages: its file, and the rows of a block.</summary>
    public IReadOnlyList<string> ShardNames => [.. Jobs.Select(j => j.DisplayPath)];

    private List<ShardJob>? _jobs;

    /// <summary>What a worker reads for each shard (a file's size is looked up once, for its blocks).</summary>
    internal IReadOnlyList<ShardJob> Jobs => _jobs ??= Plan();

    private List<ShardJob> Plan()
    {
        var jobs = new List<ShardJob>();
        var columns = Job(0, Files[0], null, 0, 0);
        for (int i = 0; i < Files.Count; i++)
        {
            string? targets = TargetFiles?[i];
            long rows = -1;
            if (targets is null && !Files[i].EndsWith(".parquet", StringComparison.OrdinalIgnoreCase))
            {
                var blocks = CsvBlocks(Files[i]);
                for (int b = 0; b < blocks.Count; b++)
                    jobs.Add(Job(jobs.Count, Files[i], null, 0, 0, block: blocks[b]));
                if (blocks.Count > 0)
                    continue;
            }
            else if (targets is not null || Files[i].EndsWith(".parquet", StringComparison.OrdinalIgnoreCase))
            {
                try
                {
                    rows = ShardReader.OpenFile(Path.GetFullPath(Files[i]), targets is null ? null : Path.GetFullPath(targets), columns).RowCount ?? -1;
                }
                catch (Exception e) when (e is LsgdException or IOException or UnauthorizedAccessException or InvalidDataException)
                {
                    // The file is one shard; its worker reports what is wrong with it, naming it.
                }
            }
            if (rows <= BlockRows)
            {
                jobs.Add(Job(jobs.Count, Files[i], targets, 0, 0));
                continue;
            }
            int perBlock = (int)(BlockRows / ShardReader.ChunkRows);
            int chunks = (int)((rows + ShardReader.ChunkRows - 1) / ShardReader.ChunkRows);
            for (int c = 0; c < chunks; c += perBlock)
                jobs.Add(Job(jobs.Count, Files[i], targets, c, Math.Min(perBlock, chunks - c), rows));
        }
        return jobs;
    }

    /// <summary>
    /// The blocks of a CSV file larger than <see cref="BlockBytes"/>: cut at the first line start at or after each
    /// multiple of it past the header (a look at a few bytes around each cut, not a parse); none for a smaller file,
    /// or one that cannot be cut (a single line, lines ending in '\r' alone, unreadable: its worker then says why).
    /// </summary>
    private List<CsvBlock> CsvBlocks(string file)
    {
        var blocks = new List<CsvBlock>();
        try
        {
            string path = Path.GetFullPath(file);
            long length = new FileInfo(path).Length;
            if (length <= BlockBytes)
                return blocks;
            long header = CsvBlock.FindHeaderEnd(path);
            if (header < 0)
                return blocks;
            var starts = new List<long> { header };
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1))
            {
                for (long cut = header + BlockBytes; cut < length; cut += BlockBytes)
                {
                    long start = CsvBlock.NextLineStart(stream, cut);
                    if (start >= length)
                        break;
                    if (start > starts[^1])
                        starts.Add(start);
                }
            }
            if (starts.Count > 1)
                for (int b = 0; b < starts.Count; b++)
                    blocks.Add(new CsvBlock(header, starts[b], b + 1 < starts.Count ? starts[b + 1] : length));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            // The file is one shard; its worker reports what is wrong with it, naming it.
            blocks.Clear();
        }
        return blocks;
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
    /// The column of row weights (weighted least squares; CSV and Parquet shards), or null for unweighted rows: each
    /// shard's statistics and exact solver's pieces are then those of its weighted rows, merged as unweighted ones are.
    /// </summary>
    /// <exception cref="LsgdException">Weights on .npy pairs (they have no named columns).</exception>
    public string? Weights
    {
        get;
        init => field = value is null || TargetFiles is null ? value
            : throw new LsgdException("Row weights are a column of CSV or Parquet shards; .npy pairs have no named columns.");
    }

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
            throw new LsgdException($"'{pattern}' matches no file in {(directory == "." ? "the current folder" : directory)}. Check the pattern (quote it so that the shell does not expand it).");
        return matches;
    }

    /// <summary>
    /// The statistics of all shards on this machine: each shard read as a cluster worker reads it, merged in shard
    /// order — the same arithmetic as a cluster fit, so the two agree bit for bit.
    /// </summary>
    /// <param name="progress">Shards done so far (out of <see cref="ShardCount"/>).</param>
    /// <param name="cancellationToken">Stops between chunks.</param>
    public SufficientStatistics ComputeLocally(IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        var parts = new List<SufficientStatistics>(ShardCount);
        for (int i = 0; i < ShardCount; i++)
        {
            parts.Add(ShardReader.Read(Job(i), cancellationToken));
            progress?.Report(i + 1);
        }
        var merged = ShardReader.MergeInOrder(parts, ShardNames);
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

    /// <summary>
    /// The exact solver's passes over the shards in this process (each shard's piece computed as a cluster worker
    /// computes it), for <c>LinearRegressor.Fit(statistics, shards)</c>: the cluster's bits.
    /// </summary>
    public Solvers.IShardedRows LocalPasses() => new LocalShardPasses(this);

    /// <summary>What a worker reads for shard <paramref name="index"/>.</summary>
    internal ShardJob Job(int index) => Jobs[index];

    private ShardJob Job(int index, string file, string? targets, int firstChunk, int chunks, long rows = 0, CsvBlock? block = null) => new()
    {
        Index = index,
        Path = Path.GetFullPath(file),
        DisplayPath = block is { } b ? $"{file} bytes {b.Start}–{b.End - 1}"
            : chunks == 0 ? file
            : $"{file} rows {(long)firstChunk * ShardReader.ChunkRows + 1}–{Math.Min(rows, (long)(firstChunk + chunks) * ShardReader.ChunkRows)}",
        CsvHeaderEnd = block?.HeaderEnd ?? 0,
        CsvStart = block?.Start ?? 0,
        CsvEnd = block?.End ?? 0,
        Targets = [.. Targets],
        Features = [.. Features],
        Separator = Format.Separator,
        DecimalComma = Format.DecimalComma,
        Missing = (int)Format.Missing,
        TargetsPath = targets is null ? null : Path.GetFullPath(targets),
        Weights = Weights,
        FirstChunk = firstChunk,
        Chunks = chunks,
    };
}
