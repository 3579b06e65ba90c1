using Lsgd.Estimators;
using Lsgd.Models;
using Lsgd.Optimizers;
using Lsgd.Training;

namespace Lsgd.Cluster.Tests;

/// <summary>A cluster that stops answering, or a shard that never finishes: one error saying what stalled, for how long, and what to do — no hang, no stack.</summary>
public class StallTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    /// <summary>Short waits, so that a stall is found in seconds.</summary>
    private static readonly ClusterTimeouts Short = new() { StallTimeout = TimeSpan.FromSeconds(3), ResponseTimeout = TimeSpan.FromSeconds(1) };

    private static void AssertIsAStallMessage(string message)
    {
        Assert.StartsWith("The cluster ", message);
        // The wait is checked after each call to the coordinator, and a call may take up to 2 × ResponseTimeout (1 s) to
        // time out: the figure is the 3 s stall timeout or a little more on a loaded machine, never less.
        var waited = System.Text.RegularExpressions.Regex.Match(message, @" for (\d+) s \(");
        Assert.True(waited.Success, message);
        Assert.InRange(int.Parse(waited.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 3, 6);
        Assert.Contains("Check that its silos are running", message);
        Assert.Contains("LSGD_CLUSTER_STALL_TIMEOUT=SECONDS (now 3)", message);
        Assert.DoesNotContain('\n', message);
        Assert.DoesNotContain("   at ", message);
    }

    [Fact]
    public async Task EverySiloStoppedEndsTheFitWithWhatStalledAndWhatToDo()
    {
        using var shards = new ShardFiles(2, rowsPerShard: 20);
        await using var cluster = await ClusterConnection.ConnectAsync("local:2", Short);
        await cluster.StopSiloAsync(0, graceful: false);
        await cluster.StopSiloAsync(1, graceful: false);
        var e = await Assert.ThrowsAsync<LsgdException>(() => cluster.ComputeStatisticsAsync(shards.Data()).WaitAsync(Patience));
        AssertIsAStallMessage(e.Message);
        Assert.Contains("did not answer the list of live silos before the pass", e.Message);
        Assert.Contains(" calls, the last: ", e.Message);
    }

    [Fact]
    public async Task AShardThatNeverFinishesIsNamedWhenThePassStalls()
    {
        using var shards = new ShardFiles(3, rowsPerShard: 20);
        using var gate = new ManualResetEventSlim(false);
        ShardReader.BeforeRead = job => { if (job.Index == 1) gate.Wait(Patience); };
        try
        {
            await using var cluster = await ClusterConnection.ConnectAsync("local:2", Short);
            var e = await Assert.ThrowsAsync<LsgdException>(() => cluster.ComputeStatisticsAsync(shards.Data()).WaitAsync(Patience));
            AssertIsAStallMessage(e.Message);
            // The waited figure is checked (3-6 s) by AssertIsAStallMessage; CI saw "4 s" on a loaded machine.
            Assert.Matches(@"finished no shard for \d+ s \(2 of 3 read; waiting for shard 2 \(", e.Message);
            Assert.Contains("part-01.csv); coordinator on silo ", e.Message);
        }
        finally
        {
            ShardReader.BeforeRead = null;
            gate.Set();
        }
    }

    [Fact]
    public async Task AMiniBatchStepThatNeverFinishesIsNamedWhenItStalls()
    {
        using var shards = new ShardFiles(2, rowsPerShard: 50);
        using var gate = new ManualResetEventSlim(false);
        ShardReader.RowsRead = job => { if (job.Index == 1) gate.Wait(Patience); };
        try
        {
            await using var cluster = await ClusterConnection.ConnectAsync("local:2", Short);
            var data = shards.Data();
            var run = await cluster.ComputeStatisticsAsync(data).WaitAsync(Patience);
            var options = new LinearRegressorOptions
            {
                Method = SolverMethod.GradientDescent,
                GradientDescent = new GradientDescentOptions { LossScaling = LossScaling.Mean, BatchSize = 10, Optimizer = new Adam(), MaxIterations = 1, Tolerance = 0 },
            };
            var e = await Assert.ThrowsAsync<LsgdException>(() => Task.Run(() => new LinearRegressor(options).Fit(run.Statistics, cluster.MiniBatches(data, run))).WaitAsync(Patience));
            AssertIsAStallMessage(e.Message);
            Assert.Contains("did not finish mini-batch step 1 (epoch step 1 of 10) for ", e.Message);
            // The last answer: the coordinator still waiting for the held shard's worker, or (a loaded machine) the call
            // that timed out while it waited; CI failed twice in three runs of this class on the first's exact wording.
            Assert.Matches(@"the last answer: (the coordinator on silo \S+ still waited for shards' workers|timed out|(Timeout|Orleans|InvalidOperation)Exception: )", e.Message);
        }
        finally
        {
            ShardReader.RowsRead = null;
            gate.Set();
        }
    }

    [Fact]
    public void TheCliPrintsAStallAsOneErrorLineWithoutAStack()
    {
        using var shards = new ShardFiles(2, rowsPerShard: 20);
        using var gate = new ManualResetEventSlim(false);
        ShardReader.BeforeRead = job => { if (job.Index == 1) gate.Wait(Patience); };
        Environment.SetEnvironmentVariable(ClusterTimeouts.StallTimeoutVariable, "3");
        try
        {
            var result = CliClusterTest.Lsgd(["fit", .. shards.Files, "--target", "y", "--cluster", "local:2"]);
            Assert.Equal(2, result.Code);
            Assert.Matches(@"^lsgd: error: The cluster finished no shard for [3-6] s \(1 of 2 read; waiting for shard 2 \(", result.Error);
            Assert.Single(result.Error.TrimEnd().Split('\n'));
        }
        finally
        {
            Environment.SetEnvironmentVariable(ClusterTimeouts.StallTimeoutVariable, null);
            ShardReader.BeforeRead = null;
            gate.Set();
        }
    }

    [Theory]
    [InlineData(null, null, 3, 60)]
    [InlineData("10", "120", 10, 120)]
    [InlineData("0.5", " ", 0.5, 60)]
    public void TheEnvironmentSetsTheResponseAndStallTimeouts(string? response, string? stall, double responseSeconds, double stallSeconds)
    {
        var timeouts = ClusterTimeouts.FromEnvironment(name => name == ClusterTimeouts.ResponseTimeoutVariable ? response : stall);
        Assert.Equal(TimeSpan.FromSeconds(responseSeconds), timeouts.ResponseTimeout);
        Assert.Equal(TimeSpan.FromSeconds(stallSeconds), timeouts.StallTimeout);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("ten")]
    public void AWrongTimeoutInTheEnvironmentIsRefusedNamingTheVariable(string value)
    {
        var e = Assert.Throws<LsgdException>(() => ClusterTimeouts.FromEnvironment(name => name == ClusterTimeouts.StallTimeoutVariable ? value : null));
        Assert.StartsWith($"LSGD_CLUSTER_STALL_TIMEOUT={value} is not allowed", e.Message);
    }
}
