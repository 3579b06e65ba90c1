using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Lsgd.Data;
using Lsgd.Estimators;
using Lsgd.IO;
using Lsgd.Models;
using Lsgd.Optimizers;
using Lsgd.Training;

namespace Lsgd.Cluster.Tests;

/// <summary>A large CSV file split in byte blocks cut at line starts: each block a shard, the same bits on one machine and on a cluster.</summary>
public class CsvBlockShardTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    /// <summary>y = 1.5 + 2x₁ − 3x₂ + 0.5x₃ + noise, <paramref name="rows"/> rows; <paramref name="edit"/> may change a row's text (0-based row index).</summary>
    private static string WriteCsv(ShardFiles folder, string name, int rows, string newline = "\n", Func<int, string, string>? edit = null)
    {
        var random = new Random(11);
        var text = new StringBuilder("x1,x2,x3,y" + newline);
        for (int r = 0; r < rows; r++)
        {
            double x1 = random.NextDouble() * 10, x2 = random.NextDouble() - 0.5, x3 = random.NextDouble() * 100;
            double y = 1.5 + 2 * x1 - 3 * x2 + 0.5 * x3 + (random.NextDouble() - 0.5);
            string line = string.Create(CultureInfo.InvariantCulture, $"{x1:R},{x2:R},{x3:R},{y:R}");
            text.Append(edit is null ? line : edit(r, line)).Append(newline);
        }
        return folder.File(name, text.ToString());
    }

    [Fact]
    public async Task ALargeCsvFileSplitInBlocksGivesEveryRowOnceAndTheSameBitsOnTheCluster()
    {
        using var folder = new ShardFiles(0);
        string file = WriteCsv(folder, "big.csv", 3000);
        var data = new ShardedData([file], ["y"]) { BlockBytes = 40_000 };
        Assert.True(data.ShardCount >= 5, $"{data.ShardCount} shards");
        Assert.Contains(" bytes ", data.ShardNames[1]);
        var local = data.ComputeLocally();
        // Every row in exactly one block: the count, and the merged statistics are the whole file's up to rounding.
        Assert.Equal(3000, local.Count);
        var whole = SufficientStatistics.Compute(new CsvRowSource(file, ["y"]));
        for (int i = 0; i < whole.FeatureScatter.Length; i++)
            Assert.Equal(whole.FeatureScatter[i], local.FeatureScatter[i], 1e-9 * Math.Abs(whole.FeatureScatter[i]));
        Assert.Equal(whole.TargetMeans[0], local.TargetMeans[0], 1e-12 * Math.Abs(whole.TargetMeans[0]));

        var options = new LinearRegressorOptions
        {
            Method = SolverMethod.GradientDescent,
            Standardize = true,
            GradientDescent = new GradientDescentOptions { LossScaling = LossScaling.Mean, BatchSize = 128, Optimizer = new Adam(), LearningRate = 0.05, MaxIterations = 2, Tolerance = 0, Seed = 3 },
        };
        var localFit = new LinearRegressor(options).Fit(local, data.LocalMiniBatches());

        await using var cluster = await ClusterConnection.ConnectAsync("local:3");
        var run = await cluster.ComputeStatisticsAsync(data).WaitAsync(Patience);
        ShardFiles.AssertBitIdentical(local, run.Statistics);
        Assert.Equal(data.ShardCount, run.Shards);
        Assert.Equal(3000, run.ShardRows.Sum());
        var steps = cluster.MiniBatches(data, run);
        var clusterFit = await Task.Run(() => new LinearRegressor(options).Fit(run.Statistics, steps)).WaitAsync(Patience);
        await steps.FinishAsync();
        Assert.Equal(localFit.Model.Parameters.ToArray(), clusterFit.Model.Parameters.ToArray());
    }

    [Fact]
    public void BlocksOfAFileWithCrLfLineEndsAndBlankLinesHoldEveryRowOnce()
    {
        using var folder = new ShardFiles(0);
        string file = WriteCsv(folder, "crlf.csv", 1000, "\r\n", (r, line) => r % 97 == 0 ? "\r\n" + line : line);
        foreach (long bytes in new long[] { 1_000, 7_777, 30_000 })
        {
            var data = new ShardedData([file], ["y"]) { BlockBytes = bytes };
            Assert.True(data.ShardCount > 1);
            Assert.Equal(1000, data.ComputeLocally().Count);
        }
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    public async Task ABadCellInALaterBlockIsNamedByItsLineInTheFile(string newline)
    {
        using var folder = new ShardFiles(0);
        // Row 2400 (line 2402 with the header and a blank line before row 10) has a word where x2 should be.
        string file = WriteCsv(folder, "bad.csv", 3000, newline, (r, line) => r == 10 ? newline + line
            : r == 2400 ? string.Join(',', line.Split(',').Select((c, j) => j == 1 ? "oops" : c)) : line);
        var whole = Assert.Throws<CsvFormatException>(() => SufficientStatistics.Compute(new CsvRowSource(file, ["y"])));
        Assert.Equal(2403, whole.Line);
        var data = new ShardedData([file], ["y"]) { BlockBytes = 20_000 };
        Assert.True(data.ShardCount >= 5);
        var local = Assert.Throws<LsgdException>(() => data.ComputeLocally());
        Assert.Contains($"{file}, line 2403, column 2 ('x2'): 'oops' is not a number", local.Message);
        await using var cluster = await ClusterConnection.ConnectAsync("local:2");
        var remote = await Assert.ThrowsAsync<LsgdException>(() => cluster.ComputeStatisticsAsync(data).WaitAsync(Patience));
        Assert.Contains($"{file}, line 2403, column 2 ('x2'): 'oops' is not a number", remote.Message);
    }

    [Fact]
    public void QuotedFieldsOnOneLineAreReadInBlocks()
    {
        using var folder = new ShardFiles(0);
        string plain = WriteCsv(folder, "plain.csv", 800);
        string quoted = WriteCsv(folder, "quoted.csv", 800, edit: (_, line) => string.Join(',', line.Split(',').Select(c => $"\"{c}\"")));
        var expected = new ShardedData([plain], ["y"]) { BlockBytes = 9_000 }.ComputeLocally();
        var data = new ShardedData([quoted], ["y"]) { BlockBytes = 9_000 };
        Assert.True(data.ShardCount > 1);
        var actual = data.ComputeLocally();
        Assert.Equal(800, actual.Count);
        for (int i = 0; i < expected.FeatureScatter.Length; i++)
            Assert.Equal(expected.FeatureScatter[i], actual.FeatureScatter[i], 1e-9 * Math.Abs(expected.FeatureScatter[i]));
    }

    [Fact]
    public void AQuotedLineBreakRefusesBlocksNamingTheLine()
    {
        using var folder = new ShardFiles(0);
        // A text column whose cell on row 500 (line 501 of the file) holds a line break inside quotes.
        string file = WriteCsv(folder, "notes.csv", 1000, edit: (r, line) => line + (r == 499 ? ",\"two\nlines\"" : ",note"));
        File.WriteAllText(file, "x1,x2,x3,y,note" + File.ReadAllText(file)[10..]);
        // Read whole, the file is fine.
        Assert.Equal(1000, SufficientStatistics.Compute(new CsvRowSource(file, ["y"], ["x1", "x2", "x3"])).Count);
        var data = new ShardedData([file], ["y"], ["x1", "x2", "x3"]) { BlockBytes = 10_000 };
        Assert.True(data.ShardCount > 2);
        var e = Assert.Throws<LsgdException>(() => data.ComputeLocally());
        Assert.Contains($"{file}, line 501: a quoted field holds a line break, so this file cannot be read in blocks", e.Message);
        Assert.Contains("convert it to Parquet", e.Message);
    }

    [Fact]
    public void AFileSmallerThanABlockIsOneShard()
    {
        using var folder = new ShardFiles(0);
        string file = WriteCsv(folder, "small.csv", 50);
        var data = new ShardedData([file], ["y"]) { BlockBytes = 1 << 20 };
        Assert.Equal(1, data.ShardCount);
        Assert.Equal(file, data.ShardNames[0]);
    }

    [Fact]
    public void TheCliSplitsALargeCsvFileInBlocksAndTheClusterPrintsTheLocalJson()
    {
        using var folder = new ShardFiles(0);
        WriteCsv(folder, "big.csv", 2000);
        string glob = Path.Combine(folder.Folder, "big*.csv");
        Environment.SetEnvironmentVariable("LSGD_TEST_CSV_BLOCK_BYTES", "30000");
        try
        {
            string[] flags = ["fit", glob, "--target", "y", "--batch-size", "100", "--optimizer", "adam", "--learning-rate", "0.05", "--max-iterations", "2", "--json"];
            var local = CliClusterTest.Lsgd(flags);
            Assert.True(local.Code == 0, local.Error);
            var cluster = CliClusterTest.Lsgd([.. flags, "--cluster", "local:2"]);
            Assert.True(cluster.Code == 0, cluster.Error);
            Assert.Equal(CliClusterTest.Comparable(local.Output), CliClusterTest.Comparable(cluster.Output));
            var json = JsonNode.Parse(cluster.Output)!;
            Assert.True(json["cluster"]!["shards"]!.GetValue<int>() >= 4);
            Assert.Equal(2000, json["rows"]!.GetValue<int>());
        }
        finally
        {
            Environment.SetEnvironmentVariable("LSGD_TEST_CSV_BLOCK_BYTES", null);
        }
    }
}
