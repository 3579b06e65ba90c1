using Lsgd.Data;
using Lsgd.Engines;
using Lsgd.Estimators;
using Lsgd.Models;
using Lsgd.Training;

namespace Lsgd.Tests.Engines;

public class SufficientStatisticsEngineTest
{
    [Theory]
    [InlineData(1, 1, 1, true)]
    [InlineData(7, 3, 1, true)]
    [InlineData(300, 5, 2, false)]
    [InlineData(20000, 9, 1, true)]
    [InlineData(40000, 17, 3, false)]
    public void LossGradientAndHessianEqualTheRowEngines(int n, int d, int k, bool intercept)
    {
        var (data, _) = TestData.Random(n, d, k, seed: n + d);
        var rows = new InMemoryEngine(data, intercept);
        var stats = new SufficientStatisticsEngine(SufficientStatistics.Compute(data), intercept);
        var rng = new Random(3);
        var theta = Enumerable.Range(0, rows.Layout.Count).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var g1 = new double[theta.Length];
        var g2 = new double[theta.Length];
        double l1 = rows.Evaluate(theta, g1), l2 = stats.Evaluate(theta, g2);
        Assert.Equal(l1, l2, 1e-9 * l1);
        double scale = g1.Max(Math.Abs);
        for (int i = 0; i < g1.Length; i++) Assert.Equal(g1[i], g2[i], 1e-10 * scale);
        rows.HessianVector(theta, g1);
        stats.HessianVector(theta, g2);
        scale = g1.Max(Math.Abs);
        for (int i = 0; i < g1.Length; i++) Assert.Equal(g1[i], g2[i], 1e-10 * scale);
    }

    [Fact]
    public void ArticleGradientDescentHasTheSameIteratesOnBothEngines()
    {
        // 1000 iterations of the article's GD; the engines must agree to 1e-9 relative at every step.
        var (data, _) = TestData.Random(5000, 6, 1, seed: 77);
        var options = new GradientDescentOptions { LearningRate = 1e-4, MaxIterations = 1000, Tolerance = 0, TraceIterations = 1000 };
        var a = GradientDescent.Minimize(new LeastSquaresObjective(new InMemoryEngine(data, true), LossScaling.Sum), options);
        var b = GradientDescent.Minimize(new LeastSquaresObjective(new SufficientStatisticsEngine(SufficientStatistics.Compute(data), true), LossScaling.Sum), options);
        Assert.Equal(1000, a.Trace.Count);
        for (int k = 0; k < 1000; k++)
            for (int j = 0; j < 7; j++)
            {
                double x = a.Trace[k].Parameters[j], y = b.Trace[k].Parameters[j];
                Assert.True(Math.Abs(x - y) <= 1e-9 * Math.Max(1e-3, Math.Abs(x)), $"iteration {k + 1}, θ{j}: {x:R} vs {y:R}");
            }
    }

    [Fact]
    public void MiniBatchesAreRefusedWithAnExplanation()
    {
        var engine = new SufficientStatisticsEngine(SufficientStatistics.Compute(TestData.ArticlePoints()), true);
        var e = Assert.Throws<LsgdException>(() => engine.Batches(4, 1).ToList());
        Assert.StartsWith("Mini-batches need the rows themselves", e.Message);
    }

    [Fact]
    public void AutoEngineUsesStatisticsForLargeFullBatchFitsAndLandsOnTheSameModel()
    {
        var (data, _) = TestData.Random(60_000, 8, 1, seed: 12);
        var gd = new GradientDescentOptions { LossScaling = LossScaling.Mean, Tolerance = 0, GradientTolerance = 1e-12, MaxIterations = 100_000, RelativeGapTolerance = 0 };
        var auto = new LinearRegressor(new LinearRegressorOptions { Standardize = true, GradientDescent = gd }).Fit(data);
        var rows = new LinearRegressor(new LinearRegressorOptions { Standardize = true, GradientDescent = gd, Engine = EngineKind.Rows }).Fit(data);
        Assert.Equal(EngineKind.Statistics, auto.Engine);
        Assert.Equal(EngineKind.Rows, rows.Engine);
        for (int j = 0; j < 9; j++)
            Assert.Equal(rows.Model.Parameters[j], auto.Model.Parameters[j], 9);
        Assert.True(auto.Optimality!.RelativeCoefficientDistance < 1e-9);
    }
}

public class StatisticsInferenceTest
{
    [Theory]
    [InlineData("Norris")]
    [InlineData("NoInt1")]
    [InlineData("Longley")]
    public void StandardErrorsFromStatisticsMatchNist(string name)
    {
        // Normal equations square the condition number, so fewer digits than the QR path: 8 are required here
        // (Longley's scaled Gram matrix has κ ≈ 1.2e4).
        var nist = TestData.LoadNist(name);
        var s = Lsgd.Solvers.ExactLeastSquares.FromStatistics(SufficientStatistics.Compute(nist.Data), nist.Intercept);
        var se = nist.Intercept ? [s.InterceptStandardErrors[0], .. s.StandardErrors[0]] : s.StandardErrors[0];
        for (int j = 0; j < se.Length; j++)
            Assert.True(TestData.Lre(se[j], nist.BetaSd[j]) >= 8, $"{name} SE(B{j}): {se[j]:R} vs {nist.BetaSd[j]:R}");
        Assert.True(TestData.Lre(s.ResidualStandardDeviation(), nist.ResidualSd) >= 8);
        Assert.True(TestData.Lre(s.RSquared[0], nist.RSquared) >= 8);
    }

    [Theory]
    [InlineData("Norris")]
    [InlineData("NoInt1")]
    [InlineData("Longley")]
    [InlineData("Pontius")]
    public void ConditionNumberFromStatisticsIsTheOneQrGives(string name)
    {
        var nist = TestData.LoadNist(name);
        var qr = Lsgd.Solvers.ExactLeastSquares.Solve(nist.Data, nist.Intercept);
        var fromStatistics = Lsgd.Solvers.ExactLeastSquares.FromStatistics(SufficientStatistics.Compute(nist.Data), nist.Intercept);
        // Same matrix (centred, column-scaled design) through R or through the Cholesky factor of its Gram
        // matrix; the Cholesky route carries κ²·ε relative error in λmin (Longley: κ ≈ 1e2 scaled, so ~1e-12).
        Assert.True(double.IsFinite(fromStatistics.ConditionNumber) && fromStatistics.ConditionNumber >= 1);
        Assert.Equal(qr.ConditionNumber, fromStatistics.ConditionNumber, 1e-6 * qr.ConditionNumber);
    }

    [Theory]
    [InlineData("Norris", 13.0)]
    [InlineData("Pontius", 12.0)]
    public void ReportOnTheStatisticsEngineTakesSigmaFromTheRowsNotFromTheStatistics(string name, double digits)
    {
        // Conjugate gradient on the statistics engine, run to convergence: the report's [(DᵀD)⁻¹]ⱼⱼ come from
        // the Cholesky factor, σ̂ from the fit's pass over the rows: 14.3 (Norris) and 12.9 (Pontius) digits
        // measured, required rounded down. With σ̂ from Syy − θᵀSxy instead, streamed fits of the same data kept
        // 10.7 and 8.8 (1 − R² ≈ 6e-6 and 1e-7).
        var nist = TestData.LoadNist(name);
        var options = new LinearRegressorOptions
        {
            Method = SolverMethod.ConjugateGradient,
            Engine = EngineKind.Statistics,
            FitIntercept = nist.Intercept,
            Standardize = true,
            GradientDescent = new GradientDescentOptions { Tolerance = 0, GradientTolerance = 1e-14, MaxIterations = 1000 },
        };
        var fit = new LinearRegressor(options).Fit(nist.Data);
        Assert.Equal(EngineKind.Statistics, fit.Engine);
        var report = Assert.Single(fit.Report!);
        var terms = nist.Intercept ? [report.Intercept!, .. report.Coefficients] : report.Coefficients.ToArray();
        double worst = terms.Select((t, j) => TestData.Lre(t.StandardError, nist.BetaSd[j])).Min();
        Assert.True(worst >= digits, $"{name}: {worst:F1} digits of the standard errors < {digits}");
    }

    [Fact]
    public void LargeFitOnTheStatisticsEngineStillReportsInference()
    {
        var (data, _) = TestData.Random(60_000, 3, 1, seed: 16);
        var fit = new LinearRegressor(new LinearRegressorOptions { Method = SolverMethod.ConjugateGradient, Standardize = true }).Fit(data);
        Assert.Equal(EngineKind.Statistics, fit.Engine);
        Assert.NotNull(fit.Report);
        var qr = Lsgd.Solvers.ExactLeastSquares.Solve(data);
        Assert.Equal(qr.StandardErrors[0][1], fit.Report![0].Coefficients[1].StandardError, 1e-9);
    }
}
