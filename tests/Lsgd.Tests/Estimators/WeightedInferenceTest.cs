using System.Text.Json;
using Lsgd.Data;
using Lsgd.Estimators;

namespace Lsgd.Tests.Estimators;

/// <summary>
/// Weighted least squares with what rests on the covariance or the rows' leverages: statsmodels' WLS robust
/// covariances (HC0–HC3, HAC, cluster), its <c>f_test</c> with each covariance, and the influence measures of the
/// whitened model (R's <c>influence.measures</c> of <c>lm(weights = w)</c>), in memory and streamed.
/// </summary>
/// <remarks>
/// The reference numbers are in tests/data/statsmodels/wls_reference.json, written by statsmodels 0.13.5 (numpy 1.24.2)
/// with tests/Lsgd.Tests/Reference/wls_robust_reference.py: WLS of invest ~ value + capital on Grunfeld's investment
/// data (statsmodels.datasets.grunfeld, 220 rows, 11 firms) with weights w = 1/value
/// (tests/data/statsmodels/grunfeld-weighted.csv). The influence numbers were also checked against R 4.2.2's
/// hatvalues, rstandard, rstudent, cooks.distance and dffits of lm(invest ~ value + capital, weights = w) (same to
/// 12+ digits).
/// </remarks>
public class WeightedInferenceTest
{
    private static JsonElement Reference()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(StatsmodelsReportTest.Folder, "wls_reference.json")));
        return json.RootElement.Clone();
    }

    private static double[] Numbers(JsonElement e) => [.. e.EnumerateArray().Select(v => v.GetDouble())];

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var c in Reference().GetProperty("cases").EnumerateArray())
            foreach (var how in new[] { "exact", "auto", "streamed" })
                data.Add(c.GetProperty("cov_type").GetString()!, how);
        return data;
    }

    private static (Dataset Data, Dictionary<string, double[]> Columns) Load()
    {
        var columns = StatsmodelsReportTest.Columns("grunfeld-weighted");
        int n = columns["invest"].Length;
        var x = new double[n * 2];
        for (int i = 0; i < n; i++)
        {
            x[i * 2] = columns["value"][i];
            x[i * 2 + 1] = columns["capital"][i];
        }
        return (new Dataset(x, columns["invest"], n, 2, 1, ["value", "capital"], ["invest"]).WithWeights(columns["w"]), columns);
    }

    private static CovarianceType Type(string flag, Dictionary<string, double[]> columns) => flag switch
    {
        "nonrobust" => CovarianceType.NonRobust,
        "hac:2" => CovarianceType.Hac(2),
        "cluster:firm" => CovarianceType.Cluster("firm", columns["firm"]),
        var s => CovarianceType.Heteroscedastic(Enum.Parse<CovarianceKind>(s, ignoreCase: true)),
    };

    private static void Close(double expected, double actual, double tolerance, string what, double? relativeTo = null)
    {
        double scale = relativeTo ?? Math.Max(Math.Abs(expected), 1e-300);
        double error = expected == actual ? 0 : Math.Abs(actual - expected) / scale;
        Assert.True(error <= tolerance, $"{what}: statsmodels {expected:R}, lsgd {actual:R} (relative error {error:E2} > {tolerance:E0})");
    }

    private static LinearFit Fit(string flag, string how)
    {
        var (data, columns) = Load();
        var options = new LinearRegressorOptions { Method = how == "auto" ? SolverMethod.Auto : SolverMethod.Exact, Covariance = Type(flag, columns) };
        return how == "streamed" ? new LinearRegressor(options).Fit(new CappedChunks(data, 17)) : new LinearRegressor(options).Fit(data);
    }

    /// <summary>
    /// Every number the robust report changes (SE, z, p, intervals, the covariance matrix, F and its p) and the Wald
    /// tests of two restrictions, to 10 digits, in the exact
    /// method, the default one and streamed.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void WeightedReportAndFTestAreStatsmodelsWls(string flag, string how)
    {
        var c = Reference().GetProperty("cases").EnumerateArray().First(e => e.GetProperty("cov_type").GetString() == flag);
        var fit = Fit(flag, how);
        var r = Assert.Single(fit.Report!);
        string name = $"{flag} ({how})";
        const double tol = 1e-10;
        Assert.Equal(flag, r.CovarianceType.ToString());
        Assert.Equal(!c.GetProperty("use_t").GetBoolean(), r.NormalInference);
        CoefficientInference[] terms = [r.Intercept!, .. r.Coefficients];
        var (estimates, se, t, p, lo, hi) = (Numbers(c.GetProperty("params")), Numbers(c.GetProperty("bse")), Numbers(c.GetProperty("tvalues")),
            Numbers(c.GetProperty("pvalues")), Numbers(c.GetProperty("conf_int_lower")), Numbers(c.GetProperty("conf_int_upper")));
        for (int j = 0; j < 3; j++)
        {
            Close(estimates[j], terms[j].Estimate, tol, $"{name} params[{j}]");
            Close(se[j], terms[j].StandardError, tol, $"{name} bse[{j}]");
            Close(t[j], terms[j].T, tol, $"{name} t[{j}]");
            Close(p[j], terms[j].P, 10 * tol, $"{name} p[{j}]");
            double width = Math.Max(Math.Abs(estimates[j]), 2 * se[j]);
            Close(lo[j], terms[j].Lower95, tol, $"{name} lower[{j}]", width);
            Close(hi[j], terms[j].Upper95, tol, $"{name} upper[{j}]", width);
        }
        var cov = c.GetProperty("cov_params");
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                Close(cov[i][j].GetDouble(), r.Covariance!.Matrix[i][j], tol, $"{name} cov[{i},{j}]", Math.Sqrt(cov[i][i].GetDouble() * cov[j][j].GetDouble()));
        Close(c.GetProperty("fvalue").GetDouble(), r.FStatistic, tol, $"{name} F");
        Close(c.GetProperty("f_pvalue").GetDouble(), r.FPValue, 10 * tol, $"{name} F p");

        // f_test uses the report's covariance (robust when asked), F on n − p or G − 1 denominator degrees of freedom.
        var covariance = ParameterCovariance.Compute(fit, robust: true);
        foreach (var test in c.GetProperty("f_tests").EnumerateArray())
        {
            string text = test.GetProperty("restrictions").GetString()!;
            var wald = LinearRestrictions.Parse(text, fit.Model).Test(fit.Model, covariance);
            Close(test.GetProperty("f").GetDouble(), wald.F, tol, $"{name} f_test({text}) F");
            Close(test.GetProperty("p").GetDouble(), wald.P, 10 * tol, $"{name} f_test({text}) p");
            Assert.Equal((int)test.GetProperty("df_num").GetDouble(), wald.NumeratorDegreesOfFreedom);
            Assert.Equal((int)test.GetProperty("df_denom").GetDouble(), wald.DenominatorDegreesOfFreedom);
        }
    }

    /// <summary>The classical covariance a model file carries is the report's nonrobust one, number for number (one mechanism), also for a robust fit.</summary>
    [Fact]
    public void ParameterCovarianceIsTheReportsClassicalCovariance()
    {
        var classical = Fit("nonrobust", "exact");
        var expected = classical.Report![0].Covariance!.Matrix;
        foreach (var fit in new[] { classical, Fit("hc1", "exact") })
        {
            var (data, _) = Load();
            var covariance = ParameterCovariance.Compute(fit, data);
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++)
                    Assert.Equal(expected[i][j], covariance.Matrix()[i * 3 + j]);
        }
    }

    /// <summary>
    /// Leverage, studentized residuals, Cook's distance and DFFITS of the weighted fit are those of the whitened model
    /// (R's lm.influence with weights), to 10 digits; the residual column stays y − ŷ.
    /// </summary>
    [Fact]
    public void WeightedInfluenceIsThatOfTheWhitenedModelAsR()
    {
        var reference = Reference().GetProperty("influence");
        var (data, _) = Load();
        var fit = new LinearRegressor(new LinearRegressorOptions { Method = SolverMethod.Exact }).Fit(data);
        var influence = InfluenceMeasures.Compute(fit, data);
        var o = Assert.Single(influence.Outputs);
        foreach (var (column, values) in new (string, double[])[]
                 {
                     ("leverage", influence.Leverage), ("residual", o.Residual), ("resid_studentized_internal", o.StudentizedInternal),
                     ("resid_studentized_external", o.StudentizedExternal), ("cooks_distance", o.CooksDistance), ("dffits", o.Dffits),
                 })
        {
            var expected = Numbers(reference.GetProperty(column));
            double scale = expected.Max(Math.Abs);
            for (int i = 0; i < expected.Length; i++)
                Close(expected[i], values[i], 1e-10, $"{column}[{i}]", Math.Max(Math.Abs(expected[i]), 1e-3 * scale));
        }
    }

    /// <summary>A row of weight 0 is not part of the fit: leverage 0 and NaN measures, the others as without that row.</summary>
    [Fact]
    public void ZeroWeightRowHasNoInfluenceMeasures()
    {
        var (data, columns) = Load();
        var w = (double[])columns["w"].Clone();
        w[5] = 0;
        var zero = data.WithWeights(w);
        var fit = new LinearRegressor(new LinearRegressorOptions { Method = SolverMethod.Exact }).Fit(zero);
        var influence = InfluenceMeasures.Compute(fit, zero);
        Assert.Equal(0, influence.Leverage[5]);
        Assert.True(double.IsNaN(influence.Outputs[0].CooksDistance[5]));
        var without = LinearRegressor.Take(data, [.. Enumerable.Range(0, data.Rows).Where(i => i != 5)]);
        var reference = InfluenceMeasures.Compute(new LinearRegressor(new LinearRegressorOptions { Method = SolverMethod.Exact }).Fit(without), without);
        Close(reference.Outputs[0].CooksDistance[5], influence.Outputs[0].CooksDistance[6], 1e-10, "Cook's distance of the row after");
        Close(reference.Leverage[0], influence.Leverage[0], 1e-10, "leverage of row 1");
    }
}
