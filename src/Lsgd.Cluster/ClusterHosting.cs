using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Messaging;
using Orleans.Storage;
using StackExchange.Redis;

namespace Lsgd.Cluster;

/// <summary>How silos and clients are configured: one place for the cluster id, timeouts, storage, membership and TLS.</summary>
internal static class ClusterHosting
{
    /// <summary>The grain storage holding the coordinators' state.</summary>
    public const string StorageName = "lsgd";

    /// <summary>Orleans' service id: the same for every Lsgd cluster (the cluster id separates clusters).</summary>
    public const string ServiceId = "lsgd";

    /// <summary>A free TCP port on <paramref name="address"/>.</summary>
    public static int FreePort(IPAddress address)
    {
        using var listener = new TcpListener(address, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static void ConfigureSilo(ISiloBuilder silo, string clusterId, IPAddress address, int siloPort, int gatewayPort, ClusterTimeouts timeouts, X509Certificate2? certificate)
    {
        silo.Configure<ClusterOptions>(o => { o.ClusterId = clusterId; o.ServiceId = ServiceId; });
        silo.Configure<EndpointOptions>(o =>
        {
            o.AdvertisedIPAddress = address;
            o.SiloPort = siloPort;
            o.GatewayPort = gatewayPort;
            o.SiloListeningEndpoint = new IPEndPoint(address, siloPort);
            o.GatewayListeningEndpoint = new IPEndPoint(address, gatewayPort);
        });
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = timeouts.ProbeInterval;
            o.NumMissedProbesLimit = timeouts.MissedProbesLimit;
            o.NumVotesForDeathDeclaration = 1;
            o.TableRefreshTimeout = timeouts.ProbeInterval;
            o.IAmAliveTablePublishTimeout = timeouts.ProbeInterval * 2;
            o.DeathVoteExpirationTimeout = timeouts.ProbeInterval * 10;
            o.EnableIndirectProbes = false;
            o.ExtendProbeTimeoutDuringDegradation = false;
        });
        silo.Configure<SiloMessagingOptions>(o =>
        {
            o.ResponseTimeout = timeouts.ResponseTimeout;
            o.SystemResponseTimeout = timeouts.ResponseTimeout;
        });
        if (certificate is not null)
            silo.UseTls(certificate, o => PinTo(o, certificate));
    }

    public static void ConfigureClient(IClientBuilder client, string clusterId, ClusterTimeouts timeouts, X509Certificate2? certificate)
    {
        client.Configure<ClusterOptions>(o => { o.ClusterId = clusterId; o.ServiceId = ServiceId; });
        client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = timeouts.ResponseTimeout);
        client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = timeouts.ProbeInterval);
        if (certificate is not null)
            client.UseTls(certificate, o => PinTo(o, certificate));
    }

    /// <summary>
    /// Mutual TLS with one cluster certificate: each side presents it and accepts only a peer presenting the same
    /// one (pinned by thumbprint), so a self-signed certificate works and no other certificate gets in.
    /// </summary>
    private static void PinTo(Orleans.Connections.Security.TlsOptions options, X509Certificate2 certificate)
    {
        options.RemoteCertificateMode = Orleans.Connections.Security.RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = Orleans.Connections.Security.RemoteCertificateMode.RequireCertificate;
        options.RemoteCertificateValidation = (remote, _, _) =>
            remote is not null && string.Equals(remote.Thumbprint, certificate.Thumbprint, StringComparison.OrdinalIgnoreCase);
    }

    public static ConfigurationOptions Redis(string hostPort)
    {
        var options = ConfigurationOptions.Parse(hostPort);
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 3000;
        return options;
    }

    /// <summary>A silo of a real cluster: membership and coordinator state in Redis.</summary>
    public static IHost BuildRedisSilo(SiloSettings settings)
    {
        var certificate = settings.TlsCertificate is { } path ? LoadCertificate(path, settings.TlsPassword) : null;
        int siloPort = settings.SiloPort ?? FreePort(settings.Address);
        int gatewayPort = settings.GatewayPort ?? FreePort(settings.Address);
        return new HostBuilder()
            .UseOrleans(silo =>
            {
                ConfigureSilo(silo, settings.ClusterId, settings.Address, siloPort, gatewayPort, settings.Timeouts, certificate);
                silo.UseRedisClustering(o => o.ConfigurationOptions = Redis(settings.Redis));
                silo.AddRedisGrainStorage(StorageName, o => o.ConfigurationOptions = Redis(settings.Redis));
            })
            .Build();
    }

    /// <summary>A client of a real cluster.</summary>
    public static IHost BuildRedisClient(string redis, string clusterId, ClusterTimeouts timeouts, X509Certificate2? certificate) =>
        new HostBuilder()
            .UseOrleansClient(client =>
            {
                ConfigureClient(client, clusterId, timeouts, certificate);
                client.UseRedisClustering(o => o.ConfigurationOptions = Redis(redis));
            })
            .Build();

    /// <summary>A silo of <c>local:N</c>: loopback, membership and state shared in this process.</summary>
    public static IHost BuildLocalSilo(string clusterId, InProcessMembershipTable table, InProcessGrainStorage storage, ClusterTimeouts timeouts, X509Certificate2? certificate = null)
    {
        var loopback = IPAddress.Loopback;
        int siloPort = FreePort(loopback), gatewayPort = FreePort(loopback);
        return new HostBuilder()
            .UseOrleans(silo =>
            {
                ConfigureSilo(silo, clusterId, loopback, siloPort, gatewayPort, timeouts, certificate);
                silo.Services.AddSingleton<IMembershipTable>(table);
                silo.Services.AddKeyedSingleton<IGrainStorage>(StorageName, storage);
            })
            .Build();
    }

    /// <summary>A client of <c>local:N</c>.</summary>
    public static IHost BuildLocalClient(string clusterId, InProcessMembershipTable table, ClusterTimeouts timeouts, X509Certificate2? certificate = null) =>
        new HostBuilder()
            .UseOrleansClient(client =>
            {
                ConfigureClient(client, clusterId, timeouts, certificate);
                client.Services.AddSingleton<IGatewayListProvider>(table);
            })
            .Build();

    /// <summary>A certificate with its private key (PKCS#12 .pfx/.p12, or PEM with the key in the same file).</summary>
    public static X509Certificate2 LoadCertificate(string path, string? password)
    {
        if (!File.Exists(path))
            throw new LsgdException($"--tls-certificate {path}: the file does not exist. Give a .pfx/.p12 (or PEM certificate + key) file every silo and client can read.");
        try
        {
            var certificate = path.EndsWith(".pem", StringComparison.OrdinalIgnoreCase)
                ? X509Certificate2.CreateFromPemFile(path)
                : X509CertificateLoader.LoadPkcs12FromFile(path, password);
            if (!certificate.HasPrivateKey)
                throw new LsgdException($"--tls-certificate {path}: the certificate has no private key; TLS needs both (a .pfx, or a PEM file holding the certificate and the key).");
            return certificate;
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new LsgdException($"--tls-certificate {path}: cannot be read ({e.Message.TrimEnd('.')}). Give a .pfx/.p12 (with --tls-password if it has one) or a PEM file with certificate and key.");
        }
    }
}
