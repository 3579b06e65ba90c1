namespace Lsgd.Embeddings.Tests;

public class DataSplitTest
{
    [Fact]
    public void SplitIsDeterministicForASeedAndCoversEveryRowOnce()
    {
        var a = DataSplit.Create(100, new SplitOptions { Seed = 5 });
        var b = DataSplit.Create(100, new SplitOptions { Seed = 5 });
        var c = DataSplit.Create(100, new SplitOptions { Seed = 6 });
        Assert.Equal(a.Test, b.Test);
        Assert.NotEqual(a.Test, c.Test);
        Assert.Equal((70, 10, 20), (a.Train.Count, a.Validation.Count, a.Test.Count));
        Assert.Equal(Enumerable.Range(0, 100), a.Train.Concat(a.Validation).Concat(a.Test).Order());
    }

    [Fact]
    public void GroupedSplitKeepsEachGroupInOneSet()
    {
        // "abandon", "abandoned", "abandons" share the stem "abandon": they must fall on the same side.
        var groups = Enumerable.Range(0, 300).Select(i => $"stem{i / 3}").ToArray();
        var split = DataSplit.Create(groups.Length, new SplitOptions(), groups);
        Assert.Equal(100, split.Groups);
        var side = new Dictionary<string, string>();
        foreach (var (rows, name) in new[] { (split.Train, "train"), (split.Validation, "validation"), (split.Test, "test") })
            foreach (int i in rows)
                Assert.Equal(name, side.TryAdd(groups[i], name) ? name : side[groups[i]]);
    }

    [Fact]
    public void FractionsThatLeaveNoTrainingRowsAreRefused()
    {
        var error = Assert.Throws<InvalidOptionException>(() => DataSplit.Create(10, new SplitOptions { TestFraction = 0.6, ValidationFraction = 0.5 }));
        Assert.Equal("ValidationFraction = 0.5 is not allowed: it must be less than 1 − the test fraction 0.6, so that rows are left for training. Try 0.1 with a test fraction of 0.2.", error.Message);
        Assert.Throws<InvalidOptionException>(() => new SplitOptions { TestFraction = 0 });
    }

    [Fact]
    public void TooFewRowsToSplitGetAClearError()
    {
        var error = Assert.Throws<LsgdException>(() => DataSplit.Create(2, new SplitOptions()));
        Assert.Equal("2 rows are too few to split into training, validation and test sets with fractions 0.2 (test) and 0.1 (validation). Add rows.", error.Message);
    }
}
