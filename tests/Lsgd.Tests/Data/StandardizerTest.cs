using Lsgd.Data;

namespace Lsgd.Tests.Data;

/// <summary>The standardiser, read row by row: the bits of the value-by-value definition, for both precisions.</summary>
public class StandardizerTest
{
    [Theory]
    [InlineData(false, true)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    [InlineData(true, false)]
    public void FitAndTransformGiveTheBitsOfTheColumnByColumnDefinition(bool singlePrecision, bool center)
    {
        // Columns far from zero with small spread (where the compensated mean matters), a constant column (σ = 1), and
        // widths that leave vector tails.
        const int n = 301, d = 13;
        var rng = new Random(5);
        var x = new double[n * d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++)
                x[i * d + j] = j == 4 ? 7.25 : 1e3 * j + (rng.NextDouble() - 0.5) * Math.Pow(10, -j % 5);
        var data = singlePrecision ? Dataset.FromSingle([.. x.Select(v => (float)v)], new double[n], n, d) : new Dataset(x, new double[n], n, d);

        var s = Standardizer.Fit(data, center);
        var transformed = s.Transform(data);
        for (int j = 0; j < d; j++)
        {
            double m = 0;
            if (center)
            {
                double sum = 0, c = 0;
                for (int i = 0; i < n; i++) Lsgd.Internals.Accurate.TwoSumInto(ref sum, ref c, data.Feature(i, j));
                m = (sum + c) / n;
            }
            double ss = 0;
            for (int i = 0; i < n; i++) { double v = data.Feature(i, j) - m; ss += v * v; }
            double sd = Math.Sqrt(ss / n);
            Assert.Equal(m, s.Means[j]);
            Assert.Equal(sd > 0 ? sd : 1.0, s.Scales[j]);
            for (int i = 0; i < n; i++)
                Assert.Equal((data.Feature(i, j) - m) / s.Scales[j], transformed.Feature(i, j));
        }
        Assert.Equal(center ? 1.0 : 7.25, s.Scales[4]);
    }
}
