using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using Lsgd.IO;
using nietras.SeparatedValues;

namespace Lsgd.Benchmarks;

/// <summary>
/// One streamed pass over a CSV file of n = 200 000 rows × 20 columns written as <c>%.6f</c> (about 38 MB, the
/// shape of <c>examples/09-streaming-csv</c>), read from the page cache: <see cref="CsvRowSource"/> on all cores
/// and on one worker thread, against the I/O floor (reading the bytes and counting line feeds, one thread) —
/// the baseline — and against Sep parsing every cell with its csFastFloat path, on one thread and with Sep's own
/// <c>ParallelEnumerate</c>. The GB/s column is the file's bytes over the median time.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(CsvParseConfig))]
public class CsvParseBench
{
    public const int N = 200_000;
    public const int Columns = 20;

    private string _path = null!;

    /// <summary>The file's size in bytes (set by <see cref="Setup"/>; the throughput columns read it).</summary>
    public static long FileBytes { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        _path = Path.Combine(Path.GetTempPath(), $"lsgd-csv-bench-{Environment.ProcessId}.csv");
        var rng = new Random(1);
        var sb = new StringBuilder("y");
        for (int j = 1; j < Columns; j++) sb.Append(CultureInfo.InvariantCulture, $",x{j}");
        sb.Append('\n');
        for (int i = 0; i < N; i++)
        {
            for (int j = 0; j < Columns; j++)
                sb.Append(j == 0 ? "" : ",").Append((rng.NextDouble() * 10 - 5).ToString("F6", CultureInfo.InvariantCulture));
            sb.Append('\n');
        }
        File.WriteAllText(_path, sb.ToString());
        FileBytes = new FileInfo(_path).Length;
    }

    [GlobalCleanup]
    public void Cleanup() => File.Delete(_path);

    /// <summary>The least a pass must do: read the file's bytes (1 MiB at a time) and find its lines.</summary>
    [Benchmark(Baseline = true, Description = "read bytes + count lines (1 thread)")]
    public long ReadBytes()
    {
        using var stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        var buffer = new byte[1 << 20];
        long lines = 0;
        int read;
        while ((read = stream.Read(buffer)) > 0)
            lines += buffer.AsSpan(0, read).Count((byte)'\n');
        return lines;
    }

    [Benchmark(Description = "CsvRowSource pass (all cores)")]
    public double RowSource() => Pass(new CsvRowSource(_path, ["y"]));

    [Benchmark(Description = "CsvRowSource pass (1 worker thread)")]
    public double RowSourceOneWorker() => Pass(new CsvRowSource(_path, ["y"]) { WorkerThreads = 1 });

    private static double Pass(CsvRowSource source)
    {
        double sum = 0;
        foreach (var chunk in source.ReadChunks(64 * 1024))
            sum += chunk.X[0] + chunk.Y[chunk.Rows - 1];
        return sum;
    }

    /// <summary>Sep alone: split the rows and parse every cell with Sep's csFastFloat path, one thread.</summary>
    [Benchmark(Description = "Sep + csFastFloat, every cell (1 thread)")]
    public double Sep1()
    {
        using var reader = Sep.Reader(o => o with { CultureInfo = CultureInfo.InvariantCulture }).FromFile(_path);
        double sum = 0;
        foreach (var row in reader)
            for (int j = 0; j < Columns; j++)
                sum += row[j].Parse<double>();
        return sum;
    }

    /// <summary>Sep's own parallel reading: rows split on one thread, cells parsed by <c>ParallelEnumerate</c>.</summary>
    [Benchmark(Description = "Sep ParallelEnumerate, every cell (all cores)")]
    public double SepParallel()
    {
        using var reader = Sep.Reader(o => o with { CultureInfo = CultureInfo.InvariantCulture }).FromFile(_path);
        double sum = 0;
        foreach (double rowSum in reader.ParallelEnumerate(row =>
        {
            double s = 0;
            for (int j = 0; j < Columns; j++)
                s += row[j].Parse<double>();
            return s;
        }))
            sum += rowSum;
        return sum;
    }

    /// <summary>Bytes of CSV text one operation reads: the whole file.</summary>
    public static double? BytesPerOperation(BenchmarkCase c) => FileBytes > 0 ? FileBytes : null;
}

/// <summary>Adds the GB/s and vs-read-only columns (from medians) to <see cref="CsvParseBench"/>'s summary.</summary>
public sealed class CsvParseConfig : MedianConfig
{
    public CsvParseConfig()
    {
        AddColumn(new ThroughputColumn(CsvParseBench.BytesPerOperation, nameof(CsvParseBench.ReadBytes), relative: false));
        AddColumn(new ThroughputColumn(CsvParseBench.BytesPerOperation, nameof(CsvParseBench.ReadBytes), relative: true, referenceName: "read bytes"));
    }
}
