using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Lsgd.Cluster.Tests;

/// <summary>Mutual TLS with one pinned cluster certificate: the same certificate gets in, another does not.</summary>
public class TlsTest
{
    private static X509Certificate2 SelfSigned(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }

    private static readonly ClusterTimeouts Quick = new() { StallTimeout = TimeSpan.FromSeconds(15) };

    [Fact]
    public async Task AClientWithTheClusterCertificateFitsOverTls()
    {
        using var certificate = SelfSigned("lsgd-cluster");
        using var shards = new ShardFiles(3, rowsPerShard: 50);
        await using var cluster = await ClusterConnection.StartLocalAsync(2, Quick, default, certificate, certificate);
        var run = await cluster.ComputeStatisticsAsync(shards.Data()).WaitAsync(TimeSpan.FromSeconds(90));
        ShardFiles.AssertBitIdentical(shards.Data().ComputeLocally(), run.Statistics);
    }

    [Fact]
    public async Task AClientWithAnotherCertificateCannotConnect()
    {
        using var certificate = SelfSigned("lsgd-cluster");
        using var stranger = SelfSigned("stranger");
        var e = await Assert.ThrowsAsync<LsgdException>(() => ClusterConnection.StartLocalAsync(1, Quick with { StallTimeout = TimeSpan.FromSeconds(6) }, default, certificate, stranger));
        Assert.Contains("Cannot reach the cluster", e.Message);
    }

    [Fact]
    public void AMissingCertificateFileIsNamed()
    {
        var e = Assert.Throws<LsgdException>(() => ClusterHosting.LoadCertificate("/nonexistent/cluster.pfx", null));
        Assert.Contains("/nonexistent/cluster.pfx", e.Message);
    }
}
