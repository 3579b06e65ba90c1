using System.Globalization;

namespace Lsgd.Cluster;

/// <summary>
/// How fast the cluster notices a lost silo and gives up on a call. The defaults declare a silo that stops
/// answering dead within about 3 s and time calls out after 3 s; a call that timed out is retried.
/// </summary>
/// <remarks>
/// <see cref="Default"/> takes <c>LSGD_CLUSTER_RESPONSE_TIMEOUT</c> and <c>LSGD_CLUSTER_STALL_TIMEOUT</c> (seconds) from
/// the environment when they are set: a loaded machine (or a slow shared disk) may need longer ones; give every silo
/// and client the same response timeout.
/// </remarks>
public sealed record ClusterTimeouts
{
    /// <summary>Environment variable that sets <see cref="ResponseTimeout"/> of <see cref="Default"/>, in seconds.</summary>
    public const string ResponseTimeoutVariable = "LSGD_CLUSTER_RESPONSE_TIMEOUT";

    /// <summary>Environment variable that sets <see cref="StallTimeout"/> of <see cref="Default"/>, in seconds.</summary>
    public const string StallTimeoutVariable = "LSGD_CLUSTER_STALL_TIMEOUT";

    /// <summary>A grain call with no answer by then fails with a timeout (and is retried). Default 3 s.</summary>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Silos probe each other this often; a silo missing <see cref="MissedProbesLimit"/> probes is declared dead. Default 1 s.</summary>
    public TimeSpan ProbeInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Probes a silo may miss before it is suspected (and, by one vote, declared dead). Default 3 (2 declared busy silos dead on a loaded machine).</summary>
    public int MissedProbesLimit { get; init; } = 3;

    /// <summary>A fit that makes no progress (no shard finished, no answer) for this long fails instead of hanging. Default 60 s.</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The defaults, with the response and stall timeouts the environment sets (see the remarks).</summary>
    /// <exception cref="LsgdException">A variable is set to something other than a positive number of seconds.</exception>
    public static ClusterTimeouts Default => FromEnvironment(Environment.GetEnvironmentVariable);

    /// <summary>The defaults with the variables <paramref name="variable"/> gives (null: unset).</summary>
    internal static ClusterTimeouts FromEnvironment(Func<string, string?> variable)
    {
        var timeouts = new ClusterTimeouts();
        if (Seconds(variable, ResponseTimeoutVariable) is { } response)
            timeouts = timeouts with { ResponseTimeout = response };
        if (Seconds(variable, StallTimeoutVariable) is { } stall)
            timeouts = timeouts with { StallTimeout = stall };
        return timeouts;
    }

    private static TimeSpan? Seconds(Func<string, string?> variable, string name)
    {
        string? text = variable(name);
        if (string.IsNullOrWhiteSpace(text))
            return null;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) || !(seconds > 0) || seconds > 86_400)
            throw new LsgdException($"{name}={text} is not allowed: give a number of seconds between 0 and 86400 (e.g. {name}=10), or unset it.");
        return TimeSpan.FromSeconds(seconds);
    }
}
