using Lsgd.Data;
using Lsgd.Estimators;

namespace Lsgd.Cluster.Tests;

/// <summary>Silos in this process (<c>local:N</c>): the same statistics as one machine, bit for bit, whatever happens to a silo.</summary>
public class LocalClusterTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task ClusterStatisticsEqualOneMachineBitForBit(int silos)
    {
        using var shards = new ShardFiles(5);
        var local = shards.Data().ComputeLocally();
        await using var cluster = await ClusterConnection.ConnectAsync($"local:{silos}");
        var run = await cluster.ComputeStatisticsAsync(shards.Data()).WaitAsync(Patience);
        ShardFiles.AssertBitIdentical(local, run.Statistics);
        Assert.Equal(silos, run.Silos);
        Assert.Equal(5, run.Shards);
        Assert.Equal(0, run.LostSilos);
        var options = new LinearRegressorOptions { Method = SolverMethod.ConjugateGradient };
        var expected = new LinearRegressor(options).Fit(local);
        var actual = new LinearRegressor(options).Fit(run.Statistics);
        Assert.Equal(expected.Model.Parameters.ToArray(), actual.Model.Parameters.ToArray());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ASiloKilledMidPassLosesNothing(bool coordinatorSilo)
    {
        using var shards = new ShardFiles(6);
        var local = shards.Data().ComputeLocally();
        await using var cluster = await ClusterConnection.ConnectAsync("local:3");
        using var gate = new ManualResetEventSlim(false);
        var halfDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ShardReader.Reads.Clear();
        ShardReader.BeforeRead = job => { if (job.Index >= 3) gate.Wait(TimeSpan.FromSeconds(60)); };
        try
        {
            var pass = cluster.ComputeStatisticsAsync(shards.Data(), new Callback<int>(done => { if (done >= 3) halfDone.TrySetResult(); }));
            await halfDone.Task.WaitAsync(Patience);
            string coordinator = cluster.LastCoordinatorSilo;
            int holder = Enumerable.Range(0, 3).Single(i => cluster.SiloAddress(i) == coordinator);
            int victim = coordinatorSilo ? holder : (holder + 1) % 3;
            await cluster.StopSiloAsync(victim, graceful: false);
            gate.Set();
            var run = await pass.WaitAsync(Patience);
            ShardFiles.AssertBitIdentical(local, run.Statistics);
            Assert.Equal(1, run.LostSilos);
            Assert.Equal(3, run.Silos);
            // Resumed, not restarted: the shards finished before the kill were read once.
            foreach (var file in shards.Files.Take(3))
                Assert.Equal(1, ShardReader.Reads[Path.GetFullPath(file)]);
            if (coordinatorSilo)
                Assert.NotEqual(coordinator, cluster.LastCoordinatorSilo);
        }
        finally
        {
            ShardReader.BeforeRead = null;
            gate.Set();
        }
    }

    [Fact]
    public async Task AShardThatCannotBeReadFailsTheFitNamingTheFile()
    {
        using var shards = new ShardFiles(3, rowsPerShard: 20);
        string missing = Path.Combine(shards.Folder, "part-missing.csv");
        await using var cluster = await ClusterConnection.ConnectAsync("local:2");
        var e = await Assert.ThrowsAsync<LsgdException>(() => cluster.ComputeStatisticsAsync(shards.Data([shards.Files[0], missing, shards.Files[1]])).WaitAsync(Patience));
        Assert.Contains("part-missing.csv", e.Message);
        Assert.Contains("does not exist", e.Message);
    }

    [Fact]
    public async Task AMalformedShardFailsTheFitWithTheReadersMessage()
    {
        using var shards = new ShardFiles(2, rowsPerShard: 20);
        string bad = shards.File("part-bad.csv", "x1,x2,x3,y\n1,2,3,4\n1,2,oops,4\n");
        await using var cluster = await ClusterConnection.ConnectAsync("local:2");
        var e = await Assert.ThrowsAsync<LsgdException>(() => cluster.ComputeStatisticsAsync(shards.Data([shards.Files[0], bad])).WaitAsync(Patience));
        Assert.Contains("part-bad.csv", e.Message);
        Assert.Contains("oops", e.Message);
    }

    [Fact]
    public async Task StatusListsTheLiveSilos()
    {
        await using var cluster = await ClusterConnection.ConnectAsync("local:2");
        var silos = await cluster.StatusAsync();
        Assert.Equal(2, silos.Count);
        Assert.All(silos, s => Assert.Equal("Active", s.Status));
    }

    [Theory]
    [InlineData("local:0")]
    [InlineData("local:x")]
    [InlineData("redis://")]
    [InlineData("redis://host")]
    [InlineData("zookeeper")]
    public async Task AWrongAddressIsRefusedWithTheForms(string address)
    {
        var e = await Assert.ThrowsAsync<LsgdException>(() => ClusterConnection.ConnectAsync(address));
        Assert.Contains("local:", e.Message);
    }
}
