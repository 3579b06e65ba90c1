using System.Diagnostics;
using System.Globalization;
using System.Text;
using Xunit.Abstractions;

namespace Lsgd.Cluster.Tests;

/// <summary>Runs only when LSGD_CLUSTER_MEASURE=1 (figures for docs/CLUSTER.md; they assert nothing about time).</summary>
public sealed class MeasurementFactAttribute : FactAttribute
{
    public MeasurementFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("LSGD_CLUSTER_MEASURE") != "1")
            Skip = "Measurements for docs/CLUSTER.md: run with LSGD_CLUSTER_MEASURE=1 (LSGD_CLUSTER_MEASURE_MB sets the data size, default 1024).";
    }
}

/// <summary>
/// The figures of docs/CLUSTER.md: <c>LSGD_CLUSTER_MEASURE=1 dotnet test tests/Lsgd.Cluster.Tests -c Release
/// --filter ClusterMeasurements --logger "console;verbosity=detailed"</c>.
/// </summary>
public class ClusterMeasurements(ITestOutputHelper output)
{
    [MeasurementFact]
    public async Task RoundOverheadAndStatisticsPass()
    {
        using var folder = new TempFolder();
        // Per-step overhead: 8 tiny shards (d = 10), rounds of asking every worker for its statistics.
        var tiny = Write(folder, "tiny", 8, rows: 50, features: 10);
        foreach (int silos in new[] { 1, 2, 3 })
        {
            await using var cluster = await ClusterConnection.ConnectAsync($"local:{silos}");
            double ms = await cluster.MeasureRoundAsync(new ShardedData(tiny, ["y"]), rounds: 200);
            output.WriteLine(string.Format(CultureInfo.InvariantCulture, "round, 8 shards × (10² + 10 + …) numbers, {0} silo(s): median {1:F2} ms", silos, ms));
        }
        // A statistics pass over about LSGD_CLUSTER_MEASURE_MB megabytes of CSV in 8 shards.
        int mb = int.TryParse(Environment.GetEnvironmentVariable("LSGD_CLUSTER_MEASURE_MB"), out int m) ? m : 1024;
        int rowsPerShard = (int)(mb * 1024L * 1024 / 8 / 215);   // ≈ 215 bytes per row of 11 numbers
        var clock = Stopwatch.StartNew();
        var big = Write(folder, "big", 8, rowsPerShard, features: 10);
        long bytes = big.Sum(f => new FileInfo(f).Length);
        output.WriteLine(string.Format(CultureInfo.InvariantCulture, "wrote {0:F0} MB in 8 shards ({1} rows each) in {2:F1} s", bytes / 1048576.0, rowsPerShard, clock.Elapsed.TotalSeconds));
        var data = new ShardedData(big, ["y"]);
        clock.Restart();
        var local = data.ComputeLocally();
        output.WriteLine(string.Format(CultureInfo.InvariantCulture, "one process, no cluster: {0:F1} s", clock.Elapsed.TotalSeconds));
        foreach (int silos in new[] { 1, 3 })
        {
            await using var cluster = await ClusterConnection.ConnectAsync($"local:{silos}");
            clock.Restart();
            var run = await cluster.ComputeStatisticsAsync(data);
            output.WriteLine(string.Format(CultureInfo.InvariantCulture, "local:{0}: {1:F1} s", silos, clock.Elapsed.TotalSeconds));
            ShardFiles.AssertBitIdentical(local, run.Statistics);
        }
        output.WriteLine($"load average: {File.ReadAllText("/proc/loadavg").Trim()}, {Environment.ProcessorCount} cores");
    }

    /// <summary>
    /// Per-step overhead of a synchronous mini-batch round: 8 shards of 1 000 rows (d = 10), batches of 80 rows (10
    /// per shard), 3 epochs of 100 steps with Adam; the median interval between finished steps on 1, 2, 3 silos
    /// against the same steps in one process.
    /// </summary>
    [MeasurementFact]
    public async Task MiniBatchStepOverhead()
    {
        using var folder = new TempFolder();
        var files = Write(folder, "steps", 8, rows: 1000, features: 10);
        var data = new ShardedData(files, ["y"]);
        var options = new Lsgd.Estimators.LinearRegressorOptions
        {
            Method = Lsgd.Estimators.SolverMethod.GradientDescent,
            Standardize = true,
            GradientDescent = new Lsgd.Training.GradientDescentOptions
            {
                LossScaling = Lsgd.Models.LossScaling.Mean, BatchSize = 80, Optimizer = new Lsgd.Optimizers.Adam(), LearningRate = 0.01, MaxIterations = 3, Tolerance = 0, Seed = 1,
            },
        };
        var statistics = data.ComputeLocally();
        var batches = data.LocalMiniBatches();
        new Lsgd.Estimators.LinearRegressor(options with { GradientDescent = options.GradientDescent with { MaxIterations = 1 } }).Fit(statistics, batches);   // load the rows
        var clock = Stopwatch.StartNew();
        var local = new Lsgd.Estimators.LinearRegressor(options).Fit(statistics, batches);
        output.WriteLine(string.Format(CultureInfo.InvariantCulture, "one process: {0:F3} ms per step (300 steps, the fit's own work included)", clock.Elapsed.TotalMilliseconds / 300));
        foreach (int silos in new[] { 1, 2, 3 })
        {
            await using var cluster = await ClusterConnection.ConnectAsync($"local:{silos}");
            var run = await cluster.ComputeStatisticsAsync(data);
            var steps = cluster.MiniBatches(data, run);
            var stamps = new List<long>();
            cluster.AfterStep = _ => stamps.Add(Stopwatch.GetTimestamp());
            var fit = await Task.Run(() => new Lsgd.Estimators.LinearRegressor(options).Fit(run.Statistics, steps));
            await steps.FinishAsync();
            Assert.Equal(local.Model.Parameters.ToArray(), fit.Model.Parameters.ToArray());
            // Intervals within the last two epochs (the first loads the rows on the workers).
            var intervals = stamps.Skip(101).Zip(stamps.Skip(100), (b, a) => Stopwatch.GetElapsedTime(a, b).TotalMilliseconds).Order().ToArray();
            output.WriteLine(string.Format(CultureInfo.InvariantCulture, "local:{0}: median {1:F2} ms per step (p90 {2:F2} ms), 8 parts of 11 doubles back, θ of 11 out to each, over {3} steps",
                silos, intervals[intervals.Length / 2], intervals[intervals.Length * 9 / 10], intervals.Length));
        }
        output.WriteLine($"load average: {File.ReadAllText("/proc/loadavg").Trim()}, {Environment.ProcessorCount} cores");
    }

    /// <summary>
    /// One CSV file of about LSGD_CLUSTER_MEASURE_MB / 4 megabytes (256 by default): its statistics read as one shard,
    /// as 8 byte blocks in one process and on local:3, and the blocks' quote scan alone (what cutting at line breaks adds).
    /// </summary>
    [MeasurementFact]
    public async Task CsvBlocks()
    {
        using var folder = new TempFolder();
        int mb = (int.TryParse(Environment.GetEnvironmentVariable("LSGD_CLUSTER_MEASURE_MB"), out int m) ? m : 1024) / 4;
        string file = Write(folder, "one", 1, (int)(mb * 1024L * 1024 / 215), features: 10)[0];
        long bytes = new FileInfo(file).Length;
        var whole = new ShardedData([file], ["y"]) { BlockBytes = bytes + 1 };
        var blocks = new ShardedData([file], ["y"]) { BlockBytes = bytes / 8 + 1 };
        whole.ComputeLocally();   // warm: the JIT, the page cache
        var clock = Stopwatch.StartNew();
        whole.ComputeLocally();
        double one = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var local = blocks.ComputeLocally();
        double eight = clock.Elapsed.TotalSeconds;
        clock.Restart();
        foreach (var job in blocks.Jobs)
            Assert.Null(ShardReader.QuotedLineBreak(job));
        double scan = clock.Elapsed.TotalSeconds;
        await using var cluster = await ClusterConnection.ConnectAsync("local:3");
        clock.Restart();
        var run = await cluster.ComputeStatisticsAsync(blocks);
        double onCluster = clock.Elapsed.TotalSeconds;
        ShardFiles.AssertBitIdentical(local, run.Statistics);
        output.WriteLine(string.Format(CultureInfo.InvariantCulture,
            "{0:F0} MB CSV: one shard {1:F1} s; {2} byte blocks in one process {3:F1} s, on local:3 {4:F1} s; the blocks' quote scan alone {5:F2} s ({6:F0} MB/s)",
            bytes / 1048576.0, one, blocks.ShardCount, eight, onCluster, scan, bytes / 1048576.0 / scan));
        output.WriteLine($"load average: {File.ReadAllText("/proc/loadavg").Trim()}, {Environment.ProcessorCount} cores");
    }

    private static List<string> Write(TempFolder folder, string stem, int shards, int rows, int features)
    {
        var files = new List<string>();
        var random = new Random(1);
        for (int s = 0; s < shards; s++)
        {
            string path = folder.File($"{stem}-{s}.csv");
            using var writer = new StreamWriter(path, false, Encoding.ASCII, 1 << 20);
            writer.WriteLine(string.Join(',', Enumerable.Range(1, features).Select(j => $"x{j}")) + ",y");
            var line = new StringBuilder();
            for (int r = 0; r < rows; r++)
            {
                line.Clear();
                double y = 0;
                for (int j = 0; j < features; j++)
                {
                    double x = random.NextDouble() * 100;
                    y += (j + 1) * x;
                    line.Append(x.ToString("R", CultureInfo.InvariantCulture)).Append(',');
                }
                line.Append((y + random.NextDouble()).ToString("R", CultureInfo.InvariantCulture));
                writer.WriteLine(line);
            }
            files.Add(path);
        }
        return files;
    }
}
