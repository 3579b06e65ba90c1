namespace Lsgd.Cluster.Tests;

/// <summary>The client (<c>lsgd fit --cluster</c>) stopped mid-pass and run again: the statistics pass resumes from the coordinator's persisted state.</summary>
public class ClientRestartTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task ARerunOfAStoppedPassReadsOnlyTheShardsNotFinished()
    {
        using var shards = new ShardFiles(6);
        var local = shards.Data().ComputeLocally();
        await using var cluster = await ClusterConnection.ConnectAsync("local:2");
        using var gate = new ManualResetEventSlim(false);
        var halfDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ShardReader.Reads.Clear();
        ShardReader.BeforeRead = job => { if (job.Index >= 3) gate.Wait(Patience); };
        try
        {
            using (var stop = new CancellationTokenSource())
            {
                var first = cluster.ComputeStatisticsAsync(shards.Data(), new Callback<int>(done => { if (done >= 3) halfDone.TrySetResult(); }), stop.Token);
                await halfDone.Task.WaitAsync(Patience);
                stop.Cancel();   // the client gives up (as a killed `lsgd fit` would), its coordinator's state stays
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first.WaitAsync(Patience));
            }
            gate.Set();
            var run = await cluster.ComputeStatisticsAsync(shards.Data()).WaitAsync(Patience);
            ShardFiles.AssertBitIdentical(local, run.Statistics);
            // Resumed, not restarted: every shard was read once in all, those finished before the stop included.
            foreach (var file in shards.Files)
                Assert.Equal(1, ShardReader.Reads[Path.GetFullPath(file)]);
        }
        finally
        {
            ShardReader.BeforeRead = null;
            gate.Set();
        }
    }

    [Fact]
    public void APassIsNamedByItsFilesAndTheirContentsAndTheCluster()
    {
        using var shards = new ShardFiles(2, rowsPerShard: 10);
        string id = ClusterConnection.PassId("lsgd", shards.Data());
        Assert.Equal(id, ClusterConnection.PassId("lsgd", shards.Data()));
        Assert.NotEqual(id, ClusterConnection.PassId("other", shards.Data()));
        Assert.NotEqual(id, ClusterConnection.PassId("lsgd", shards.Data([shards.Files[1], shards.Files[0]])));
        File.AppendAllText(shards.Files[0], "1,2,3,4\n");
        Assert.NotEqual(id, ClusterConnection.PassId("lsgd", shards.Data()));
    }
}
