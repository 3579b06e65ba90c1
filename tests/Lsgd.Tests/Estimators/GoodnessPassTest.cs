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

    /// <summary>
    /// The block sums at every vector width (512, 256 bits, scalar), weighted or not, with and without intercept, on targets
    /// far from zero with an intercept (a mean 10⁶ times their spread, so squares about a wrong centre would cancel): SST, SSE, MAE and the
    /// whitened residuals' shape against a decimal row-by-row reference. One output takes the fused sweep, two the one after
    /// the residuals' own.
    /// </summary>
    [Theory]
    [InlineData(512, false, true, 2)]
    [InlineData(256, false, true, 2)]
    [InlineData(0, false, true, 2)]
    [InlineData(512, true, true, 2)]
    [InlineData(256, true, true, 2)]
    [InlineData(0, true, true, 2)]
    [InlineData(512, false, false, 2)]
    [InlineData(256, true, false, 2)]
    [InlineData(512, false, true, 1)]
    [InlineData(256, false, true, 1)]
    [InlineData(512, true, true, 1)]
    [InlineData(256, true, true, 1)]
    [InlineData(512, true, false, 1)]
    public void EveryVectorWidthMatchesADecimalReferenceWeightedOrNot(int bits, bool weighted, bool intercept, int k)
    {
        const int n = 20_003, d = 5;
        var rng = new Random(bits + (weighted ? 1 : 0) + (intercept ? 2 : 0));
        // Every value a multiple of 2⁻²⁰, so that the reference holds it exactly (a double's cast to decimal keeps 15 digits).
        double Dyadic(double v) => Math.Round(v * 1048576) / 1048576;
        var x = Enumerable.Range(0, n * d).Select(_ => Dyadic(rng.NextDouble() * 10 - 3)).ToArray();
        double offset = intercept ? 1e6 : 3;   // without intercept SST is Σwy², so its fourth powers stay within decimal's range
        var y = Enumerable.Range(0, n * k).Select(i => offset * (i % k + 1) + Dyadic(rng.NextDouble() - (i < n * k / 2 ? 0.25 : 0))).ToArray();
        var weights = weighted ? Enumerable.Range(0, n).Select(i => i % 97 == 0 ? 0 : Dyadic(0.5 + rng.NextDouble())).ToArray() : null;
        int bs = intercept ? d + 1 : d;
        var theta = Enumerable.Range(0, k * bs).Select(i => i % bs == d ? offset * (i / bs + 1) : (i % 7) / 1024.0).ToArray();
        var data = new Dataset(x, y, n, d, k).WithWeights(weights);
        var model = new LinearModel(new ParameterLayout(d, k, intercept), theta, [.. Enumerable.Range(1, d).Select(j => $"x{j}")], [.. Enumerable.Range(1, k).Select(o => $"y{o}")]);
        var statistics = FitStatistics.Compute(model, data, bits);
        static decimal Exact(double v) => (decimal)(long)(v * 1048576) / 1048576m;
        var w = weights?.Select(Exact).ToArray() ?? Enumerable.Repeat(1m, n).ToArray();
        decimal total = w.Sum();
        for (int o = 0; o < k; o++)
        {
            var coefficients = model.Coefficients(o).ToArray();
            var r = Enumerable.Range(0, n).Select(i => Exact(y[i * k + o]) - Enumerable.Range(0, d).Sum(j => Exact(x[i * d + j]) * Exact(coefficients[j])) - Exact(model.Intercept(o))).ToArray();
            decimal mean = intercept ? Enumerable.Range(0, n).Sum(i => w[i] * Exact(y[i * k + o])) / total : 0;
            double sst = (double)Enumerable.Range(0, n).Sum(i => w[i] * (Exact(y[i * k + o]) - mean) * (Exact(y[i * k + o]) - mean));
            double sse = (double)Enumerable.Range(0, n).Sum(i => w[i] * r[i] * r[i]);
            double abs = (double)Enumerable.Range(0, n).Sum(i => w[i] * Math.Abs(r[i]));
            var v = Enumerable.Range(0, n).Select(i => (decimal)Math.Sqrt((double)w[i]) * r[i]).ToArray();
            double sum = (double)v.Sum(), cubes = (double)v.Sum(e => e * e * e), fourth = (double)v.Sum(e => e * e * e * e);
            double differences = (double)Enumerable.Range(1, n - 1).Sum(t => (v[t] - v[t - 1]) * (v[t] - v[t - 1]));
            var s = statistics[o];
            Assert.Equal(sst, s.TotalSumOfSquares, sst * 1e-13);
            Assert.Equal(sse, s.SumOfSquaredResiduals, sse * 1e-13);
            Assert.Equal(abs / (double)total, s.MeanAbsoluteError, abs / (double)total * 1e-13);
            Assert.Equal(sum, s.Residuals!.Sum, Math.Sqrt(sse) * 1e-12);
            Assert.Equal(cubes, s.Residuals.Cubes, Math.Abs(cubes) * 1e-12 + Math.Pow(sse, 1.5) * 1e-14);
            Assert.Equal(fourth, s.Residuals.FourthPowers, fourth * 1e-12);
            Assert.Equal(differences, s.Residuals.SquaredDifferences, differences * 1e-12);
        }
    }

    /// <summary>
    /// The fused sweep (residuals of narrow float64 rows of one output formed where they are summed) gives the same bits as
    /// forming them first in a sweep of their own: every width it takes (1 … 3 row by row, 4 … 16 with the last vector chunk full or
    /// overlapping), 512 and 256 bits, weighted or not, with or without intercept, on row counts that leave every tail
    /// (fewer rows than one vector, one group of four after the 8-row vectors, single rows) in the first and the last block.
    /// </summary>
    [Theory]
    [InlineData(512, false, true)]
    [InlineData(256, false, true)]
    [InlineData(512, true, true)]
    [InlineData(256, true, false)]
    [InlineData(512, false, false)]
    public void TheFusedSweepGivesTheBitsOfResidualsFormedFirst(int bits, bool weighted, bool intercept)
    {
        foreach (int d in Enumerable.Range(1, 16))
        {
            // On a CPU with AVX2 and FMA the default sweep is the fused one (else both below are the residuals-first sweep).
            Assert.Equal(System.Runtime.Intrinsics.X86.Avx2.IsSupported && System.Runtime.Intrinsics.X86.Fma.IsSupported, FitStatistics.FormsResiduals(d, FeaturePrecision.DoublePrecision));
            Assert.False(FitStatistics.FormsResiduals(d, FeaturePrecision.SinglePrecision));
            foreach (int n in new[] { 3, 5, 8, 11, 13, 15, 8192 + 4, 2 * 8192 + 7, 3 * 8192 + 12 })
            {
                var (data, model) = Random(n, d, 1, d * 100 + n);
                if (!intercept)
                    model = new LinearModel(new ParameterLayout(d, 1, false), model.Coefficients(0), model.FeatureNames, model.TargetNames);
                if (weighted)
                    data = data.WithWeights([.. Enumerable.Range(0, n).Select(i => i % 13 == 0 ? 0 : 0.25 + (i % 5) * 0.5)]);
                var fused = FitStatistics.Compute(model, data, bits)[0];
                var reference = FitStatistics.Compute(model, data, bits, fuse: false)[0];
                Assert.Equal(reference, fused with { Residuals = reference.Residuals });
                Assert.Equal(reference.Residuals, fused.Residuals);
                var oneThread = FitStatistics.Compute(model, data, bits, maxThreads: 1)[0];   // fixed blocks: the same bits on any number of threads
                Assert.Equal(fused with { Residuals = null }, oneThread with { Residuals = null });
                Assert.Equal(fused.Residuals, oneThread.Residuals);
            }
        }
        Assert.False(FitStatistics.FormsResiduals(0, FeaturePrecision.DoublePrecision));
        Assert.False(FitStatistics.FormsResiduals(17, FeaturePrecision.DoublePrecision));
    }

    /// <summary>The three vector widths give the same sums to a few units in the last place (the lanes split the rows differently).</summary>
    [Fact]
    public void VectorWidthsAgree()
    {
        var (data, model) = Random(50_001, 10, 1, 7);
        var wide = FitStatistics.Compute(model, data, 512)[0];
        foreach (int bits in new[] { 256, 0 })
        {
            var other = FitStatistics.Compute(model, data, bits)[0];
            Assert.Equal(wide.SumOfSquaredResiduals, other.SumOfSquaredResiduals, wide.SumOfSquaredResiduals * 1e-15);
            Assert.Equal(wide.TotalSumOfSquares, other.TotalSumOfSquares, wide.TotalSumOfSquares * 1e-15);
            Assert.Equal(wide.Residuals!.FourthPowers, other.Residuals!.FourthPowers, wide.Residuals.FourthPowers * 1e-15);
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
