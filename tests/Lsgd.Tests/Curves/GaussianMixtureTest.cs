using Lsgd.Curves;

namespace Lsgd.Tests.Curves;

public class GaussianMixtureTest
{
    /// <summary>n samples of 0.3·N(−2, 0.5²) + 0.7·N(1, 0.8²), seeded.</summary>
    private static double[] Samples(int n, int seed)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(_ => rng.NextDouble() < 0.3
            ? -2 + 0.5 * TestData.Gaussian(rng)
            : 1 + 0.8 * TestData.Gaussian(rng))];
    }

    [Fact]
    public void TwoComponentMixtureIsRecoveredFromAHistogram()
    {
        var histogram = Histogram.Of(Samples(20_000, seed: 7), bins: 60);
        var mixture = GaussianMixture.FitDensity([.. histogram.Centres], [.. histogram.Densities], components: 2);
        Assert.True(mixture.Fit.Converged, mixture.Fit.Message);
        var (first, second) = (mixture.Components[0], mixture.Components[1]);
        // The standard errors treat the 60 bins as independent with equal variance; the bins' counts are
        // multinomial with variance growing with the density, so the SEs are approximate, but with 20 000
        // samples the true values still lie within three of them (and the sampling error of the means
        // themselves, σ/√(wn) ≈ 0.006 and 0.007, is below one SE).
        Assert.True(Math.Abs(first.Mean - -2) <= 3 * first.MeanError, $"μ1 = {first.Mean} ± {first.MeanError}");
        Assert.True(Math.Abs(second.Mean - 1) <= 3 * second.MeanError, $"μ2 = {second.Mean} ± {second.MeanError}");
        Assert.True(Math.Abs(first.StandardDeviation - 0.5) <= 3 * first.StandardDeviationError, $"σ1 = {first.StandardDeviation} ± {first.StandardDeviationError}");
        Assert.True(Math.Abs(second.StandardDeviation - 0.8) <= 3 * second.StandardDeviationError, $"σ2 = {second.StandardDeviation} ± {second.StandardDeviationError}");
        Assert.True(Math.Abs(first.Weight - 0.3) <= 3 * first.WeightError, $"w1 = {first.Weight} ± {first.WeightError}");
        Assert.True(Math.Abs(second.Weight - 0.7) <= 3 * second.WeightError, $"w2 = {second.Weight} ± {second.WeightError}");
        Assert.Equal(1, mixture.TotalWeight, 1);
    }

    [Fact]
    public void QuantileStartsLandNearSeparatedPeaks()
    {
        var x = Enumerable.Range(0, 201).Select(i => -5 + i * 0.05).ToArray();
        var peaks = new GaussianPeaks(2);
        double[] truth = [0.6, -2, 0.4, 0.4, 2, 0.5];
        var y = x.Select(v => peaks.Evaluate(v, truth)).ToArray();
        var start = peaks.InitialValues(x, y);
        Assert.Equal(-2, start[1], 0);   // the slices hold one peak each...
        Assert.Equal(2, start[4], 0);
        var fit = CurveFitter.Fit(peaks, x, y, start);
        for (int j = 0; j < 6; j++)      // ...and Levenberg–Marquardt finishes the job on exact data
            Assert.Equal(truth[j], fit.Parameters[j], 9);
    }

    [Fact]
    public void AnalyticDerivativesMatchTheExpressionOfTheSameModel()
    {
        var peaks = new GaussianPeaks(2);
        var expression = Expression.Parse(peaks.Formula);
        Assert.Equal(peaks.ParameterNames, expression.ParameterNames);
        double[] theta = [1.2, -0.5, 0.7, 0.4, 1.3, 0.3];
        var g1 = new double[6];
        var g2 = new double[6];
        foreach (double x in new[] { -1.0, 0.1, 1.4 })
        {
            Assert.Equal(expression.Evaluate(x, theta, g2), peaks.Evaluate(x, theta, g1), 14);
            for (int j = 0; j < 6; j++) Assert.Equal(g2[j], g1[j], 13);
        }
    }

    [Fact]
    public void HistogramDensityIntegratesToOne()
    {
        var h = Histogram.Of([0, 1, 1, 2, 3, 4], bins: 4);
        Assert.Equal([1, 2, 1, 2], h.Counts);   // the maximum, 4, falls in the last bin
        Assert.Equal([0.5, 1.5, 2.5, 3.5], h.Centres);
        Assert.Equal(1, h.Densities.Sum() * h.BinWidth, 14);
    }

    [Fact]
    public void HistogramOfIdenticalSamplesIsRefused()
    {
        var e = Assert.Throws<LsgdException>(() => Histogram.Of([3, 3, 3], 10));
        Assert.Equal("Every sample is 3, so a histogram has no width. Check the column.", e.Message);
    }
}
