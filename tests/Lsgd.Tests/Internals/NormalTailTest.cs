using Lsgd.Internals;

namespace Lsgd.Tests.Internals;

/// <summary>The normal distribution's two-sided tail, behind the robust covariances' z tests.</summary>
public class NormalTailTest
{
    /// <summary>Reference values: scipy 1.10.1, 2·ndtr(−z).</summary>
    [Theory]
    [InlineData(0.1, 0.920344325445942)]
    [InlineData(0.5, 0.6170750774519738)]
    [InlineData(1.0, 0.31731050786291415)]
    [InlineData(1.4142, 0.1573031879884511)]
    [InlineData(1.5, 0.13361440253771614)]
    [InlineData(2, 0.04550026389635839)]
    [InlineData(3, 0.0026997960632601866)]
    [InlineData(5, 5.733031437583866e-07)]
    [InlineData(8, 1.244192114854348e-15)]
    [InlineData(12, 3.552964224155306e-33)]
    [InlineData(-12, 3.552964224155306e-33)]
    [InlineData(30, 9.813427854295816e-198)]
    public void TwoSidedPMatchesScipyToThirteenDigits(double z, double expected)
    {
        double p = SpecialFunctions.NormalTwoSidedP(z);
        Assert.True(Math.Abs(p - expected) <= 1e-13 * expected, $"z = {z}: {p:R} vs {expected:R}");
    }

    [Fact]
    public void QuantileGivesTwoAndAHalfPercentInEachTail() =>
        Assert.Equal(0.05, SpecialFunctions.NormalTwoSidedP(SpecialFunctions.NormalQuantile975), 15);
}
