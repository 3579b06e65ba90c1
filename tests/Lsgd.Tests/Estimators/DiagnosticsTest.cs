using Lsgd.Data;
using Lsgd.Estimators;
using Lsgd.Solvers;
using Lsgd.Models;
using static Lsgd.Tests.Estimators.StatsmodelsDiagnosticsReference;

namespace Lsgd.Tests.Estimators;

/// <summary>
/// Prediction intervals, influence measures, variance inflation factors and Wald F tests against statsmodels 0.13.5
/// (numbers in <see cref="StatsmodelsDiagnosticsReference"/>): stack loss is well conditioned, so every quantity must
/// agree to 10 digits or more, in the exact method and in auto (the command line's default); Longley is NIST's
/// ill-conditioned set, where statsmodels' own pinv-based numbers carry fewer digits.
/// </summary>
public class DiagnosticsTest
{
    private static readonly string[] StacklossFeatures = ["AIRFLOW", "WATERTEMP", "ACIDCONC"];

    private static Dataset Stackloss()
    {
        int n = StacklossRows.Length / 4;
        var x = new double[n * 3];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            y[i] = StacklossRows[i * 4];
            for (int j = 0; j < 3; j++) x[i * 3 + j] = StacklossRows[i * 4 + 1 + j];
        }
        return new Dataset(x, y, n, 3, 1, StacklossFeatures, ["STACKLOSS"]);
    }

    private static Dataset Longley() => TestData.LoadNist("Longley").Data;

    private static LinearFit Fit(Dataset data, SolverMethod method) =>
        new LinearRegressor(new LinearRegressorOptions { Method = method }).Fit(data);

    private static Dataset Rows(double[] values, int d) =>
        new(values, new double[values.Length / d], values.Length / d, d);

    private static void AssertDigits(double[] expected, double[] actual, double digits, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(TestData.Lre(actual[i], expected[i]) >= digits,
                $"{what}[{i}]: {actual[i]:R} vs statsmodels {expected[i]:R} ({TestData.Lre(actual[i], expected[i]):F1} digits < {digits})");
    }

    [Theory]
    [InlineData(SolverMethod.Exact)]
    [InlineData(SolverMethod.Auto)]
    public void CovarianceMatchesStatsmodelsCovParamsOnStackloss(SolverMethod method)
    {
        var data = Stackloss();
        var covariance = ParameterCovariance.Compute(Fit(data, method), data);
        Assert.Equal(["(intercept)", .. StacklossFeatures], covariance.Names);
        Assert.Equal(17, covariance.DegreesOfFreedom);
        AssertDigits(StacklossCovariance, covariance.Matrix().ToArray(), 10, "cov_params");
    }

    [Theory]
    [InlineData(SolverMethod.Exact)]
    [InlineData(SolverMethod.Auto)]
    public void ConfidenceAndPredictionIntervalsMatchStatsmodelsSummaryFrame(SolverMethod method)
    {
        var data = Stackloss();
        var fit = Fit(data, method);
        var covariance = ParameterCovariance.Compute(fit, data);
        var rows = Rows(StacklossNewRows, 3);
        var mean = PredictionInference.Compute(fit.Model, covariance, rows, IntervalKind.Confidence)[0];
        AssertDigits(StacklossMean, mean.Predicted, 10, "mean");
        AssertDigits(StacklossMeanSe, mean.StandardError, 10, "mean_se");
        AssertDigits(StacklossMeanLower95, mean.Lower, 10, "mean_ci_lower");
        AssertDigits(StacklossMeanUpper95, mean.Upper, 10, "mean_ci_upper");
        var observation = PredictionInference.Compute(fit.Model, covariance, rows, IntervalKind.Prediction)[0];
        AssertDigits(StacklossMean, observation.Predicted, 10, "mean");
        AssertDigits(StacklossObsSe, observation.StandardError, 10, "se_obs");
        AssertDigits(StacklossObsLower95, observation.Lower, 10, "obs_ci_lower");
        AssertDigits(StacklossObsUpper95, observation.Upper, 10, "obs_ci_upper");
        var mean90 = PredictionInference.Compute(fit.Model, covariance, rows, IntervalKind.Confidence, 0.9)[0];
        AssertDigits(StacklossMeanLower90, mean90.Lower, 10, "mean_ci_lower (alpha 0.1)");
        AssertDigits(StacklossMeanUpper90, mean90.Upper, 10, "mean_ci_upper (alpha 0.1)");
        var observation90 = PredictionInference.Compute(fit.Model, covariance, rows, IntervalKind.Prediction, 0.9)[0];
        AssertDigits(StacklossObsLower90, observation90.Lower, 10, "obs_ci_lower (alpha 0.1)");
        AssertDigits(StacklossObsUpper90, observation90.Upper, 10, "obs_ci_upper (alpha 0.1)");
    }

    [Theory]
    [InlineData(SolverMethod.Exact)]
    [InlineData(SolverMethod.Auto)]
    public void InfluenceMeasuresMatchStatsmodelsOlsInfluence(SolverMethod method)
    {
        var data = Stackloss();
        var influence = InfluenceMeasures.Compute(Fit(data, method), data);
        AssertDigits(StacklossLeverage, influence.Leverage, 10, "hat_matrix_diag");
        var o = influence.Outputs[0];
        AssertDigits(StacklossStudentizedInternal, o.StudentizedInternal, 10, "resid_studentized_internal");
        AssertDigits(StacklossStudentizedExternal, o.StudentizedExternal, 10, "resid_studentized_external");
        AssertDigits(StacklossCooksDistance, o.CooksDistance, 10, "cooks_distance");
        AssertDigits(StacklossDffits, o.Dffits, 10, "dffits");
    }

    [Fact]
    public void VarianceInflationFactorsMatchStatsmodelsWithTheConstantIncluded()
    {
        AssertDigits(StacklossVif, VarianceInflation.Compute(Stackloss()), 12, "variance_inflation_factor");
        // Longley's VIFs reach 1789: the inverse correlation matrix still gives 10 digits.
        AssertDigits(LongleyVif, VarianceInflation.Compute(Longley()), 10, "variance_inflation_factor (Longley)");
    }

    [Fact]
    public void VarianceInflationFactorsFromTheFitsStandardErrorsMatchStatsmodelsWithoutASecondFactorisation()
    {
        AssertDigits(StacklossVif, VarianceInflation.FromStandardErrors(ExactLeastSquares.Solve(Stackloss()), Stackloss())!, 12, "variance_inflation_factor");
        AssertDigits(LongleyVif, VarianceInflation.FromStandardErrors(ExactLeastSquares.Solve(Longley()), Longley())!, 10, "variance_inflation_factor (Longley)");
        // Without the constant in the fit the identity does not hold: null, and the caller factors the rows.
        Assert.Null(VarianceInflation.FromStandardErrors(ExactLeastSquares.Solve(Longley(), fitIntercept: false), Longley()));
    }

    [Fact]
    public void VarianceInflationFactorsAreNaNWhenAFeatureIsConstant()
    {
        var data = new Dataset([1, 5, 2, 5, 3, 5, 4, 5.0], [1, 2, 3, 4.0], 4, 2);
        Assert.All(VarianceInflation.Compute(data), v => Assert.True(double.IsNaN(v)));
    }

    [Theory]
    [InlineData(SolverMethod.Exact, "AIRFLOW = WATERTEMP, ACIDCONC = 0", 0)]
    [InlineData(SolverMethod.Auto, "AIRFLOW = WATERTEMP, ACIDCONC = 0", 0)]
    [InlineData(SolverMethod.Exact, "2*AIRFLOW - WATERTEMP = 1", 1)]
    [InlineData(SolverMethod.Exact, "(intercept) = -40, AIRFLOW = 0.7, WATERTEMP = 1.3", 2)]
    [InlineData(SolverMethod.Exact, "const = -40, 0.7 = AIRFLOW, WATERTEMP*1 - 1.3", 2)]
    public void WaldTestMatchesStatsmodelsFTest(SolverMethod method, string text, int reference)
    {
        var data = Stackloss();
        var fit = Fit(data, method);
        var covariance = ParameterCovariance.Compute(fit, data);
        var test = LinearRestrictions.Parse(text, fit.Model).Test(fit.Model, covariance);
        double[] expected = reference switch { 0 => StacklossFTest0, 1 => StacklossFTest1, _ => StacklossFTest2 };
        Assert.True(TestData.Lre(test.F, expected[0]) >= 10, $"F {test.F:R} vs {expected[0]:R}");
        Assert.Equal((int)expected[1], test.NumeratorDegreesOfFreedom);
        Assert.Equal((int)expected[2], test.DenominatorDegreesOfFreedom);
        Assert.True(TestData.Lre(test.P, expected[3]) >= 10, $"p {test.P:R} vs {expected[3]:R}");
    }

    [Fact]
    public void LongleyAgreesWithStatsmodelsToTheDigitsStatsmodelsHas()
    {
        // statsmodels solves Longley through pinv (κ of the raw design ≈ 5e9), so its own figures carry about 8 digits.
        var data = Longley();
        var fit = Fit(data, SolverMethod.Exact);
        var covariance = ParameterCovariance.Compute(fit, data);
        AssertDigits(LongleyCovariance, covariance.Matrix().ToArray(), 7, "cov_params");
        var rows = Rows(LongleyNewRows, 6);
        var mean = PredictionInference.Compute(fit.Model, covariance, rows, IntervalKind.Confidence)[0];
        AssertDigits(LongleyMeanSe, mean.StandardError, 7, "mean_se");
        AssertDigits(LongleyMeanLower95, mean.Lower, 7, "mean_ci_lower");
        var observation = PredictionInference.Compute(fit.Model, covariance, rows, IntervalKind.Prediction)[0];
        AssertDigits(LongleyObsUpper95, observation.Upper, 7, "obs_ci_upper");
        var influence = InfluenceMeasures.Compute(fit, data);
        AssertDigits(LongleyLeverage, influence.Leverage, 7, "hat_matrix_diag");
        AssertDigits(LongleyCooksDistance, influence.Outputs[0].CooksDistance, 7, "cooks_distance");
        AssertDigits(LongleyDffits, influence.Outputs[0].Dffits, 7, "dffits");
        var test = LinearRestrictions.Parse("x1 = 0, x5 = 0", fit.Model).Test(fit.Model, covariance);
        Assert.True(TestData.Lre(test.F, LongleyFTest0[0]) >= 7, $"F {test.F:R} vs {LongleyFTest0[0]:R}");
        Assert.True(TestData.Lre(test.P, LongleyFTest0[3]) >= 7, $"p {test.P:R} vs {LongleyFTest0[3]:R}");
    }

    [Theory]
    [InlineData("x1 = x9", "'x9' at position 6")]
    [InlineData("x1 = x2,, x2 = 0", "position 9")]
    [InlineData("x1 == 0", "position 5")]
    [InlineData("x1 = 0 = 1", "second '=' at position 8")]
    [InlineData("x1 x2", "'x2' at position 4")]
    [InlineData("x1* = 0", "no number after the '*' at position 3")]
    [InlineData("2* = 0", "no name after the '*' at position 2")]
    [InlineData("", "is empty")]
    [InlineData("x1 - x1 = 0", "restricts no parameter")]
    [InlineData("x1 = 0, 2*x1 = 0", "restriction 2 follows from the ones before it")]
    [InlineData("x10 = 0", "'x10' at position 1")]
    public void MalformedRestrictionsAreRefusedNamingThePosition(string text, string expected)
    {
        var e = Assert.Throws<LsgdException>(() => LinearRestrictions.Parse(text, ["(intercept)", "x1", "x2"]));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void RestrictionsParseIntoRAndQWithLongestNameFirst()
    {
        var r = LinearRestrictions.Parse("x 2 - 3*x = 1.5, Intercept + 2e-1 = x", ["(intercept)", "x", "x 2"]);
        Assert.Equal([0, -3, 1, 1, -1, 0], r.Matrix.ToArray());
        Assert.Equal([1.5, -0.2], r.Constants.ToArray());
    }

    [Fact]
    public void DiagnosticsNeedTheLeastSquaresEstimate()
    {
        var data = Stackloss();
        var ridge = new LinearRegressor(new LinearRegressorOptions { Method = SolverMethod.ConjugateGradient, Penalty = new Penalty(0, 1) }).Fit(data);
        var e = Assert.Throws<LsgdException>(() => ParameterCovariance.Compute(ridge, data));
        Assert.Contains("without the penalty", e.Message);
        Assert.Throws<LsgdException>(() => InfluenceMeasures.Compute(ridge, data));
    }

    [Fact]
    public void IntervalLevelOutsideZeroToOneIsRefused()
    {
        var data = Stackloss();
        var fit = Fit(data, SolverMethod.Exact);
        var covariance = ParameterCovariance.Compute(fit, data);
        var e = Assert.Throws<InvalidOptionException>(() => PredictionInference.Compute(fit.Model, covariance, Rows(StacklossNewRows, 3), IntervalKind.Confidence, 95));
        Assert.Equal("Level", e.OptionName);
    }

    [Fact]
    public void ACovarianceRebuiltFromItsPartsPredictsTheSame()
    {
        var data = Stackloss();
        var fit = Fit(data, SolverMethod.Exact);
        var covariance = ParameterCovariance.Compute(fit, data);
        var copy = new ParameterCovariance(StacklossFeatures, true, [covariance.Matrix().ToArray()], [covariance.ResidualStandardDeviation()], covariance.DegreesOfFreedom);
        var rows = Rows(StacklossNewRows, 3);
        Assert.Equal(PredictionInference.Compute(fit.Model, covariance, rows, IntervalKind.Prediction)[0].Upper,
            PredictionInference.Compute(fit.Model, copy, rows, IntervalKind.Prediction)[0].Upper);
        Assert.Throws<LsgdException>(() => new ParameterCovariance(StacklossFeatures, true, [new double[9]], [1.0], 17));
    }
}
