using Lsgd.Internals;

namespace Lsgd.Tests.Internals;

/// <summary>Every kernel against a plain loop, at every length that exercises vector bodies and tails.</summary>
public class KernelsTest
{
    public static IEnumerable<object[]> Lengths() => Enumerable.Range(0, 41).Select(n => new object[] { n });

    [Theory]
    [MemberData(nameof(Lengths))]
    public void DotWidenEqualsAPlainDoubleLoop(int n)
    {
        var rng = new Random(n);
        var x = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var w = Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
        double expected = 0;
        for (int i = 0; i < n; i++) expected += (double)x[i] * w[i];
        Assert.Equal(expected, Kernels.DotWiden(x, w), 1e-13);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void AxpyWidenEqualsAPlainDoubleLoop(int n)
    {
        var rng = new Random(n + 100);
        var x = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var y = Enumerable.Range(0, n).Select(_ => rng.NextDouble()).ToArray();
        var expected = (double[])y.Clone();
        for (int i = 0; i < n; i++) expected[i] += -0.75 * x[i];
        Kernels.AxpyWiden(-0.75, x, y);
        for (int i = 0; i < n; i++) Assert.Equal(expected[i], y[i], 15);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 3)]
    [InlineData(3, 4)]
    [InlineData(5, 5)]
    [InlineData(6, 9)]
    [InlineData(7, 16)]
    [InlineData(11, 33)]
    [InlineData(13, 1)]
    public void SymmetricRankUpdateAddsPPTransposeToTheUpperTriangle(int d, int m)
    {
        var rng = new Random(d * 100 + m);
        int stride = m + 3;
        var panel = Enumerable.Range(0, d * stride).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var c = Enumerable.Range(0, d * d).Select(_ => 1.0).ToArray();
        Kernels.SymmetricRankUpdate(panel, d, m, stride, c);
        for (int i = 0; i < d; i++)
            for (int j = i; j < d; j++)
            {
                double expected = 1;
                for (int t = 0; t < m; t++) expected += panel[i * stride + t] * panel[j * stride + t];
                Assert.Equal(expected, c[i * d + j], 1e-13);
            }
    }
}
