using System.Net;

namespace Lsgd.Cluster;

/// <summary>One silo of a real cluster (<c>lsgd cluster silo</c>).</summary>
/// <param name="Redis">HOST:PORT of the Redis that holds membership and the coordinators' state.</param>
public sealed record SiloSettings(string Redis)
{
    /// <summary>Separates clusters sharing one Redis. Default "lsgd".</summary>
    public string ClusterId { get; init; } = "lsgd";

    /// <summary>Address to bind and advertise. Default loopback: nothing outside this machine can join or call.</summary>
    public IPAddress Address { get; init; } = IPAddress.Loopback;

    /// <summary>Silo-to-silo port (null: a free one).</summary>
    public int? SiloPort { get; init; }

    /// <summary>Client gateway port (null: a free one).</summary>
    public int? GatewayPort { get; init; }

    /// <summary>Certificate (with key) for mutual TLS between silos and clients; null: plain TCP.</summary>
    public string? TlsCertificate { get; init; }

    /// <summary>Password of a PKCS#12 certificate file.</summary>
    public string? TlsPassword { get; init; }

    /// <summary>Failure detection and call timeouts.</summary>
    public ClusterTimeouts Timeouts { get; init; } = ClusterTimeouts.Default;
}
