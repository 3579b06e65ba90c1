using Lsgd.Data;
using Lsgd.Estimators;

namespace Lsgd.Cluster.Tests;

public class ShardedDataTest
{
    [Fact]
    public void AGlobExpandsToItsFilesInOrdinalOrder()
    {
        using var shards = new ShardFiles(3, rowsPerShard: 5);
        var files = ShardedData.Expand([Path.Combine(shards.Folder, "part-*.csv")]);
        Assert.Equal(shards.Files, files);
    }

    [Fact]
    public void AGlobMatchingNothingSaysSo()
    {
        using var shards = new ShardFiles(1, rowsPerShard: 5);
        var e = Assert.Throws<LsgdException>(() => ShardedData.Expand([Path.Combine(shards.Folder, "nothing-*.csv")]));
        Assert.Contains("nothing-*.csv", e.Message);
        Assert.Contains("matches no file", e.Message);
    }

    [Fact]
    public void LocalShardedStatisticsEqualTheStatisticsOfAllRowsToRounding()
    {
        using var shards = new ShardFiles(4);
        var sharded = shards.Data().ComputeLocally();
        var one = new ShardedData([shards.File("all.csv", string.Concat(shards.Files.Select((f, i) => string.Join('\n', File.ReadAllLines(f).Skip(i == 0 ? 0 : 1)) + "\n")))], ["y"]).ComputeLocally();
        Assert.Equal(one.Count, sharded.Count);
        for (int j = 0; j < 9; j++)
            Assert.Equal(one.FeatureScatter[j], sharded.FeatureScatter[j], 1e-9 * Math.Abs(one.FeatureScatter[j]));
        var fit = new LinearRegressor(new LinearRegressorOptions { Method = SolverMethod.Exact }).Fit(sharded);
        Assert.Equal(2.0, fit.Model.Coefficients()[0], 0.02);
        Assert.Equal(-3.0, fit.Model.Coefficients()[1], 0.2);
        Assert.Equal(0.5, fit.Model.Coefficients()[2], 0.01);
    }

    [Fact]
    public void StatisticsRebuiltFromTheirPartsAreBitIdentical()
    {
        using var shards = new ShardFiles(2);
        var s = shards.Data().ComputeLocally();
        var copy = StatisticsMessage.From(s).ToStatistics();
        ShardFiles.AssertBitIdentical(s, copy);
    }

    [Fact]
    public void ShardsWithDifferentColumnsAreRefusedNamingTheFile()
    {
        using var shards = new ShardFiles(1, rowsPerShard: 5);
        string odd = shards.File("odd.csv", "x1,z,y\n1,2,3\n2,3,5\n3,1,2\n4,4,4\n");
        var e = Assert.Throws<LsgdException>(() => shards.Data([shards.Files[0], odd]).ComputeLocally());
        Assert.Contains("odd.csv", e.Message);
    }
}
