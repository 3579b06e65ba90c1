namespace Lsgd.Cluster;

/// <summary>
/// How fast the cluster notices a lost silo and gives up on a call. The defaults declare a silo that stops
/// answering dead within about 3 s and time calls out after 3 s; a call that timed out is retried.
/// </summary>
public sealed record ClusterTimeouts
{
    /// <summary>A grain call with no answer by then fails with a timeout (and is retried). Default 3 s.</summary>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Silos probe each other this often; a silo missing <see cref="MissedProbesLimit"/> probes is declared dead. Default 1 s.</summary>
    public TimeSpan ProbeInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Probes a silo may miss before it is suspected (and, by one vote, declared dead). Default 3 (2 declared busy silos dead on a loaded machine).</summary>
    public int MissedProbesLimit { get; init; } = 3;

    /// <summary>A fit that makes no progress (no shard finished, no answer) for this long fails instead of hanging. Default 60 s.</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The defaults.</summary>
    public static ClusterTimeouts Default { get; } = new();
}
