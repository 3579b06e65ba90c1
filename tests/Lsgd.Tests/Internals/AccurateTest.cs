using Lsgd.Internals;

namespace Lsgd.Tests.Internals;

public class AccurateTest
{
    /// <summary>
    /// Large terms that cancel exactly, spread over the vector lanes and the scalar tail, with small ones in
    /// between: a plain double sum loses the small terms entirely; the compensated one keeps them all.
    /// </summary>
    [Theory]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(16)]
    [InlineData(23)]
    [InlineData(64)]
    [InlineData(1001)]
    public void SumKeepsSmallTermsBetweenLargeOnesThatCancel(int length)
    {
        var rng = new Random(length);
        var values = new double[length];
        for (int i = 0; i < length; i++)
            values[i] = rng.Next(1, 1000) / 8.0;
        // Pairs ±1e17 (exact doubles, 1e17 = 2¹⁷·5¹⁷) at positions that land in different lanes and the tail.
        for (int i = 0; i + 5 < length; i += 7)
        {
            values[i] = 1e17;
            values[i + 5] = -1e17;
        }
        // Every value has at most 18 significant digits, so decimal holds each one and the sum exactly.
        decimal exact = values.Sum(v => (decimal)v);
        Assert.Equal((double)exact, Accurate.Sum(values));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(12)]
    [InlineData(17)]
    [InlineData(100)]
    public void DotIsExactlyRoundedWhenProductsCancel(int length)
    {
        var rng = new Random(100 + length);
        var a = new double[length];
        var b = new double[length];
        for (int i = 0; i < length; i++)
        {
            a[i] = rng.Next(1, 1 << 20) / 16.0;
            b[i] = rng.Next(1, 1 << 20) / 32.0;
        }
        // Products of ±2^57 that cancel, which a plain sum would round the small products into.
        for (int i = 0; i + 3 < length; i += 5)
        {
            a[i] = 1 << 30; b[i] = 1 << 27;
            a[i + 3] = -(1 << 30); b[i + 3] = 1 << 27;
        }
        decimal exact = 0;
        for (int i = 0; i < length; i++) exact += (decimal)a[i] * (decimal)b[i];
        Assert.Equal((double)exact, Accurate.Dot(a, b));
    }

    [Fact]
    public void DotRejectsVectorsOfDifferentLengths() =>
        Assert.ThrowsAny<ArgumentException>(() => Accurate.Dot(new double[3], new double[4]));
}
