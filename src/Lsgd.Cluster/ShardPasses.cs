using Lsgd.Solvers;

namespace Lsgd.Cluster;

/// <summary>The exact solver's passes over shards read in this process: each shard's piece as a cluster worker computes it.</summary>
internal sealed class LocalShardPasses(ShardedData data) : IShardedRows
{
    public IReadOnlyList<double[]> Pass(ShardPass pass, CancellationToken cancellationToken) =>
        [.. Enumerable.Range(0, data.ShardCount).Select(i => ShardReader.ReadPass(data.Job(i), pass, cancellationToken))];
}

/// <summary>
/// The exact solver's passes over shards held by a cluster (<see cref="ClusterConnection.ExactPasses"/>): each pass
/// is one distributed pass through a coordinator of its own, which persists every finished shard's piece, so a lost
/// silo — a worker's or the coordinator's — costs the pieces in progress, not the pass.
/// </summary>
public sealed class ClusterShardPasses : IShardedRows
{
    private readonly ClusterConnection _cluster;
    private readonly ShardedData _data;
    private readonly ClusterRun _run;
    private readonly CancellationToken _cancel;
    private readonly string _fit = Guid.NewGuid().ToString("N");
    private readonly HashSet<string> _startSilos = [];
    private int _retries;

    internal ClusterShardPasses(ClusterConnection cluster, ShardedData data, ClusterRun run, CancellationToken cancellationToken)
    {
        _cluster = cluster;
        _data = data;
        _run = run;
        _cancel = cancellationToken;
    }

    /// <summary>Test hook: shards finished (and persisted by the coordinator) so far in the pass under way.</summary>
    internal IProgress<int>? PassProgress { get; set; }

    /// <summary>Distributed passes run so far (the factor, then one per refinement step).</summary>
    public int Passes { get; private set; }

    /// <inheritdoc />
    public IReadOnlyList<double[]> Pass(ShardPass pass, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pass);
        using var both = CancellationTokenSource.CreateLinkedTokenSource(_cancel, cancellationToken);
        var token = both.Token;
        return Task.Run(async () =>
        {
            if (_startSilos.Count == 0)
                _startSilos.UnionWith(await _cluster.LiveSilosAsync(token).ConfigureAwait(false));
            var plan = new FitPlan
            {
                Shards = [.. _data.Jobs],
                MaxAttempts = _cluster.MaxAttempts,
                RoundBudget = _cluster.RoundBudget,
                Pass = PassMessage.From(pass),
            };
            var coordinator = _cluster.Coordinator($"{_fit}/pass/{Passes}");
            var (report, clientRetries) = await _cluster.RunPassAsync(coordinator, _data, plan, $"exact solver's pass {Passes + 1} (tall-skinny QR)", PassProgress, token).ConfigureAwait(false);
            await ClusterConnection.ForgetAsync(coordinator).ConfigureAwait(false);
            Passes++;
            _retries += report.Retries + clientRetries;
            return (IReadOnlyList<double[]>)report.Pieces!;
        }, token).GetAwaiter().GetResult();
    }

    /// <summary>The run with these passes, their retries and the silos lost during them added.</summary>
    public async Task<ClusterRun> FinishAsync()
    {
        if (Passes == 0)
            return _run;
        var end = await _cluster.LiveSilosAsync(_cancel).ConfigureAwait(false);
        return _run with { Retries = _run.Retries + _retries, LostSilos = _run.LostSilos + _startSilos.Count(s => !end.Contains(s)), Passes = _run.Passes + Passes };
    }
}
