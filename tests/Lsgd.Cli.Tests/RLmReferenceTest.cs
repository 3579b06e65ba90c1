using System.Globalization;
using System.Text.Json;

namespace Lsgd.Cli.Tests;

/// <summary>
/// `lsgd fit` against R's <c>lm</c>: every number R's <c>summary.lm</c>, <c>confint</c>, <c>vcov</c>,
/// <c>logLik</c>/<c>AIC</c>/<c>BIC</c>, <c>predict(interval =)</c>, <c>hatvalues</c>/<c>rstandard</c>/<c>rstudent</c>/
/// <c>cooks.distance</c>/<c>dffits</c>, a VIF by its formula, <c>anova</c> of nested models and sandwich's robust
/// covariances give, to 10 digits, in <c>--method exact</c> and in the default method, through the CLI's JSON, its
/// <c>--influence</c> file, its <c>--test</c> and <c>predict --intervals</c>.
/// </summary>
/// <remarks>
/// The reference numbers are in tests/data/r/reference.json, written by R 4.2.2 (sandwich 3.0.2, lmtest 0.9.40) with
/// tests/Lsgd.Tests/Reference/r_lm.R on public datasets: R's stackloss (Brownlee 1965; also with weights 1/AIRFLOW and
/// without the intercept), warpbreaks (Tippett 1950; two text factors and their interaction), mtcars (Henderson and
/// Velleman 1981; a numeric interaction and a factor) and statsmodels' Grunfeld (1950) data (cluster-robust).
/// Where lsgd follows statsmodels rather than R the test converts: AIC and BIC count σ in R (lsgd's aic = R's − 2,
/// bic = R's − log n); a robust covariance's coefficient test is a z test (lmtest's coeftest with df = Inf).
/// </remarks>
public class RLmReferenceTest
{
    /// <summary>Ten digits asked for every number on these well-conditioned designs (κ of the scaled design ≤ 20).</summary>
    private const double Digits10 = 1e-10;

    /// <summary>
    /// Ten digits of every number, in both methods: the default method polishes until every coefficient carries 13
    /// digits of its own (LinearRegressor.CoefficientShortfall, by the Newton correction H⁻¹∇J), or reports the
    /// exact solution, so a p-value — which amplifies its statistic's relative error by up to 1 + t² — keeps ten too
    /// (before that rule: warpbreaks' tension[T.M] had 9.4 digits, Grunfeld's p of 2e-53 for value 8.9).
    /// </summary>
    private static double PTolerance(string method, double kappa) => Digits10;

    private static double? CoefficientScale(string method, double estimate, double standardError) => null;

    private static double? StatisticScale(string method, double statistic) => null;

    /// <summary>An F statistic on q restrictions: ten digits of F itself, in both methods.</summary>
    private static void CloseF(double expected, double actual, double q, string method, string what) => Close(expected, actual, what);

    internal sealed record Case(JsonElement Json)
    {
        public string Name => Json.GetProperty("name").GetString()!;
        public string Data => Path.Combine(CliRunner.RepositoryRoot(), Json.GetProperty("data").GetString()!);
        public string[] Args => [.. Json.GetProperty("lsgd_args").EnumerateArray().Select(e => e.GetString()!)];
        public string[] Names => [.. Json.GetProperty("names").EnumerateArray().Select(e => e.GetString()!)];
        public double Number(string name) => Json.GetProperty(name).GetDouble();
        public double[] Numbers(string name) => Numbers(Json.GetProperty(name));
        public static double[] Numbers(JsonElement e) => [.. e.EnumerateArray().Select(v => v.GetDouble())];
        public static double[][] Matrix(JsonElement e) => [.. e.EnumerateArray().Select(Numbers)];
        public override string ToString() => Name;
    }

    private static readonly Lazy<Case[]> AllCases = new(() =>
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(CliRunner.RepositoryRoot(), "tests", "data", "r", "reference.json")));
        return [.. json.RootElement.GetProperty("cases").EnumerateArray().Select(e => new Case(e.Clone()))];
    });

    private static Case Get(string name) => AllCases.Value.Single(c => c.Name == name);

    public static TheoryData<string, string> CasesAndMethods()
    {
        var data = new TheoryData<string, string>();
        foreach (var c in AllCases.Value)
            foreach (var method in new[] { "exact", "auto" })
                data.Add(c.Name, method);
        return data;
    }

    public static TheoryData<string, string> CasesWith(string property)
    {
        var data = new TheoryData<string, string>();
        foreach (var c in AllCases.Value.Where(c => c.Json.TryGetProperty(property, out var p) && p.ValueKind != JsonValueKind.Null && (p.ValueKind != JsonValueKind.Array || p.GetArrayLength() > 0)))
            foreach (var method in new[] { "exact", "auto" })
                data.Add(c.Name, method);
        return data;
    }

    public static TheoryData<string, string> CasesWithInfluence() => CasesWith("influence");
    public static TheoryData<string, string> CasesWithPredictions() => CasesWith("predict");
    public static TheoryData<string, string> CasesWithHypotheses() => CasesWith("hypotheses");
    public static TheoryData<string, string> CasesWithRobust() => CasesWith("robust");

    private static void Close(double expected, double actual, string what, double? relativeTo = null, double tolerance = Digits10)
    {
        double scale = relativeTo ?? Math.Max(Math.Abs(expected), 1e-300);
        double error = expected == actual ? 0 : Math.Abs(actual - expected) / scale;
        Assert.True(error <= tolerance, $"{what}: R {expected:R}, lsgd {actual:R} (relative error {error:E2} > {tolerance:E0})");
    }

    private static JsonElement Fit(Case c, string method, params string[] more)
    {
        var r = CliRunner.Run(["fit", c.Data, .. c.Args, "--method", method, "--json", .. more]);
        Assert.True(r.ExitCode == 0, r.Error);
        var json = r.Json;
        Assert.True(json.GetProperty("converged").GetBoolean(), $"{c} ({method}) did not converge");
        if (method == "exact") Assert.Equal("exact", json.GetProperty("method").GetString());
        return json;
    }

    /// <summary>One coefficient's row of the report, the intercept's fields or the features' arrays, by name.</summary>
    private sealed record Term(double Estimate, double StandardError, double T, double P, double Lower, double Upper);

    private static Dictionary<string, Term> Terms(JsonElement j)
    {
        var terms = new Dictionary<string, Term>();
        var features = j.GetProperty("features").EnumerateArray().Select(e => e.GetString()!).ToArray();
        for (int k = 0; k < features.Length; k++)
        {
            var ci = j.GetProperty("confidence_intervals_95")[k];
            terms[features[k]] = new Term(j.GetProperty("coefficients")[k].GetDouble(), j.GetProperty("standard_errors")[k].GetDouble(),
                j.GetProperty("t")[k].GetDouble(), j.GetProperty("p")[k].GetDouble(), ci[0].GetDouble(), ci[1].GetDouble());
        }
        if (j.GetProperty("intercept").ValueKind == JsonValueKind.Number)
        {
            var ci = j.GetProperty("intercept_confidence_interval_95");
            terms["(intercept)"] = new Term(j.GetProperty("intercept").GetDouble(), j.GetProperty("intercept_standard_error").GetDouble(),
                j.GetProperty("intercept_t").GetDouble(), j.GetProperty("intercept_p").GetDouble(), ci[0].GetDouble(), ci[1].GetDouble());
        }
        return terms;
    }

    /// <summary>
    /// The coefficient table and covariance against R's: an interval's bound (estimate ± half-width) relative to the
    /// larger of the estimate and the half-width; a covariance relative to √(VᵢᵢVⱼⱼ).
    /// </summary>
    private static void AssertCoefficients(string what, string method, string[] names, JsonElement j, double[] estimates, double[] se, double[] t, double[] p,
                                           double[] lower, double[] upper, double[][] vcov)
    {
        var terms = Terms(j);
        Assert.Equal(names.Order(StringComparer.Ordinal), terms.Keys.Order(StringComparer.Ordinal));
        for (int k = 0; k < names.Length; k++)
        {
            var term = terms[names[k]];
            string at = $"{what} {names[k]}";
            Close(estimates[k], term.Estimate, at + " coefficient", CoefficientScale(method, estimates[k], se[k]));
            Close(se[k], term.StandardError, at + " std. error");
            Close(t[k], term.T, at + " t", StatisticScale(method, t[k]));
            Close(p[k], term.P, at + " p", tolerance: PTolerance(method, 1 + t[k] * t[k]));
            double width = Math.Max(Math.Abs(estimates[k]), upper[k] - estimates[k]);
            Close(lower[k], term.Lower, at + " lower 95 %", width);
            Close(upper[k], term.Upper, at + " upper 95 %", width);
        }
        var covariance = j.GetProperty("covariance");
        var order = covariance.GetProperty("names").EnumerateArray().Select(e => e.GetString()!).ToList();
        var matrix = Case.Matrix(covariance.GetProperty("matrix"));
        for (int a = 0; a < names.Length; a++)
            for (int b = 0; b < names.Length; b++)
                Close(vcov[a][b], matrix[order.IndexOf(names[a])][order.IndexOf(names[b])], $"{what} vcov[{names[a]}, {names[b]}]",
                      Math.Sqrt(vcov[a][a] * vcov[b][b]));
    }

    [Theory]
    [MemberData(nameof(CasesAndMethods))]
    public void SummaryOfLmConfintVcovAndLogLikAgreeToTenDigits(string name, string method)
    {
        var c = Get(name);
        var j = Fit(c, method);
        string what = $"{c} ({method})";
        AssertCoefficients(what, method, c.Names, j, c.Numbers("coefficients"), c.Numbers("std_errors"), c.Numbers("t"), c.Numbers("p"),
            c.Numbers("conf_lower_95"), c.Numbers("conf_upper_95"), Case.Matrix(c.Json.GetProperty("vcov")));
        Assert.Equal("t", j.GetProperty("coefficient_test").GetString());
        Assert.Equal((int)c.Number("n"), j.GetProperty("observations").GetInt32());
        Assert.Equal((int)c.Number("df_residual"), j.GetProperty("degrees_of_freedom").GetInt32());
        Close(c.Number("sigma"), j.GetProperty("residual_sd").GetDouble(), what + " residual standard error");
        Close(c.Number("r_squared"), j.GetProperty("r_squared").GetDouble(), what + " Multiple R-squared");
        Close(c.Number("adj_r_squared"), j.GetProperty("adjusted_r_squared").GetDouble(), what + " Adjusted R-squared");
        CloseF(c.Number("f_statistic"), j.GetProperty("f_statistic").GetDouble(), c.Number("f_numdf"), method, what + " F-statistic");
        Close(c.Number("f_p_value"), j.GetProperty("f_p_value").GetDouble(), what + " F p-value",
              tolerance: PTolerance(method, 1 + c.Number("f_numdf") * c.Number("f_statistic") / 2));
        Close(c.Number("log_lik"), j.GetProperty("log_likelihood").GetDouble(), what + " logLik");
        // R's AIC and BIC count σ as a parameter; statsmodels' and lsgd's do not.
        Close(c.Number("aic_r") - 2, j.GetProperty("aic").GetDouble(), what + " AIC − 2");
        Close(c.Number("bic_r") - Math.Log(c.Number("n")), j.GetProperty("bic").GetDouble(), what + " BIC − log n");
        Close(c.Number("durbin_watson"), j.GetProperty("durbin_watson").GetDouble(), what + " Durbin–Watson");
        if (c.Json.TryGetProperty("vif", out var vif))
        {
            var features = j.GetProperty("features").EnumerateArray().Select(e => e.GetString()!).ToList();
            var ours = Case.Numbers(j.GetProperty("vif"));
            var rNames = c.Names.Skip(1).ToArray();
            var theirs = Case.Numbers(vif);
            for (int k = 0; k < rNames.Length; k++)
                Close(theirs[k], ours[features.IndexOf(rNames[k])], $"{what} VIF {rNames[k]}");
        }
    }

    /// <summary>The --influence file, row by row, against hatvalues, rstandard, rstudent, cooks.distance and dffits.</summary>
    [Theory]
    [MemberData(nameof(CasesWithInfluence))]
    public void InfluenceFileAgreesWithHatvaluesRstandardRstudentCooksDistanceAndDffits(string name, string method)
    {
        var c = Get(name);
        string path = Path.Combine(Path.GetTempPath(), $"lsgd-r-influence-{Guid.NewGuid():N}.csv");
        try
        {
            Fit(c, method, "--influence", path);
            var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
            var header = lines[0].Split(',').ToList();
            var rows = lines.Skip(1).Select(l => l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
            var influence = c.Json.GetProperty("influence");
            foreach (var (r, ours) in new[] { ("hatvalues", "leverage"), ("rstandard", "resid_studentized_internal"),
                                              ("rstudent", "resid_studentized_external"), ("cooks_distance", "cooks_distance"), ("dffits", "dffits") })
            {
                var expected = Case.Numbers(influence.GetProperty(r));
                Assert.Equal(expected.Length, rows.Length);
                int column = header.IndexOf(ours);
                Assert.True(column >= 0, $"no column {ours} in {string.Join(",", header)}");
                // A residual near 0 is a difference of y and ŷ: it is compared to ten digits of itself down to a
                // thousandth of the column's largest value, in both methods.
                double floor = 1e-3 * expected.Max(Math.Abs);
                for (int i = 0; i < rows.Length; i++)
                    Close(expected[i], rows[i][column], $"{c} ({method}) {r}[{i + 1}]", Math.Max(Math.Abs(expected[i]), floor));
            }
        }
        finally { File.Delete(path); }
    }

    /// <summary>`predict --intervals` against predict.lm(se.fit = TRUE, interval = "confidence" | "prediction").</summary>
    [Theory]
    [MemberData(nameof(CasesWithPredictions))]
    public void PredictIntervalsAgreeWithPredictLm(string name, string method)
    {
        var c = Get(name);
        var predict = c.Json.GetProperty("predict");
        string model = Path.Combine(Path.GetTempPath(), $"lsgd-r-model-{Guid.NewGuid():N}.json");
        string rows = Path.Combine(Path.GetTempPath(), $"lsgd-r-rows-{Guid.NewGuid():N}.csv");
        try
        {
            Fit(c, method, "--output", model);
            File.WriteAllText(rows, predict.GetProperty("new_rows").GetString() + "\n");
            foreach (var (kind, se) in new[] { ("confidence", "se_fit"), ("prediction", "se_obs") })
            {
                var r = CliRunner.Run("predict", model, rows, "--intervals", kind, "--json");
                Assert.True(r.ExitCode == 0, r.Error);
                var predictions = Case.Matrix(r.Json.GetProperty("predictions"));
                var (fit, seExpected) = (Case.Numbers(predict.GetProperty("fit")), Case.Numbers(predict.GetProperty(se)));
                var (lower, upper) = (Case.Numbers(predict.GetProperty(kind + "_lower")), Case.Numbers(predict.GetProperty(kind + "_upper")));
                Assert.Equal(fit.Length, predictions.Length);
                for (int i = 0; i < fit.Length; i++)
                {
                    string at = $"{c} ({method}) {kind} row {i + 1}";
                    Close(fit[i], predictions[i][0], at + " fit");
                    Close(seExpected[i], predictions[i][1], at + " se");
                    double width = Math.Max(Math.Abs(fit[i]), upper[i] - fit[i]);
                    Close(lower[i], predictions[i][2], at + " lwr", width);
                    Close(upper[i], predictions[i][3], at + " upr", width);
                }
            }
        }
        finally
        {
            File.Delete(model);
            File.Delete(rows);
        }
    }

    /// <summary>`--test` against anova(restricted, full): F, its degrees of freedom and p.</summary>
    [Theory]
    [MemberData(nameof(CasesWithHypotheses))]
    public void WaldTestAgreesWithAnovaOfTheNestedModels(string name, string method)
    {
        var c = Get(name);
        foreach (var h in c.Json.GetProperty("hypotheses").EnumerateArray())
        {
            string restrictions = h.GetProperty("lsgd").GetString()!;
            var test = Fit(c, method, "--test", restrictions).GetProperty("f_test");
            string at = $"{c} ({method}) \"{restrictions}\" (R: anova({h.GetProperty("restricted").GetString()}, fit))";
            Assert.Equal((int)h.GetProperty("df_num").GetDouble(), test.GetProperty("df")[0].GetInt32());
            Assert.Equal((int)h.GetProperty("df_denom").GetDouble(), test.GetProperty("df")[1].GetInt32());
            CloseF(h.GetProperty("f").GetDouble(), test.GetProperty("f").GetDouble(), h.GetProperty("df_num").GetDouble(), method, at + " F");
            Close(h.GetProperty("p").GetDouble(), test.GetProperty("p").GetDouble(), at + " p",
                  tolerance: PTolerance(method, 1 + h.GetProperty("df_num").GetDouble() * h.GetProperty("f").GetDouble() / 2));
        }
    }

    /// <summary>--cov-type hc0–hc3, hac:LAGS and cluster:COLUMN against sandwich's vcovHC, NeweyWest and vcovCL with lmtest's coeftest and coefci.</summary>
    [Theory]
    [MemberData(nameof(CasesWithRobust))]
    public void RobustCovariancesAgreeWithSandwich(string name, string method)
    {
        var c = Get(name);
        foreach (var r in c.Json.GetProperty("robust").EnumerateArray())
        {
            string covType = r.GetProperty("cov_type").GetString()!;
            var j = Fit(c, method, "--cov-type", covType);
            string what = $"{c} ({method}) {r.GetProperty("r_call").GetString()}";
            Assert.Equal(covType, j.GetProperty("cov_type").GetString());
            // A robust covariance's coefficient tests are z tests (statsmodels' use_t = False); its F's denominator
            // degrees of freedom are the residual ones, or G − 1 with G clusters.
            Assert.Equal("normal", j.GetProperty("coefficient_test").GetString());
            Assert.Equal((int)r.GetProperty("f_df_denom").GetDouble(), j.GetProperty("inference_degrees_of_freedom").GetInt32());
            AssertCoefficients(what, method, c.Names, j, c.Numbers("coefficients"), Case.Numbers(r.GetProperty("std_errors")), Case.Numbers(r.GetProperty("z")),
                Case.Numbers(r.GetProperty("p")), Case.Numbers(r.GetProperty("conf_lower_95")), Case.Numbers(r.GetProperty("conf_upper_95")),
                Case.Matrix(r.GetProperty("vcov")));
            CloseF(r.GetProperty("f_statistic").GetDouble(), j.GetProperty("f_statistic").GetDouble(), c.Names.Length - 1, method, what + " Wald F");
            Close(r.GetProperty("f_p_value").GetDouble(), j.GetProperty("f_p_value").GetDouble(), what + " Wald F p",
                  tolerance: PTolerance(method, 1 + (c.Names.Length - 1) * r.GetProperty("f_statistic").GetDouble() / 2));
        }
    }
}
