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
        var json = JsonNode.Parse(cluster.Output)!;
        Assert.Equal(3, json["iterations"]!.GetValue<int>());
        // Honest about what ran: every step reads the shards' rows (not the statistics alone); 3 epochs of ⌈600 / 50⌉ = 12 steps;
        // passes: the statistics pass, the load of the shards' rows, and the 3 epochs.
        Assert.Equal("stream", json["engine"]!.GetValue<string>());
        Assert.Equal(36, json["steps"]!.GetValue<long>());
        Assert.Equal(5, json["data_passes"]!.GetValue<double>());
        Assert.Equal("gd", json["method"]!.GetValue<string>());
        // Shaped like a one-file mini-batch fit's JSON, plus "cluster".
        string all = shards.File("all.csv", "x1,x2,x3,y\n" + string.Concat(shards.Files.Select(f => string.Concat(File.ReadLines(f).Skip(1).Select(l => l + "\n")))));
        var one = Lsgd(["fit", all, .. flags]);
        Assert.True(one.Code == 0, one.Error);
        var oneJson = JsonNode.Parse(one.Output)!.AsObject();
        Assert.Equal(oneJson.Select(p => p.Key), json.AsObject().Select(p => p.Key).Where(k => k != "cluster"));
        Assert.Equal(36, oneJson["steps"]!.GetValue<long>());
        Assert.Equal(4, json["cluster"]!.AsObject().Count);
    }

    /// <summary>Shards with a weight column (zeros among the weights), and the same rows in one file.</summary>
    private static ShardFiles WeightedShards(out string all)
    {
        var shards = new ShardFiles(0);
        var random = new Random(5);
        var files = new List<string>();
        var one = new System.Text.StringBuilder("x1,x2,w,y\n");
        double[] weights = [0, 0.5, 1, 2, 3.25];
        for (int s = 0; s < 3; s++)
        {
            var text = new System.Text.StringBuilder("x1,x2,w,y\n");
            for (int r = 0; r < 150; r++)
            {
                double x1 = random.NextDouble() * 10 + s, x2 = random.NextDouble() - 0.5, w = weights[random.Next(weights.Length)];
                string line = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{x1:R},{x2:R},{w:R},{1.5 + 2 * x1 - 3 * x2 + random.NextDouble() - 0.5:R}\n");
                text.Append(line);
                one.Append(line);
            }
            files.Add(shards.File($"w-{s}.csv", text.ToString()));
        }
        shards.Named = files;
        all = shards.File("all.csv", one.ToString());
        return shards;
    }

    [Theory]
    [InlineData("exact")]
    [InlineData("cg")]
    public void AWeightedClusterFitEqualsTheWeightedFitOfTheSameFilesInOneProcess(string method)
    {
        using var shards = WeightedShards(out string all);
        string[] flags = ["--target", "y", "--weights", "w", "--method", method, "--json"];
        var local = Lsgd(["fit", .. shards.Named!, .. flags]);
        Assert.True(local.Code == 0, local.Error);
        var cluster = Lsgd(["fit", .. shards.Named!, .. flags, "--cluster", "local:3"]);
        Assert.True(cluster.Code == 0, cluster.Error);
        Assert.Equal(Comparable(local.Output), Comparable(cluster.Output));
        // The one-file weighted fit (QR of the √w-whitened rows in memory): the same least-squares estimates.
        var one = Lsgd("fit", all, "--target", "y", "--weights", "w", "--method", "exact", "--json");
        Assert.True(one.Code == 0, one.Error);
        var a = JsonNode.Parse(one.Output)!;
        var b = JsonNode.Parse(cluster.Output)!;
        Assert.Equal("w", b["weights"]!.GetValue<string>());
        Assert.Equal(a["observations"]!.GetValue<long>(), b["observations"]!.GetValue<long>());
        Assert.True(b["observations"]!.GetValue<long>() < 450);   // rows of weight 0 are not observations
        double tolerance = method == "exact" ? 1e-13 : 1e-8;
        var expected = a["coefficients"]!.AsArray().Select(v => v!.GetValue<double>()).Append(a["intercept"]!.GetValue<double>()).ToArray();
        var actual = b["coefficients"]!.AsArray().Select(v => v!.GetValue<double>()).Append(b["intercept"]!.GetValue<double>()).ToArray();
        for (int j = 0; j < expected.Length; j++)
            Assert.True(Math.Abs(actual[j] - expected[j]) <= tolerance * Math.Abs(expected[j]), $"parameter {j}: {actual[j]:R} vs {expected[j]:R}");
        if (method == "exact")
        {
            Assert.Equal(a["standard_errors"]![0]!.GetValue<double>(), b["standard_errors"]![0]!.GetValue<double>(), 1e-13);
            // WLS log-likelihood with its ½Σ ln w term, from the shards' statistics as from the rows.
            Assert.Equal(a["log_likelihood"]!.GetValue<double>(), b["log_likelihood"]!.GetValue<double>(), 1e-9);
            Assert.Equal(a["aic"]!.GetValue<double>(), b["aic"]!.GetValue<double>(), 1e-9);
        }
    }

    [Fact]
    public void WeightedMiniBatchesOnShardsAreOneErrorLineNamingWhatIsNotSupported()
    {
        using var shards = WeightedShards(out _);
        var result = Lsgd(["fit", .. shards.Named!, "--target", "y", "--weights", "w", "--batch-size", "20", "--cluster", "local:2"]);
        Assert.Equal(2, result.Code);
        Assert.StartsWith("lsgd: error: --weights with --batch-size is not supported on shards", result.Error);
        Assert.Single(result.Error.TrimEnd().Split('\n'));
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
