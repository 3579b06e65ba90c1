using System.Text.Json;
using System.Text.Json.Nodes;
using Lsgd.Cli;

namespace Lsgd.Cluster.Tests;

/// <summary><c>lsgd fit FILES... --cluster local:N</c> against <c>lsgd fit FILES...</c> in one process.</summary>
public class CliClusterTest
{
    internal static (int Code, string Output, string Error) Lsgd(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Cli.Cli.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>The fit's JSON without what legitimately differs (timings, the cluster's own figures).</summary>
    internal static string Comparable(string json)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        foreach (string key in new[] { "fit_seconds", "load_seconds", "cluster" })
            node.Remove(key);
        return node.ToJsonString();
    }

    [Theory]
    [InlineData("gd")]
    [InlineData("exact")]
    public void AClusterFitPrintsTheSameJsonAsALocalFitOfTheSameFiles(string method)
    {
        using var shards = new ShardFiles(4);
        var local = Lsgd(["fit", .. shards.Files, "--target", "y", "--method", method, "--json"]);
        Assert.True(local.Code == 0, local.Error);
        var cluster = Lsgd(["fit", .. shards.Files, "--target", "y", "--method", method, "--json", "--cluster", "local:3"]);
        Assert.True(cluster.Code == 0, cluster.Error);
        Assert.Equal(Comparable(local.Output), Comparable(cluster.Output));
        var figures = JsonDocument.Parse(cluster.Output).RootElement.GetProperty("cluster");
        Assert.Equal(3, figures.GetProperty("silos").GetInt32());
        Assert.Equal(4, figures.GetProperty("shards").GetInt32());
        Assert.Equal(0, figures.GetProperty("lost_silos").GetInt32());
        Assert.True(figures.GetProperty("retries").GetInt32() >= 0);
    }

    [Fact]
    public void AMiniBatchClusterFitPrintsTheSameJsonAsTheSameStepsInOneProcess()
    {
        using var shards = new ShardFiles(3, rowsPerShard: 200);
        string[] flags = ["--target", "y", "--batch-size", "50", "--optimizer", "adam", "--learning-rate", "0.05", "--max-iterations", "3", "--json"];
        var local = Lsgd(["fit", .. shards.Files, .. flags]);
        Assert.True(local.Code == 0, local.Error);
        var cluster = Lsgd(["fit", .. shards.Files, .. flags, "--cluster", "local:2"]);
        Assert.True(cluster.Code == 0, cluster.Error);
        Assert.Equal(Comparable(local.Output), Comparable(cluster.Output));
        Assert.Equal(3, JsonNode.Parse(cluster.Output)!["iterations"]!.GetValue<int>());
    }

    [Fact]
    public void AQuotedGlobIsTheShardsInOrder()
    {
        using var shards = new ShardFiles(3);
        var files = Lsgd(["fit", .. shards.Files, "--target", "y", "--json"]);
        var glob = Lsgd("fit", Path.Combine(shards.Folder, "part-*.csv"), "--target", "y", "--json");
        Assert.True(glob.Code == 0, glob.Error);
        var a = JsonNode.Parse(files.Output)!;
        var b = JsonNode.Parse(glob.Output)!;
        Assert.Equal(a["coefficients"]!.ToJsonString(), b["coefficients"]!.ToJsonString());
        Assert.Equal(1200, b["rows"]!.GetValue<int>());
    }

    [Fact]
    public void AMissingShardIsOneErrorLineNamingTheFile()
    {
        using var shards = new ShardFiles(2, rowsPerShard: 20);
        string missing = Path.Combine(shards.Folder, "part-gone.csv");
        var result = Lsgd("fit", shards.Files[0], missing, "--target", "y", "--cluster", "local:2");
        Assert.Equal(2, result.Code);
        Assert.StartsWith("lsgd: error: ", result.Error);
        Assert.Contains("part-gone.csv", result.Error);
        Assert.Single(result.Error.TrimEnd().Split('\n'));
    }

    [Theory]
    [InlineData("local:0", "local:N")]
    [InlineData("redis://nohost", "redis://HOST:PORT")]
    public void AWrongClusterAddressIsAUserError(string address, string hint)
    {
        using var shards = new ShardFiles(1, rowsPerShard: 20);
        var result = Lsgd("fit", shards.Files[0], "--target", "y", "--cluster", address);
        Assert.Equal(2, result.Code);
        Assert.Contains(hint, result.Error);
    }

    [Fact]
    public void DegreeOnShardsIsRefusedWithWhatToDo()
    {
        using var shards = new ShardFiles(2, rowsPerShard: 20);
        var result = Lsgd(["fit", .. shards.Files, "--target", "y", "--degree", "2"]);
        Assert.Equal(2, result.Code);
        Assert.Contains("--degree", result.Error);
    }
}
