using Lsgd.Data;
using Lsgd.Engines;
using Lsgd.Tests.Reference;

namespace Lsgd.Tests.Engines;

public class InMemoryEngineTest
{
    public static TheoryData<int, int, int, bool> Shapes()
    {
        var data = new TheoryData<int, int, int, bool>();
        foreach (int n in new[] { 1, 2, 3, 7, 17, 33, 4095, 4097, 9000 })
            foreach (int d in new[] { 1, 3, 4, 5, 8, 9, 17, 36, 71, 100 })
                foreach (int k in new[] { 1, 3 })
                    data.Add(n, d, k, (n + d) % 2 == 0);
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void LossAndGradientMatchTheArticleScalarLoop(int n, int d, int k, bool intercept)
    {
        var (data, _) = TestData.Random(n, d, k, seed: n * 31 + d * 7 + k);
        var engine = new InMemoryEngine(data, intercept);
        var rng = new Random(n + d + k);
        var theta = new double[engine.Layout.Count];
        for (int i = 0; i < theta.Length; i++) theta[i] = rng.NextDouble() - 0.5;
        var gradient = new double[theta.Length];
        double loss = engine.Evaluate(theta, gradient);

        var expected = new double[theta.Length];
        double expectedLoss = ArticleGradientDescent.LossAndGradient(data.X.ToArray(), data.Y.ToArray(), n, d, k, intercept, theta, expected);
        Assert.Equal(expectedLoss, loss, 1e-10 * Math.Max(1, expectedLoss));
        double scale = Math.Max(1, expected.Max(Math.Abs));
        for (int i = 0; i < theta.Length; i++)
            Assert.Equal(expected[i], gradient[i], 1e-10 * scale);
    }

    [Theory]
    [InlineData(5, 3, 1, true)]
    [InlineData(33, 17, 2, false)]
    [InlineData(70, 36, 1, true)]
    [InlineData(4097, 100, 1, true)]
    [InlineData(300, 71, 3, false)]
    public void Float32DataGivesTheScalarLoopOnTheWidenedValues(int n, int d, int k, bool intercept)
    {
        var (data, _) = TestData.Random(n, d, k, seed: 5 * n + d);
        var singles = data.X.ToArray().Select(v => (float)v).ToArray();
        var single = Dataset.FromSingle(singles, data.Y.ToArray(), n, d, k);
        var engine = new InMemoryEngine(single, intercept);
        var rng = new Random(n * d);
        var theta = new double[engine.Layout.Count];
        for (int i = 0; i < theta.Length; i++) theta[i] = rng.NextDouble() - 0.5;
        var gradient = new double[theta.Length];
        double loss = engine.Evaluate(theta, gradient);

        var expected = new double[theta.Length];
        double expectedLoss = ArticleGradientDescent.LossAndGradient(singles.Select(v => (double)v).ToArray(), data.Y.ToArray(), n, d, k, intercept, theta, expected);
        Assert.Equal(expectedLoss, loss, 1e-10 * Math.Max(1, expectedLoss));
        double scale = Math.Max(1, expected.Max(Math.Abs));
        for (int i = 0; i < theta.Length; i++)
            Assert.Equal(expected[i], gradient[i], 1e-10 * scale);
    }

    [Fact]
    public void ResultIsBitIdenticalWithOneAndTwoThreads()
    {
        var (data, _) = TestData.Random(20_000, 13, 2, seed: 5);
        var theta = Enumerable.Range(0, 2 * 14).Select(i => Math.Sin(i)).ToArray();
        var g1 = new double[theta.Length];
        var g2 = new double[theta.Length];
        double l1 = new InMemoryEngine(data, true, maxThreads: 1).Evaluate(theta, g1);
        double l2 = new InMemoryEngine(data, true, maxThreads: 2).Evaluate(theta, g2);
        Assert.Equal(BitConverter.DoubleToInt64Bits(l1), BitConverter.DoubleToInt64Bits(l2));
        Assert.Equal(g1, g2);
    }

    [Fact]
    public void WrongParameterLengthIsRejectedWithBothLengths()
    {
        var engine = new InMemoryEngine(TestData.ArticlePoints(), true);
        var e = Assert.Throws<ArgumentException>(() => engine.Evaluate(new double[3], new double[2]));
        Assert.StartsWith("theta has length 3 but 2 was expected", e.Message);
    }

    [Fact]
    public void ZeroThreadsIsRejectedWithWhatToDo()
    {
        var e = Assert.Throws<InvalidOptionException>(() => new InMemoryEngine(TestData.ArticlePoints(), true, 0));
        Assert.StartsWith("MaxThreads = 0 is not allowed: it must be an integer >= 1. Use 1 for a single thread", e.Message);
    }
}
