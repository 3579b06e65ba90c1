using System.Globalization;
using Lsgd;
using Lsgd.Data;
using Lsgd.Estimators;
using Lsgd.Models;
using Lsgd.Solvers;

namespace Lsgd.Tests.Estimators;

/// <summary>
/// Weighted least squares (minimise Σwᵢ(yᵢ − xᵢᵀθ)², weights as inverse variances) through every method and engine,
/// checked against statsmodels' WLS.
/// </summary>
/// <remarks>
/// Reference numbers: tests/Lsgd.Tests/Reference/wls_stackloss.py (statsmodels 0.13.5, numpy 1.24.2) on Brownlee's
/// stack loss data (public domain; statsmodels.datasets.stackloss, R's <c>stackloss</c>), 21 rows,
/// STACKLOSS ~ AIRFLOW + WATERTEMP + ACIDCONC with the weight column w = 1/AIRFLOW, stored in
/// tests/data/stackloss-weighted.csv. Arrays: the three coefficients, then the intercept.
/// </remarks>
public class WeightedLeastSquaresTest
{
    // statsmodels 0.13.5+dfsg, numpy 1.24.2: WLS on tests/data/stackloss-weighted.csv (w = 1/AIRFLOW).
    // Summary = [ssr, rsquared, rsquared_adj, fvalue, f_pvalue, sqrt(scale), df_resid, llf, nobs].
    private static readonly double[] Params = [0.718709794464734, 1.2247748304013295, -0.12753332523437336, -40.73940922470726];
    private static readonly double[] Se = [0.13261814580581927, 0.3542204733924972, 0.14441704138082306, 10.89594985572317];
    private static readonly double[] T = [5.419392573298949, 3.4576624514986936, -0.8830905550687201, -3.7389497716262534];
    private static readonly double[] P = [4.601327654601623e-05, 0.003007756522112308, 0.3895048579656548, 0.0016336558430611826];
    private static readonly double[] Summary = [2.7364871828280837, 0.9092392855517797, 0.8932226888844467, 56.768569780260435, 4.5639556968038505e-09, 0.4012104613342041, 17.0, -51.35722826884245, 21.0];
    // The same with row 21 at weight 0: statsmodels' WLS on the other 20 rows (R's lm drops zero weights the same way).
    private static readonly double[] ZeroParams = [0.8788445632095483, 0.8190255955378204, -0.10047470454028087, -43.71327458434618];
    private static readonly double[] ZeroSe = [0.11778141303747476, 0.31174786925248643, 0.11646226317115427, 8.812672328479817];
    private static readonly double[] ZeroT = [7.46165749369915, 2.6272051113025787, -0.8627232702203469, -4.960274585845938];
    private static readonly double[] ZeroP = [1.352697169432783e-06, 0.018299865807321833, 0.40103651901006165, 0.00014179721850918152];
    private static readonly double[] ZeroSummary = [1.6661389284084498, 0.9446918581303135, 0.9343215815297473, 91.09611001877556, 2.850436431911128e-10, 0.3226975101012218, 16.0, -44.35920627987646, 20.0];

    // The diagnostics of the whitened residuals √w·r (statsmodels' wresid), same fit:
    // [durbin_watson, omnibus, omnibus p, jarque_bera, jb p, skew, kurtosis, aic, bic].
    private static readonly double[] Diagnostics = [1.475853955312668, 0.789671852959614, 0.6737905813726607, 0.10799851859452808, 0.9474328082676117, -0.1441671798010749, 3.2007241277638654, 110.71445653768492, 114.89254628857861];

    /// <summary>tests/data/stackloss-weighted.csv: the features, the target and the weights.</summary>
    internal static (Dataset Unweighted, double[] Weights) StackLoss()
    {
        var lines = File.ReadAllLines(Path.Combine(TestData.RepositoryRoot(), "tests", "data", "stackloss-weighted.csv"))
            .Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',').Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        int n = lines.Length;
        var x = new double[n * 3];
        var y = new double[n];
        var w = new double[n];
        for (int i = 0; i < n; i++)
        {
            y[i] = lines[i][0];
            for (int j = 0; j < 3; j++) x[i * 3 + j] = lines[i][j + 1];
            w[i] = lines[i][4];
        }
        return (new Dataset(x, y, n, 3, 1, ["AIRFLOW", "WATERTEMP", "ACIDCONC"], ["STACKLOSS"]), w);
    }

    private static void AssertDigits(double expected, double actual, double digits, string what) =>
        Assert.True(TestData.Lre(actual, expected) >= digits,
            $"{what}: {actual:R} vs statsmodels {expected:R} ({TestData.Lre(actual, expected):F1} digits < {digits})");

    private static void AssertReport(LinearFit fit, double[] parameters, double[] se, double[] t, double[] p, double[] summary, double digits, string what)
    {
        var report = Assert.Single(fit.Report ?? throw new Xunit.Sdk.XunitException($"{what}: no report"));
        var terms = report.Coefficients.Append(report.Intercept!).ToArray();
        for (int j = 0; j < 4; j++)
        {
            AssertDigits(parameters[j], terms[j].Estimate, digits, $"{what}: {terms[j].Term}");
            AssertDigits(se[j], terms[j].StandardError, digits, $"{what}: SE({terms[j].Term})");
            AssertDigits(t[j], terms[j].T, digits, $"{what}: t({terms[j].Term})");
            AssertDigits(p[j], terms[j].P, digits, $"{what}: p({terms[j].Term})");
        }
        AssertDigits(summary[0], fit.Statistics[0].SumOfSquaredResiduals, digits, $"{what}: SSE");
        AssertDigits(summary[1], report.RSquared, digits, $"{what}: R²");
        AssertDigits(summary[2], report.AdjustedRSquared, digits, $"{what}: adjusted R²");
        AssertDigits(summary[3], report.FStatistic, digits, $"{what}: F");
        AssertDigits(summary[4], report.FPValue, digits, $"{what}: p(F)");
        AssertDigits(summary[5], report.ResidualStandardDeviation, digits, $"{what}: σ̂");
        Assert.Equal(summary[6], report.DegreesOfFreedom);
        AssertDigits(summary[7], report.LogLikelihood, digits, $"{what}: log-likelihood (with ½Σ ln w)");
        Assert.Equal(summary[8], report.Observations);
    }

    /// <summary>
    /// The method at its defaults, except that iterative runs go on to a certified relative gap of 1e-24: at the default
    /// 1e-10 the estimates of this design (κ ≈ 10³ after standardising) carry about 5 digits, weighted or not.
    /// </summary>
    private static LinearRegressorOptions Options(SolverMethod method) => new()
    {
        Method = method,
        Standardize = method != SolverMethod.Exact,
        GradientDescent = new() { RelativeGapTolerance = 1e-24 },
    };

    public static TheoryData<SolverMethod, bool> Methods => new()
    {
        { SolverMethod.Exact, false }, { SolverMethod.Exact, true },
        { SolverMethod.Auto, false }, { SolverMethod.Auto, true },
        { SolverMethod.ConjugateGradient, false }, { SolverMethod.ConjugateGradient, true },
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WeightedDiagnosticsAreThoseOfTheWhitenedResidualsAsInStatsmodelsWls(bool streamed)
    {
        var (data, w) = StackLoss();
        var weighted = data.WithWeights(w);
        var options = Options(SolverMethod.Exact);
        var fit = streamed
            ? new LinearRegressor(options).Fit(new CappedChunks(weighted, 5))
            : new LinearRegressor(options).Fit(weighted);
        var report = Assert.Single(fit.Report!);
        double[] actual = [report.DurbinWatson, report.Omnibus, report.OmnibusP, report.JarqueBera, report.JarqueBeraP, report.Skew, report.Kurtosis, report.Aic, report.Bic];
        string[] names = ["Durbin-Watson", "omnibus", "omnibus p", "Jarque-Bera", "JB p", "skew", "kurtosis", "AIC", "BIC"];
        for (int m = 0; m < actual.Length; m++)
            AssertDigits(Diagnostics[m], actual[m], 9, $"{names[m]}{(streamed ? ", streamed" : "")}");
    }

    [Fact]
    public void UncentredConditionNumberIsThatOfTheWhitenedDesignAsInStatsmodelsWls()
    {
        // statsmodels 0.13.5: WLS(...).fit().condition_number on the same data (the singular values of wexog).
        const double expected = 1725.7471281586788;
        var (data, w) = StackLoss();
        var weighted = data.WithWeights(w);
        AssertDigits(expected, ExactLeastSquares.Solve(weighted).UncentredConditionNumber, 9, "from the rows");
        AssertDigits(expected, ExactLeastSquares.FromStatistics(SufficientStatistics.Compute(weighted)).UncentredConditionNumber, 7, "from the statistics");
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public void WeightedFitMatchesStatsmodelsWlsToTenDigits(SolverMethod method, bool streamed)
    {
        // In memory: QR of the whitened rows (exact) or the certified iterative run with the report's standard errors
        // from that QR. Streamed (chunks of 5 rows): the weighted statistics of one pass, merged over 5 chunks.
        var (data, w) = StackLoss();
        var weighted = data.WithWeights(w);
        var options = Options(method);
        var fit = streamed
            ? new LinearRegressor(options).Fit(new CappedChunks(weighted, 5))
            : new LinearRegressor(options).Fit(weighted);
        if (method == SolverMethod.Auto)
            Assert.True(fit.Method != SolverMethod.Exact && fit.Converged, $"auto: {fit.Method}, {fit.MethodChoice}");
        AssertReport(fit, Params, Se, T, P, Summary, 10, $"{method}{(streamed ? ", streamed" : "")}");
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public void ZeroWeightLeavesTheRowOutAsRsLmDoes(SolverMethod method, bool streamed)
    {
        var (data, w) = StackLoss();
        w[20] = 0;
        var weighted = data.WithWeights(w);
        Assert.Equal(20, weighted.Observations);
        var options = Options(method);
        var fit = streamed
            ? new LinearRegressor(options).Fit(new CappedChunks(weighted, 5))
            : new LinearRegressor(options).Fit(weighted);
        AssertReport(fit, ZeroParams, ZeroSe, ZeroT, ZeroP, ZeroSummary, 10, $"{method}{(streamed ? ", streamed" : "")}, zero weight");
    }

    [Theory]
    [InlineData(SolverMethod.GradientDescent, EngineKind.Rows, null)]
    [InlineData(SolverMethod.GradientDescent, EngineKind.Statistics, null)]
    [InlineData(SolverMethod.GradientDescent, EngineKind.Rows, 21)]
    [InlineData(SolverMethod.GradientDescent, EngineKind.Rows, 4)]
    [InlineData(SolverMethod.ConjugateGradient, EngineKind.Rows, null)]
    [InlineData(SolverMethod.ConjugateGradient, EngineKind.Statistics, null)]
    public void EveryEngineReachesTheWeightedOptimum(SolverMethod method, EngineKind engine, int? batchSize)
    {
        var (data, w) = StackLoss();
        var options = new LinearRegressorOptions
        {
            Method = method,
            Engine = engine,
            Standardize = true,
            GradientDescent = batchSize is null or 21
                ? new() { BatchSize = batchSize, LearningRate = 0.1, Tolerance = 0, RelativeGapTolerance = 1e-24, GradientTolerance = 0, MaxIterations = 200_000, LossScaling = LossScaling.Mean }
                : new() { BatchSize = batchSize, LearningRate = 0.05, Tolerance = 0, MaxIterations = 20_000, LossScaling = LossScaling.Mean,
                          Schedule = new Schedules.InverseScalingSchedule(0.5), Seed = 3 },
        };
        var fit = new LinearRegressor(options).Fit(data.WithWeights(w));
        var theta = fit.Model.Parameters.ToArray();
        // One batch of all 21 rows is full-batch descent through the mini-batch path; batches of 4 with a decaying
        // step get near, not to, the optimum.
        double tolerance = batchSize is null or 21 ? 1e-8 : 5e-2;
        for (int j = 0; j < 4; j++)
            Assert.True(Math.Abs(theta[j] - Params[j]) <= tolerance * Math.Abs(Params[j]),
                $"{method}/{engine}/{batchSize}: θ[{j}] = {theta[j]:R}, statsmodels {Params[j]:R}");
    }

    [Theory]
    [InlineData(null)]
    [InlineData(21)]
    public void StreamEngineReachesTheWeightedOptimum(int? batchSize)
    {
        // Rows streamed on every pass (chunks of 5), full batch or one mini-batch per chunk of the seeded order.
        var (data, w) = StackLoss();
        var options = new LinearRegressorOptions
        {
            Method = SolverMethod.GradientDescent,
            Engine = EngineKind.Stream,
            Standardize = true,
            GradientDescent = new() { BatchSize = batchSize, LearningRate = batchSize is null ? 0.1 : 0.02, Tolerance = 0, RelativeGapTolerance = 1e-24,
                                      MaxIterations = batchSize is null ? 20_000 : 40_000, LossScaling = LossScaling.Mean },
        };
        var fit = new LinearRegressor(options).Fit(new CappedChunks(data.WithWeights(w), 5));
        Assert.Equal(EngineKind.Stream, fit.Engine);
        var theta = fit.Model.Parameters.ToArray();
        // Mini-batches of at most 5 rows (a chunk) with a constant step wander around the optimum by about α's share.
        double tolerance = batchSize is null ? 1e-8 : 5e-2;
        for (int j = 0; j < 4; j++)
            Assert.True(Math.Abs(theta[j] - Params[j]) <= tolerance * Math.Abs(Params[j]),
                $"stream/{batchSize}: θ[{j}] = {theta[j]:R}, statsmodels {Params[j]:R}");
    }

    [Fact]
    public void SinglePrecisionFeaturesKeepTheirWeights()
    {
        // Stack loss features are small integers, exact in float32: the fit is the double-precision one.
        var (data, w) = StackLoss();
        var single = Dataset.FromSingle([.. data.X.ToArray().Select(v => (float)v)], data.Y.ToArray(), data.Rows, 3, 1, data.FeatureNames, data.TargetNames).WithWeights(w);
        var fit = new LinearRegressor(Options(SolverMethod.ConjugateGradient) with { Engine = EngineKind.Rows }).Fit(single);
        AssertReport(fit, Params, Se, T, P, Summary, 10, "float32, cg on rows");
    }

    [Theory]
    [InlineData(SolverMethod.Exact)]
    [InlineData(SolverMethod.Auto)]
    [InlineData(SolverMethod.ConjugateGradient)]
    public void WeightsOfOneGiveExactlyTheUnweightedFit(SolverMethod method)
    {
        var (data, _) = StackLoss();
        var options = new LinearRegressorOptions { Method = method, Standardize = method != SolverMethod.Exact };
        var plain = new LinearRegressor(options).Fit(data);
        var ones = new LinearRegressor(options).Fit(data.WithWeights([.. Enumerable.Repeat(1.0, data.Rows)]));
        Assert.Equal(plain.Model.Parameters.ToArray(), ones.Model.Parameters.ToArray());
        Assert.Equal(plain.Statistics[0], ones.Statistics[0]);
        Assert.Equal(plain.Report![0].Coefficients, ones.Report![0].Coefficients);
        Assert.Equal(plain.Report[0].Intercept, ones.Report[0].Intercept);
        Assert.Equal(plain.Report[0].FStatistic, ones.Report[0].FStatistic);
    }

    [Theory]
    [InlineData(SolverMethod.Exact, false)]
    [InlineData(SolverMethod.Exact, true)]
    [InlineData(SolverMethod.ConjugateGradient, false)]
    public void IntegerWeightsEqualRepeatedRows(SolverMethod method, bool streamed)
    {
        // Weight m on a row is that row m times: the same estimates, SSE and R² (analytic weights keep n, so the
        // degrees of freedom, and with them σ̂ and the standard errors, differ from the repeated rows' on purpose).
        var (data, _) = StackLoss();
        int[] counts = [.. Enumerable.Range(0, data.Rows).Select(i => i % 4)];   // 0, 1, 2 or 3 copies
        var rows = new List<double[]>();
        var y = new List<double>();
        for (int i = 0; i < data.Rows; i++)
            for (int c = 0; c < counts[i]; c++)
            {
                rows.Add(data.FeatureRow(i).ToArray());
                y.Add(data.Y[i]);
            }
        var repeated = Dataset.FromRows(rows, y);
        var weighted = new Dataset(data.X.ToArray(), data.Y.ToArray(), data.Rows, 3).WithWeights([.. counts.Select(c => (double)c)]);
        var options = new LinearRegressorOptions { Method = method, Standardize = method != SolverMethod.Exact, GradientDescent = new() { LossScaling = LossScaling.Mean } };
        var a = new LinearRegressor(options).Fit(repeated);
        var b = streamed ? new LinearRegressor(options).Fit(new DatasetRowSource(weighted)) : new LinearRegressor(options).Fit(weighted);
        var ta = a.Model.Parameters.ToArray();
        var tb = b.Model.Parameters.ToArray();
        for (int j = 0; j < ta.Length; j++)
            Assert.True(Math.Abs(ta[j] - tb[j]) <= 1e-11 * Math.Abs(ta[j]), $"θ[{j}]: repeated {ta[j]:R}, weighted {tb[j]:R}");
        Assert.Equal(a.Statistics[0].SumOfSquaredResiduals, b.Statistics[0].SumOfSquaredResiduals, 1e-10);
        Assert.Equal(a.Statistics[0].RSquared, b.Statistics[0].RSquared, 1e-12);
        Assert.Equal(a.Statistics[0].RootMeanSquaredError, b.Statistics[0].RootMeanSquaredError, 1e-11);
    }

    [Fact]
    public void IllConditionedWeightedPolynomialTakesTheDoubleDoublePathAndMatchesRepeatedRows()
    {
        // NIST's Filip (degree 10; κ far above 1e4 after centring and scaling, so the exact solver refactors in double-double
        // with the powers formed exactly): weights of
        // 1, 2 or 3 against the rows repeated that often. Both fits are solved to about 32 − log₁₀κ digits, so they agree
        // far beyond the 10 digits asked; weights of 1 give the unweighted bits.
        var filip = TestData.LoadNist("Filip").Data;
        int d = filip.Features;
        int[] counts = [.. Enumerable.Range(0, filip.Rows).Select(i => 1 + i % 3)];
        var rows = new List<double[]>();
        var y = new List<double>();
        for (int i = 0; i < filip.Rows; i++)
            for (int c = 0; c < counts[i]; c++)
            {
                rows.Add(filip.FeatureRow(i).ToArray());
                y.Add(filip.Y[i]);
            }
        var repeated = ExactLeastSquares.Solve(Dataset.FromRows(rows, y));
        var weighted = ExactLeastSquares.Solve(filip.WithWeights([.. counts.Select(c => (double)c)]));
        Assert.True(weighted.ConditionNumber > 1e4, $"κ = {weighted.ConditionNumber}");
        var a = repeated.Model.Parameters.ToArray();
        var b = weighted.Model.Parameters.ToArray();
        for (int j = 0; j <= d; j++)
            Assert.True(TestData.Lre(b[j], a[j]) >= 12, $"θ[{j}]: repeated {a[j]:R}, weighted {b[j]:R}");
        Assert.True(TestData.Lre(weighted.ResidualSumOfSquares[0], repeated.ResidualSumOfSquares[0]) >= 12);

        var plain = ExactLeastSquares.Solve(filip);
        var ones = ExactLeastSquares.Solve(filip.WithWeights([.. Enumerable.Repeat(1.0, filip.Rows)]));
        Assert.Equal(plain.Model.Parameters.ToArray(), ones.Model.Parameters.ToArray());
        Assert.Equal(plain.StandardErrors[0], ones.StandardErrors[0]);
    }

    [Fact]
    public void RankDeficientWeightedDesignKeepsTheEstimableCoefficients()
    {
        // A column equal to AIRFLOW + WATERTEMP makes the design rank-deficient: AIRFLOW, WATERTEMP and the new column are
        // aliased, while ACIDCONC, SSE and the degrees of freedom (n − rank) are those of the full-rank weighted fit.
        var (data, w) = StackLoss();
        var x = new double[data.Rows * 4];
        for (int i = 0; i < data.Rows; i++)
        {
            for (int j = 0; j < 3; j++) x[i * 4 + j] = data.Feature(i, j);
            x[i * 4 + 3] = data.Feature(i, 0) + data.Feature(i, 1);
        }
        var wide = new Dataset(x, data.Y.ToArray(), data.Rows, 4, 1, [.. data.FeatureNames, "SUM"], data.TargetNames).WithWeights(w);
        var fit = ExactLeastSquares.Solve(wide);
        Assert.Equal(4, fit.Rank);
        Assert.Equal(["AIRFLOW", "WATERTEMP", "SUM"], fit.Aliased);
        Assert.Equal(17, fit.DegreesOfFreedom);
        AssertDigits(Params[2], fit.Model.Coefficients()[2], 10, "ACIDCONC");
        AssertDigits(Se[2], fit.StandardErrors[0][2], 10, "SE(ACIDCONC)");
        AssertDigits(Params[3], fit.Model.Intercept(), 10, "intercept");
        AssertDigits(Summary[0], fit.ResidualSumOfSquares[0], 10, "SSE");
        AssertDigits(Summary[1], fit.RSquared[0], 10, "R²");
    }

    [Fact]
    public void ScalingEveryWeightChangesNoEstimateUnderTheMeanLoss()
    {
        // Weights are relative: w and 1000·w give the same θ, and under the mean loss the same α works for both.
        var (data, w) = StackLoss();
        var options = new LinearRegressorOptions
        {
            Method = SolverMethod.GradientDescent, Standardize = true,
            GradientDescent = new() { LearningRate = 0.1, Tolerance = 0, RelativeGapTolerance = 1e-24, GradientTolerance = 0, MaxIterations = 200_000, LossScaling = LossScaling.Mean },
        };
        var a = new LinearRegressor(options).Fit(data.WithWeights(w)).Model.Parameters.ToArray();
        var b = new LinearRegressor(options).Fit(data.WithWeights([.. w.Select(v => 1000 * v)])).Model.Parameters.ToArray();
        for (int j = 0; j < a.Length; j++)
            Assert.True(Math.Abs(a[j] - b[j]) <= 1e-9 * Math.Abs(Params[j]), $"θ[{j}]: {a[j]:R} vs {b[j]:R}");
    }

    [Fact]
    public void StatsmodelsDocstringExampleIsReproduced()
    {
        // statsmodels' WLS docstring: Y = [1,3,4,5,2,3,4], X = 1..7, weights = 1..7 →
        // params [2.91666667, 0.0952381], tvalues [2.0652652, 0.35684428], const sd 1.41224801, df_denom 5.
        var data = Dataset.FromPoints([1, 2, 3, 4, 5, 6, 7], [1, 3, 4, 5, 2, 3, 4]).WithWeights([1, 2, 3, 4, 5, 6, 7]);
        var fit = ExactLeastSquares.Solve(data);
        Assert.Equal(0.0952381, fit.Model.Coefficients()[0], 7);
        Assert.Equal(2.91666667, fit.Model.Intercept(), 7);
        Assert.Equal(1.41224801, fit.InterceptStandardErrors[0], 7);
        Assert.Equal(5, fit.DegreesOfFreedom);
        Assert.Equal(2.0652652, fit.Model.Intercept() / fit.InterceptStandardErrors[0], 6);
        Assert.Equal(0.35684428, fit.Model.Coefficients()[0] / fit.StandardErrors[0][0], 7);
    }

    [Theory]
    [InlineData(-1.0, "The weight of row 3 is -1")]
    [InlineData(double.NaN, "The weight of row 3 is NaN")]
    [InlineData(double.PositiveInfinity, "The weight of row 3 is ")]
    public void BadWeightIsAnErrorNamingItsRow(double bad, string message)
    {
        var (data, w) = StackLoss();
        w[2] = bad;
        var e = Assert.Throws<LsgdException>(() => data.WithWeights(w));
        Assert.StartsWith(message, e.Message);
        Assert.Contains("≥ 0", e.Message);
        var streamed = Assert.Throws<LsgdException>(() => SufficientStatistics.Compute(new RawWeights(data, w)));
        Assert.StartsWith(message, streamed.Message);
    }

    [Fact]
    public void AllZeroWeightsAreAClearError()
    {
        var (data, _) = StackLoss();
        var zeros = new double[data.Rows];
        Assert.Contains("Every weight is zero", Assert.Throws<LsgdException>(() => data.WithWeights(zeros)).Message);
        Assert.Contains("Every weight is zero", Assert.Throws<LsgdException>(() => SufficientStatistics.Compute(new RawWeights(data, zeros))).Message);
    }

    [Fact]
    public void WeightedStatisticsMergeAsOnePass()
    {
        // Σw, the weighted means and scatters of a chunked pass equal those of the rows in memory.
        var (data, w) = StackLoss();
        var weighted = data.WithWeights(w);
        var whole = SufficientStatistics.Compute(weighted);
        var chunked = SufficientStatistics.Compute(new CappedChunks(weighted, 4));
        Assert.Equal(w.Sum(), whole.WeightSum, 1e-15);
        Assert.Equal(whole.WeightSum, chunked.WeightSum, 1e-15);
        Assert.Equal(21, chunked.Count);
        Assert.True(chunked.IsWeighted);
        Assert.Equal(w.Sum(v => Math.Log(v)), chunked.SumOfLogWeights, 1e-12);
        for (int j = 0; j < 3; j++)
        {
            double mean = Enumerable.Range(0, 21).Sum(i => w[i] * data.Feature(i, j)) / w.Sum();
            Assert.Equal(mean, chunked.FeatureMeans[j], 1e-12);
            Assert.Equal(whole.FeatureMeans[j], chunked.FeatureMeans[j], 1e-12);
        }
        for (int i = 0; i < 9; i++)
            Assert.True(Math.Abs(whole.FeatureScatter[i] - chunked.FeatureScatter[i]) <= 1e-12 * Math.Abs(whole.FeatureScatter[0]));
    }

    /// <summary>A source whose chunks carry the given weights unchecked (as a file reader hands them over).</summary>
    private sealed class RawWeights(Dataset data, double[] w) : IRowSource
    {
        public int Features => data.Features;
        public int Outputs => data.Outputs;
        public IReadOnlyList<string> FeatureNames => data.FeatureNames;
        public IReadOnlyList<string> TargetNames => data.TargetNames;
        public long? RowCount => data.Rows;
        public IEnumerable<RowChunk> ReadChunks(int chunkRows, CancellationToken cancellationToken = default)
        {
            foreach (var chunk in new DatasetRowSource(data).ReadChunks(chunkRows, cancellationToken))
                yield return chunk with { W = w.AsSpan((int)chunk.FirstRow, chunk.Rows).ToArray() };
        }
    }
}
