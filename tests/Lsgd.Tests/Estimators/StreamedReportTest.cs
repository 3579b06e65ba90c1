using Lsgd.Data;
using Lsgd.Estimators;
using Lsgd.Models;
using Lsgd.Training;

namespace Lsgd.Tests.Estimators;

/// <summary>
/// Fits of rows streamed from a source (larger than memory) carry the same regression report as fits in memory:
/// standard errors from the normal equations of the one statistics pass, SSE and SST from the fit-statistics pass.
/// </summary>
public class StreamedReportTest
{
    private static CappedChunks Stream(Dataset data) => new(data, 37);

    private static void AssertRelative(double expected, double actual, double tolerance, string what)
    {
        double error = expected == actual ? 0 : Math.Abs(actual - expected) / Math.Abs(expected);
        Assert.True(error <= tolerance, $"{what}: in memory {expected:R}, streamed {actual:R} (relative error {error:E2} > {tolerance:E0})");
    }

    [Theory]
    [InlineData(SolverMethod.Exact, true)]
    [InlineData(SolverMethod.Exact, false)]
    [InlineData(SolverMethod.ConjugateGradient, true)]
    public void StreamedFitReportsTheSameInferenceAsTheInMemoryFit(SolverMethod method, bool intercept)
    {
        // Gaussian features (κ of the scaled design ≈ 1) and R² ≈ 0.2, so the normal equations of the streamed fit
        // lose nothing that matters next to QR in memory: every number agrees to 13 digits or more (measured);
        // 1e-10 leaves room for other rounding yet fails on any wrong formula (a wrong degree of freedom, SST or σ̂
        // moves them by 1e-3 or more). The noise keeps |t| ≤ 10, so the p-values are not so tiny that their
        // relative error grows with t². Chunks of 37 rows make the statistics a merge of 11 parts.
        var (data, _) = TestData.Random(400, 3, 2, seed: 21, noise: 2);
        var options = new LinearRegressorOptions
        {
            Method = method,
            FitIntercept = intercept,
            GradientDescent = new() { Tolerance = 0, GradientTolerance = 1e-13, MaxIterations = 10_000 },
        };
        var memory = new LinearRegressor(options).Fit(data);
        var streamed = new LinearRegressor(options).Fit(Stream(data));
        Assert.NotNull(memory.Report);
        Assert.NotNull(streamed.Report);
        Assert.NotNull(streamed.Exact);
        const double tolerance = 1e-10;
        for (int o = 0; o < 2; o++)
        {
            var a = memory.Report![o];
            var b = streamed.Report![o];
            Assert.Equal((a.Target, a.Observations, a.Parameters, a.DegreesOfFreedom), (b.Target, b.Observations, b.Parameters, b.DegreesOfFreedom));
            AssertRelative(a.RSquared, b.RSquared, tolerance, "R²");
            AssertRelative(a.AdjustedRSquared, b.AdjustedRSquared, tolerance, "adjusted R²");
            AssertRelative(a.ResidualStandardDeviation, b.ResidualStandardDeviation, tolerance, "residual SD");
            AssertRelative(a.FStatistic, b.FStatistic, tolerance, "F");
            AssertRelative(a.FPValue, b.FPValue, tolerance, "p of F");
            Assert.Equal(intercept, b.Intercept is not null);
            var pairs = a.Coefficients.Zip(b.Coefficients).ToList();
            if (intercept) pairs.Add((a.Intercept!, b.Intercept!));
            foreach (var (x, y) in pairs)
            {
                Assert.Equal(x.Term, y.Term);
                Assert.True(Math.Abs(x.T) < 12, $"{x.Term}: t = {x.T} makes p too small for a relative comparison");
                AssertRelative(x.Estimate, y.Estimate, tolerance, $"{x.Term} estimate");
                AssertRelative(x.StandardError, y.StandardError, tolerance, $"{x.Term} SE");
                AssertRelative(x.T, y.T, tolerance, $"{x.Term} t");
                AssertRelative(x.P, y.P, tolerance, $"{x.Term} p");
                AssertRelative(x.Lower95, y.Lower95, tolerance, $"{x.Term} lower 95 %");
                AssertRelative(x.Upper95, y.Upper95, tolerance, $"{x.Term} upper 95 %");
            }
        }
    }

    [Theory]
    [InlineData("Norris", 13.0)]
    [InlineData("NoInt1", 14.0)]
    [InlineData("Pontius", 12.0)]
    [InlineData("Longley", 11.0)]
    public void StreamedNistFitGivesTheCertifiedStandardErrors(string name, double digits)
    {
        // Streamed data get their standard errors from the statistics of one pass (Cholesky on the correlation-
        // scaled Sxx for [(DᵀD)⁻¹]ⱼⱼ) and σ̂ from the second pass, which measures Σr² at the solution on the rows
        // (QR on the rows gives 13.8+ digits on all four). Before σ̂ came from that pass, the statistics' own
        // SSE = Syy − θᵀSxy cancelled when R² is near 1 and cost about log10(1/(1 − R²)) digits: Norris 10.7,
        // Pontius 8.8 (measured). Now (chunks of 7, measured): Norris 13.5, NoInt1 15, Pontius 12.8, Longley 12.4.
        // The normal equations still square the condition number: Longley's centred, scaled design has κ ≈ 111,
        // so κ²·ε ≈ 3e-12, about 11.5 digits, which is its requirement. The others are the measurement rounded
        // down, so the test does not lean on lucky rounding.
        var nist = TestData.LoadNist(name);
        var fit = new LinearRegressor(new LinearRegressorOptions { Method = SolverMethod.Exact, FitIntercept = nist.Intercept })
            .Fit(new CappedChunks(nist.Data, 7));
        var report = Assert.Single(fit.Report!);
        var terms = nist.Intercept ? [report.Intercept!, .. report.Coefficients] : report.Coefficients.ToArray();
        Assert.Equal(nist.BetaSd.Length, terms.Length);
        for (int j = 0; j < terms.Length; j++)
        {
            double lre = TestData.Lre(terms[j].StandardError, nist.BetaSd[j]);
            Assert.True(lre >= digits, $"{name} SE(B{j}): {terms[j].StandardError:R} vs certified {nist.BetaSd[j]:R} ({lre:F1} digits < {digits})");
            // The estimates themselves: 11.4 digits or more measured (Longley, κ²·ε again).
            Assert.True(TestData.Lre(terms[j].Estimate, nist.Beta[j]) >= 10, $"{name} B{j}: {terms[j].Estimate:R} vs {nist.Beta[j]:R}");
        }
        // σ̂ and R² of the report come from the pass over the rows at the fitted θ (12.3 digits or more measured).
        Assert.True(TestData.Lre(report.ResidualStandardDeviation, nist.ResidualSd) >= 11, $"{name} residual SD {report.ResidualStandardDeviation:R}");
        Assert.True(TestData.Lre(report.RSquared, nist.RSquared) >= 11, $"{name} R² {report.RSquared:R}");
    }

    [Fact]
    public void StreamedRunStoppedFarFromTheOptimumHasNoReport()
    {
        var nist = TestData.LoadNist("Norris");
        var stopped = new LinearRegressor(new LinearRegressorOptions
        {
            GradientDescent = new() { LearningRate = 1e-7, MaxIterations = 3, Tolerance = 0 },
        }).Fit(Stream(nist.Data));
        Assert.Equal(StopReason.MaxIterations, stopped.Training!.StopReason);
        Assert.NotNull(stopped.Optimality);
        Assert.Null(stopped.Report);
    }

    [Fact]
    public void StreamedRunThatDivergedHasNoReport()
    {
        var nist = TestData.LoadNist("Norris");
        var diverged = new LinearRegressor(new LinearRegressorOptions
        {
            GradientDescent = new() { LearningRate = 10, LossScaling = LossScaling.Sum, MaxIterations = 1000 },
        }).Fit(Stream(nist.Data));
        Assert.Equal(StopReason.Diverged, diverged.Training!.StopReason);
        Assert.Null(diverged.Report);
    }

    [Fact]
    public void StreamedPenalisedFitHasNoReport()
    {
        var (data, _) = TestData.Random(200, 2, 1, seed: 4);
        var fit = new LinearRegressor(new LinearRegressorOptions { Method = SolverMethod.ConjugateGradient, Penalty = new Penalty(0, 0.5) })
            .Fit(Stream(data));
        Assert.NotNull(fit.ExactCheckSkipped);
        Assert.Null(fit.Exact);
        Assert.Null(fit.Report);
    }
}
