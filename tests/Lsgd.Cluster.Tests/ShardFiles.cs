using System.Globalization;
using System.Text;
using Lsgd.Data;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Lsgd.Cluster.Tests;

/// <summary>CSV shards of y = 1.5 + 2x₁ − 3x₂ + 0.5x₃ + noise, with seeded values, in a temporary folder.</summary>
internal sealed class ShardFiles : IDisposable
{
    private readonly TempFolder _folder = new();

    public ShardFiles(int shards, int rowsPerShard = 400, int seed = 7)
    {
        var random = new Random(seed);
        var files = new List<string>();
        for (int s = 0; s < shards; s++)
        {
            var text = new StringBuilder("x1,x2,x3,y\n");
            for (int r = 0; r < rowsPerShard; r++)
            {
                double x1 = random.NextDouble() * 10 + s, x2 = random.NextDouble() - 0.5, x3 = random.NextDouble() * 100;
                double y = 1.5 + 2 * x1 - 3 * x2 + 0.5 * x3 + (random.NextDouble() - 0.5);
                text.Append(CultureInfo.InvariantCulture, $"{x1:R},{x2:R},{x3:R},{y:R}\n");
            }
            files.Add(_folder.File($"part-{s:D2}.csv", text.ToString()));
        }
        Files = files;
    }

    public string Folder => _folder.Path;

    public IReadOnlyList<string> Files { get; }

    /// <summary>Files a test wrote itself (<see cref="File"/>), in shard order.</summary>
    public IReadOnlyList<string>? Named { get; set; }

    public ShardedData Data(IReadOnlyList<string>? files = null) => new(files ?? Files, ["y"]);

    public string File(string name, string content) => _folder.File(name, content);

    public void Dispose() => _folder.Dispose();

    /// <summary>Asserts that two statistics are equal bit for bit.</summary>
    public static void AssertBitIdentical(SufficientStatistics expected, SufficientStatistics actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected.FeatureNames, actual.FeatureNames);
        Assert.Equal(expected.TargetNames, actual.TargetNames);
        foreach (var (e, a) in new[] { (expected.FeatureMeans, actual.FeatureMeans), (expected.TargetMeans, actual.TargetMeans),
            (expected.FeatureScatter, actual.FeatureScatter), (expected.CrossScatter, actual.CrossScatter), (expected.TargetScatter, actual.TargetScatter) })
            Assert.Equal(e.Select(BitConverter.DoubleToInt64Bits), a.Select(BitConverter.DoubleToInt64Bits));
    }
}

/// <summary>Reports synchronously (Progress&lt;T&gt; would post to a context, late).</summary>
internal sealed class Callback<T>(Action<T> action) : IProgress<T>
{
    public void Report(T value) => action(value);
}
