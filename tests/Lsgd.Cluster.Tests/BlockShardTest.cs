using System.Text.Json.Nodes;
using Lsgd.Data;
using Lsgd.Estimators;
using Lsgd.IO;
using Lsgd.Models;
using Lsgd.Optimizers;
using Lsgd.Training;

namespace Lsgd.Cluster.Tests;

/// <summary>Shards smaller than a file (blocks of rows of a large .npy or Parquet file) and .npy pairs as shards.</summary>
public class BlockShardTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    /// <summary>Writes X (rows × 3) and y = 1.5 + 2x₁ − 3x₂ + 0.5x₃ + noise as an .npy pair; returns their paths.</summary>
    private static (string X, string Y) WritePair(ShardFiles folder, string suffix, int rows, int seed)
    {
        var random = new Random(seed);
        var x = new double[rows * 3];
        var y = new double[rows];
        for (int i = 0; i < rows; i++)
        {
            double x1 = random.NextDouble() * 10, x2 = random.NextDouble() - 0.5, x3 = random.NextDouble() * 100;
            (x[3 * i], x[3 * i + 1], x[3 * i + 2]) = (x1, x2, x3);
            y[i] = 1.5 + 2 * x1 - 3 * x2 + 0.5 * x3 + (random.NextDouble() - 0.5);
        }
        string xPath = Path.Combine(folder.Folder, $"X-{suffix}.npy"), yPath = Path.Combine(folder.Folder, $"Y-{suffix}.npy");
        NpyFile.Write(xPath, x, rows, 3);
        NpyFile.Write(yPath, y);
        return (xPath, yPath);
    }

    [Fact]
    public async Task ALargeFileSplitInBlocksSpreadsOverSilosWithTheSameBits()
    {
        using var folder = new ShardFiles(0);
        var (x, y) = WritePair(folder, "big", 150_000, seed: 5);
        var data = ShardedData.NpyPairs([x], [y], blockRows: 65_536);
        // 150 000 rows in blocks of 65 536: three shards, the last of 18 928 rows.
        Assert.Equal(3, data.ShardCount);
        Assert.EndsWith("rows 131073–150000", data.ShardNames[2]);
        var local = data.ComputeLocally();
        Assert.Equal(150_000, local.Count);
        // The blocks' merged statistics are those of the whole file, up to rounding.
        var whole = SufficientStatistics.Compute(new NpyRowSource(x, y));
        for (int i = 0; i < whole.FeatureScatter.Length; i++)
            Assert.Equal(whole.FeatureScatter[i], local.FeatureScatter[i], 1e-9 * Math.Abs(whole.FeatureScatter[i]));

        var options = new LinearRegressorOptions
        {
            Method = SolverMethod.GradientDescent,
            Standardize = true,
            GradientDescent = new GradientDescentOptions { LossScaling = LossScaling.Mean, BatchSize = 4096, Optimizer = new Adam(), LearningRate = 0.05, MaxIterations = 1, Tolerance = 0, Seed = 2 },
        };
        var localFit = new LinearRegressor(options).Fit(local, data.LocalMiniBatches());

        await using var cluster = await ClusterConnection.ConnectAsync("local:3");
        var run = await cluster.ComputeStatisticsAsync(data).WaitAsync(Patience);
        ShardFiles.AssertBitIdentical(local, run.Statistics);
        Assert.Equal(3, run.Shards);
        Assert.Equal([65_536L, 65_536L, 18_928L], run.ShardRows);
        var steps = cluster.MiniBatches(data, run);
        var clusterFit = await Task.Run(() => new LinearRegressor(options).Fit(run.Statistics, steps)).WaitAsync(Patience);
        await steps.FinishAsync();
        Assert.Equal(localFit.Model.Parameters.ToArray(), clusterFit.Model.Parameters.ToArray());
        Assert.Equal(37, steps.Steps);   // ⌈150 000 / 4096⌉
    }

    [Fact]
    public void NpyPairsGivenAsGlobsAreShardsLocallyAndOnTheCluster()
    {
        using var folder = new ShardFiles(0);
        for (int s = 0; s < 3; s++)
            WritePair(folder, $"{s:D2}", 500, seed: 20 + s);
        string[] flags = ["fit", "--features", Path.Combine(folder.Folder, "X-*.npy"), "--targets", Path.Combine(folder.Folder, "Y-*.npy"), "--method", "exact", "--json"];
        var local = CliClusterTest.Lsgd(flags);
        Assert.True(local.Code == 0, local.Error);
        var cluster = CliClusterTest.Lsgd([.. flags, "--cluster", "local:2"]);
        Assert.True(cluster.Code == 0, cluster.Error);
        Assert.Equal(CliClusterTest.Comparable(local.Output), CliClusterTest.Comparable(cluster.Output));
        var json = JsonNode.Parse(cluster.Output)!;
        Assert.Equal(1500, json["rows"]!.GetValue<int>());
        Assert.Equal(3, json["cluster"]!["shards"]!.GetValue<int>());
        Assert.Equal(2.0, json["coefficients"]!.AsArray()[0]!.GetValue<double>(), 0.05);
    }

    [Fact]
    public void UnpairedNpyGlobsAreOneErrorLine()
    {
        using var folder = new ShardFiles(0);
        WritePair(folder, "00", 50, seed: 1);
        WritePair(folder, "01", 50, seed: 2);
        File.Delete(Path.Combine(folder.Folder, "Y-01.npy"));
        var result = CliClusterTest.Lsgd("fit", "--features", Path.Combine(folder.Folder, "X-*.npy"), "--targets", Path.Combine(folder.Folder, "Y-*.npy"));
        Assert.Equal(2, result.Code);
        Assert.StartsWith("lsgd: error: --features names 2 .npy files but --targets names 1", result.Error);
        Assert.Single(result.Error.Trim().Split('\n'));
    }
}
