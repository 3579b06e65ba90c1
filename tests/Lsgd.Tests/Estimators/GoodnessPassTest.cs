using Lsgd.Data;
using Lsgd.Estimators;
using Lsgd.Models;
using Lsgd.Solvers;

namespace Lsgd.Tests.Estimators;

/// <summary>The goodness-of-fit pass's narrow kernels, and what the fit hands on so that the command makes no pass after it.</summary>
public class GoodnessPassTest
{
    private static (Dataset Data, LinearModel Model) Random(int n, int d, int k, int seed)
    {
        var rng = new Random(seed);
        var x = Enumerable.Range(0, n * d).Select(_ => rng.NextDouble() * 10 - 3).ToArray();
        var y = Enumerable.Range(0, n * k).Select(_ => rng.NextDouble() * 100).ToArray();
        var theta = Enumerable.Range(0, k * (d + 1)).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
        return (new Dataset(x, y, n, d, k), new LinearModel(new ParameterLayout(d, k, true), theta, [.. Enumerable.Range(1, d).Select(j => $"x{j}")],
            [.. Enumerable.Range(1, k).Select(o => $"y{o}")]));
    }

    /// <summary>Every narrow width (the vector kernel's full and overlapping last chunks, and the scalar one below 4), one and two outputs, a ragged last block.</summary>
    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 1)]
    [InlineData(4, 1)]
    [InlineData(5, 2)]
    [InlineData(7, 1)]
    [InlineData(8, 1)]
    [InlineData(10, 1)]
    [InlineData(10, 2)]
    [InlineData(13, 1)]
    [InlineData(16, 3)]
    [InlineData(17, 1)]
    public void SumsOfSquaredResidualsAndTheirShapeMatchARowByRowReference(int d, int k)
    {
        const int n = 20_003;   // more than two blocks of the pass, not a multiple of 4
        var (data, model) = Random(n, d, k, d * 10 + k);
        var statistics = FitStatistics.Compute(model, data);
        for (int o = 0; o < k; o++)
        {
            var w = model.Coefficients(o).ToArray();
            double b = model.Intercept(o);
            var r = Enumerable.Range(0, n).Select(i => (decimal)data.Y[i * k + o] - (decimal)Enumerable.Range(0, d).Sum(j => (decimal)data.X[i * d + j] * (decimal)w[j]) - (decimal)b).ToArray();
            double sse = (double)r.Sum(v => v * v);
            double abs = (double)r.Sum(Math.Abs);
            double sum = (double)r.Sum();
            double fourth = (double)r.Sum(v => v * v * v * v);
            double differences = (double)Enumerable.Range(1, n - 1).Sum(t => (r[t] - r[t - 1]) * (r[t] - r[t - 1]));
            var s = statistics[o];
            Assert.Equal(sse, s.SumOfSquaredResiduals, sse * 1e-13);
            Assert.Equal(abs / n, s.MeanAbsoluteError, abs / n * 1e-13);
            Assert.Equal(sum, s.Residuals!.Sum, Math.Sqrt(sse) * 1e-12);
            Assert.Equal(fourth, s.Residuals.FourthPowers, fourth * 1e-12);
            Assert.Equal(differences, s.Residuals.SquaredDifferences, differences * 1e-12);
        }
    }

    [Fact]
    public void AFitFromStatisticsKeepsTheCentredSquaresSoTheVifsNeedNoPass()
    {
        // Many rows of well-conditioned features: auto takes its exact reference from the statistics.
        const int n = 60_000, d = 4;
        var rng = new Random(3);
        var x = new double[n * d];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            double common = rng.NextDouble();
            for (int j = 0; j < d; j++) x[i * d + j] = 100 + rng.NextDouble() + (j < 2 ? common : 0);   // x1, x2 correlated
            y[i] = x[i * d] - 2 * x[i * d + 3] + rng.NextDouble();
        }
        var data = new Dataset(x, y, n, d);
        var fit = new LinearRegressor(new LinearRegressorOptions { Method = SolverMethod.Auto }).Fit(data);
        var squares = fit.Exact!.FeatureCentredSquares;
        Assert.NotNull(squares);
        for (int j = 0; j < d; j++)
        {
            double mean = Enumerable.Range(0, n).Average(i => x[i * d + j]);
            double expected = Enumerable.Range(0, n).Sum(i => (x[i * d + j] - mean) * (x[i * d + j] - mean));
            Assert.Equal(expected, squares[j], expected * 1e-12);
        }
        var fromStatistics = VarianceInflation.FromStandardErrors(fit.Exact, data)!;
        var fromRows = VarianceInflation.Compute(data);   // QR of the rows
        for (int j = 0; j < d; j++)
            Assert.Equal(fromRows[j], fromStatistics[j], fromRows[j] * 1e-9);
        Assert.True(fromStatistics[0] > 1.3 && fromStatistics[3] < 1.01);   // the correlated pair is inflated, the others not
    }
}
