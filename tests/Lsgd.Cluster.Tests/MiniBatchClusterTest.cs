using System.Collections.Concurrent;
using Lsgd.Models;
using Lsgd.Estimators;
using Lsgd.Optimizers;
using Lsgd.Training;

namespace Lsgd.Cluster.Tests;

/// <summary>Mini-batch optimizers on shards: synchronous data-parallel steps on a cluster equal the same steps in one process, bit for bit, whatever happens to a silo.</summary>
public class MiniBatchClusterTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    private static LinearRegressorOptions Options(int epochs = 4) => new()
    {
        Method = SolverMethod.GradientDescent,
        Standardize = true,
        GradientDescent = new GradientDescentOptions { LossScaling = LossScaling.Mean, BatchSize = 64, Optimizer = new Adam(), LearningRate = 0.05, MaxIterations = epochs, Tolerance = 0, Seed = 11 },
    };

    private static LinearFit Local(ShardFiles shards, LinearRegressorOptions options)
    {
        var data = shards.Data();
        var statistics = data.ComputeLocally();
        return new LinearRegressor(options).Fit(statistics, data.LocalMiniBatches());
    }

    private static async Task<(LinearFit Fit, ClusterRun Run)> OnCluster(ClusterConnection cluster, ShardFiles shards, LinearRegressorOptions options)
    {
        var data = shards.Data();
        var run = await cluster.ComputeStatisticsAsync(data).WaitAsync(Patience);
        var steps = cluster.MiniBatches(data, run);
        var fit = await Task.Run(() => new LinearRegressor(options).Fit(run.Statistics, steps)).WaitAsync(Patience);
        return (fit, await steps.FinishAsync());
    }

    private static void AssertSameBits(LinearFit expected, LinearFit actual) =>
        Assert.Equal(expected.Model.Parameters.ToArray().Select(BitConverter.DoubleToInt64Bits), actual.Model.Parameters.ToArray().Select(BitConverter.DoubleToInt64Bits));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task ClusterMiniBatchStepsEqualOneMachineBitForBit(int silos)
    {
        using var shards = new ShardFiles(5, rowsPerShard: 300);
        var options = Options();
        var local = Local(shards, options);
        await using var cluster = await ClusterConnection.ConnectAsync($"local:{silos}");
        var (fit, run) = await OnCluster(cluster, shards, options);
        AssertSameBits(local, fit);
        // 1 500 rows in batches of 64: ⌈1500 / 64⌉ = 24 synchronous steps per epoch, 4 epochs.
        Assert.Equal(4 * 24, run.Steps);
        Assert.Equal(0, run.LostSilos);
        Assert.Equal(4, fit.Training!.Iterations);
    }

    [Fact]
    public void EveryRowIsInExactlyOneStepOfAnEpoch()
    {
        long[] shardRows = [300, 7, 0, 1234, 64];
        long steps = ShardSums.Steps(shardRows.Sum(), 64);
        Assert.Equal(26, steps);   // ⌈1605 / 64⌉
        foreach (long n in shardRows)
        {
            long next = 0;
            for (long t = 0; t < steps; t++)
            {
                var (start, count) = ShardSums.Part(n, steps, t);
                Assert.Equal(next, start);
                next = start + count;
            }
            Assert.Equal(n, next);
        }
        Assert.Equal(1605, Enumerable.Range(0, (int)steps).Sum(t => ShardSums.BatchRows(shardRows, steps, t)));
    }

    [Fact]
    public void AShardedMiniBatchFitEndsNearTheExactSolution()
    {
        using var shards = new ShardFiles(3, rowsPerShard: 300);
        var options = new LinearRegressorOptions
        {
            Method = SolverMethod.GradientDescent,
            Standardize = true,
            GradientDescent = new GradientDescentOptions { LossScaling = LossScaling.Mean, BatchSize = 900, LearningRate = 0.5, MaxIterations = 400, Tolerance = 0, RelativeGapTolerance = 0, Seed = 3 },
        };
        // One batch of every row per epoch: each step is a full gradient step, so the run converges to the exact solution.
        var fit = Local(shards, options);
        var exact = new LinearRegressor(new LinearRegressorOptions { Method = SolverMethod.Exact }).Fit(shards.Data().ComputeLocally());
        var a = fit.Model.Parameters.ToArray();
        var b = exact.Model.Parameters.ToArray();
        for (int i = 0; i < a.Length; i++)
            Assert.True(Math.Abs(a[i] - b[i]) <= 1e-9 * (1 + Math.Abs(b[i])), $"θ[{i}] = {a[i]}, exact {b[i]}, {fit.Training!.StopReason} after {fit.Training.Iterations}: {fit.Training.Message}");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ASiloKilledMidStepsResumesFromTheLastFinishedStep(bool coordinatorSilo)
    {
        using var shards = new ShardFiles(6, rowsPerShard: 300);
        var options = Options(epochs: 3);
        var local = Local(shards, options);
        await using var cluster = await ClusterConnection.ConnectAsync("local:3");
        var data = shards.Data();
        var run = await cluster.ComputeStatisticsAsync(data).WaitAsync(Patience);
        var steps = cluster.MiniBatches(data, run);
        var finished = new List<long>();
        var loads = new ConcurrentDictionary<int, int>();
        string? killedCoordinator = null;
        cluster.AfterStep = step =>
        {
            finished.Add(step);
            if (step != 40) return;
            string coordinator = cluster.LastCoordinatorSilo;
            int holder = Enumerable.Range(0, 3).Single(i => cluster.SiloAddress(i) == coordinator);
            killedCoordinator = coordinator;
            cluster.StopSiloAsync(coordinatorSilo ? holder : (holder + 1) % 3, graceful: false).GetAwaiter().GetResult();
        };
        ShardReader.RowsRead = job => loads.AddOrUpdate(job.Index, 1, (_, n) => n + 1);
        try
        {
            var fit = await Task.Run(() => new LinearRegressor(options).Fit(run.Statistics, steps)).WaitAsync(Patience);
            var done = await steps.FinishAsync();
            AssertSameBits(local, fit);
            Assert.Equal(1, done.LostSilos);
            // 1 800 rows in batches of 64: 29 steps per epoch, 3 epochs; every step finished once, in order.
            Assert.Equal(3 * 29, done.Steps);
            Assert.Equal(Enumerable.Range(0, 3 * 29).Select(i => (long)i), finished);
            // Only the shards held by the lost silo were loaded again; the others kept their rows.
            Assert.All(loads.Values, n => Assert.InRange(n, 1, 2));
            if (coordinatorSilo)
                Assert.NotEqual(killedCoordinator, cluster.LastCoordinatorSilo);
        }
        finally
        {
            ShardReader.RowsRead = null;
            cluster.AfterStep = null;
        }
    }
}
