using System.Globalization;
using System.Text.Json;
using Lsgd.Data;
using Lsgd.Estimators;

namespace Lsgd.Tests.Estimators;

/// <summary>
/// The statistician's report against statsmodels' OLS on public datasets: every number of its summary (coefficients,
/// SE, t, p, intervals, the covariance matrix, F, log-likelihood, AIC, BIC, Durbin–Watson, omnibus, Jarque–Bera,
/// skew, kurtosis, condition number) for the classical and the robust covariances, in the exact and the default
/// (auto) method.
/// </summary>
/// <remarks>
/// The reference numbers are in tests/data/statsmodels/reference.json, written by statsmodels 0.13.5 (numpy 1.24) on
/// statsmodels.datasets stackloss, longley and grunfeld (its firms numbered 1–11 in order of appearance) by
/// tests/Lsgd.Tests/Reference/statsmodels_report.py, which also writes the datasets' CSV files beside it.
/// </remarks>
public class StatsmodelsReportTest
{
    internal sealed record Case(JsonElement Json)
    {
        public string Data => Json.GetProperty("data").GetString()!;
        public string CovType => Json.GetProperty("cov_type").GetString()!;
        public bool Intercept => Json.GetProperty("intercept").GetBoolean();
        public double Number(string name) => Json.GetProperty(name).GetDouble();
        public double[] Numbers(string name) => [.. Json.GetProperty(name).EnumerateArray().Select(e => e.GetDouble())];
        public override string ToString() => $"{Data} {CovType}{(Intercept ? "" : " (no intercept)")}";
    }

    internal static string Folder => Path.Combine(TestData.RepositoryRoot(), "tests", "data", "statsmodels");

    internal static IReadOnlyList<Case> Cases()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "reference.json")));
        return [.. json.RootElement.GetProperty("cases").EnumerateArray().Select(e => new Case(e.Clone()))];
    }

    public static TheoryData<int> CaseNumbers() => [.. Enumerable.Range(0, Cases().Count)];

    /// <summary>The CSV's columns by name.</summary>
    internal static Dictionary<string, double[]> Columns(string data)
    {
        var lines = File.ReadAllLines(Path.Combine(Folder, data + ".csv")).Where(l => l.Length > 0).ToArray();
        var header = lines[0].Split(',');
        var rows = lines.Skip(1).Select(l => l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        return header.Select((h, j) => (h, rows.Select(r => r[j]).ToArray())).ToDictionary(t => t.h, t => t.Item2);
    }

    internal static (Dataset Data, CovarianceType Covariance) Load(Case c)
    {
        var columns = Columns(c.Data);
        var features = c.Json.GetProperty("features").EnumerateArray().Select(e => e.GetString()!).ToArray();
        string target = c.Json.GetProperty("target").GetString()!;
        int n = columns[target].Length, d = features.Length;
        var x = new double[n * d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) x[i * d + j] = columns[features[j]][i];
        var data = new Dataset(x, columns[target], n, d, 1, features, [target]);
        var type = c.CovType switch
        {
            "nonrobust" => CovarianceType.NonRobust,
            "hc0" => CovarianceType.Heteroscedastic(CovarianceKind.HC0),
            "hc1" => CovarianceType.Heteroscedastic(CovarianceKind.HC1),
            "hc2" => CovarianceType.Heteroscedastic(CovarianceKind.HC2),
            "hc3" => CovarianceType.Heteroscedastic(CovarianceKind.HC3),
            var s when s.StartsWith("hac:", StringComparison.Ordinal) => CovarianceType.Hac(int.Parse(s[4..], CultureInfo.InvariantCulture)),
            var s => CovarianceType.Cluster(s[8..], columns[s[8..]]),
        };
        return (data, type);
    }

    /// <summary>
    /// Digits asked for: 10 on well-conditioned data. On Longley (κ ≈ 5·10⁹ as given) the classical numbers agree
    /// to 8 digits or more, but the robust sandwiches B·M·B of the uncentred (DᵀD)⁻¹ cancel in both programs:
    /// 7 digits asked there.
    /// </summary>
    private static double Tolerance(Case c) => c.Data == "longley" ? (c.CovType == "nonrobust" ? 3e-8 : 1e-7) : 1e-10;

    private static void Close(double expected, double actual, double tolerance, string what, double? relativeTo = null)
    {
        double scale = relativeTo ?? Math.Max(Math.Abs(expected), 1e-300);
        double error = expected == actual ? 0 : Math.Abs(actual - expected) / scale;
        Assert.True(error <= tolerance, $"{what}: statsmodels {expected:R}, lsgd {actual:R} (relative error {error:E2} > {tolerance:E0})");
    }

    /// <summary>statsmodels' parameter order: the constant first, then the features.</summary>
    private static CoefficientInference[] Ordered(OutputReport r) => r.Intercept is null ? [.. r.Coefficients] : [r.Intercept, .. r.Coefficients];

    /// <summary>
    /// Every number against statsmodels: those that rest on the estimates or residuals to <paramref name="tol"/>,
    /// the classical standard errors, covariance and condition number (the exact solution's) to the data's tolerance.
    /// An interval's bound, a difference of estimate and half-width, is compared relative to the larger of the two;
    /// a covariance relative to √(VᵢᵢVⱼⱼ).
    /// </summary>
    private static void AssertReport(Case c, LinearFit fit, double? estimates = null, double? amplified = null)
    {
        double tol = estimates ?? Tolerance(c), exactTol = Tolerance(c);
        double amp = amplified ?? tol;
        bool robust = c.CovType != "nonrobust";
        var r = Assert.Single(fit.Report!);
        var terms = Ordered(r);
        string name = c.ToString();
        Assert.Equal(c.CovType, r.CovarianceType.ToString());
        var (params_, bse, t, p, lo, hi) = (c.Numbers("params"), c.Numbers("bse"), c.Numbers("tvalues"), c.Numbers("pvalues"), c.Numbers("conf_int_lower"), c.Numbers("conf_int_upper"));
        for (int j = 0; j < terms.Length; j++)
        {
            Close(params_[j], terms[j].Estimate, tol, $"{name} params[{j}]");
            Close(bse[j], terms[j].StandardError, robust ? tol : exactTol, $"{name} bse[{j}]");
            Close(t[j], terms[j].T, tol, $"{name} t[{j}]");
            Close(p[j], terms[j].P, amp * 10, $"{name} p[{j}]");
            double width = Math.Max(Math.Abs(params_[j]), 2 * bse[j]);
            Close(lo[j], terms[j].Lower95, tol, $"{name} lower[{j}]", width);
            Close(hi[j], terms[j].Upper95, tol, $"{name} upper[{j}]", width);
        }
        var cov = c.Json.GetProperty("cov_params").EnumerateArray().Select(row => row.EnumerateArray().Select(e => e.GetDouble()).ToArray()).ToArray();
        Assert.NotNull(r.Covariance);
        Assert.Equal(terms.Select(term => term.Term), r.Covariance!.Names);
        for (int i = 0; i < cov.Length; i++)
            for (int j = 0; j < cov.Length; j++)
                Close(cov[i][j], r.Covariance.Matrix[i][j], robust ? tol : exactTol, $"{name} cov[{i},{j}]", Math.Sqrt(cov[i][i] * cov[j][j]));
        Close(c.Number("fvalue"), r.FStatistic, tol, name + " F");
        Close(c.Number("f_pvalue"), r.FPValue, amp * 10, name + " F p");
        Close(c.Number("llf"), r.LogLikelihood, tol, name + " llf");
        Close(c.Number("aic"), r.Aic, tol, name + " aic");
        Close(c.Number("bic"), r.Bic, tol, name + " bic");
        Close(c.Number("durbin_watson"), r.DurbinWatson, tol, name + " durbin_watson");
        Close(c.Number("omnibus"), r.Omnibus, amp, name + " omnibus");
        Close(c.Number("omnibus_p"), r.OmnibusP, amp * 10, name + " omnibus_p");
        Close(c.Number("jarque_bera"), r.JarqueBera, amp, name + " jarque_bera");
        Close(c.Number("jarque_bera_p"), r.JarqueBeraP, amp * 10, name + " jarque_bera_p");
        Close(c.Number("skew"), r.Skew, amp, name + " skew");
        Close(c.Number("kurtosis"), r.Kurtosis, amp, name + " kurtosis");
        Close(c.Number("rsquared_adj"), r.AdjustedRSquared, tol, name + " adjusted R²");
        Assert.Equal(!c.Json.GetProperty("use_t").GetBoolean(), r.NormalInference);
        if (c.Json.TryGetProperty("df_resid_inference", out var dfi))
            Assert.Equal((int)dfi.GetDouble(), r.InferenceDegreesOfFreedom);
        Close(c.Number("condition_number"), fit.Exact!.UncentredConditionNumber, exactTol, name + " condition number");
    }

    [Theory]
    [MemberData(nameof(CaseNumbers))]
    public void ExactMethodAgreesWithStatsmodelsOnEveryNumberOfItsSummary(int number)
    {
        var c = Cases()[number];
        var (data, type) = Load(c);
        var fit = new LinearRegressor(new LinearRegressorOptions { Method = SolverMethod.Exact, FitIntercept = c.Intercept, Covariance = type }).Fit(data);
        AssertReport(c, fit);
    }

    /// <summary>
    /// The default method runs on past the certified relative objective gap of 1e-10 (which bounds the coefficients
    /// only to about 5 digits) until every coefficient carries 13 digits of its own by its Newton correction (or it
    /// reports the exact solution): every number — coefficients, standard errors, t, p down to 1e-53, intervals, F,
    /// R², log-likelihood, AIC, BIC, Durbin–Watson and the residuals' shape statistics (skew, kurtosis, omnibus,
    /// Jarque–Bera), which amplify a coefficient's error — agrees with statsmodels to 10 digits. (With 11 digits in
    /// norm only, the shape statistics and tail p-values had 8–9: 5e-10 on the omnibus of stack loss, 2e-9 on a p of 6e-31.)
    /// </summary>
    [Theory]
    [MemberData(nameof(CaseNumbers))]
    public void DefaultMethodAgreesWithStatsmodelsOnEveryNumber(int number)
    {
        var c = Cases()[number];
        var (data, type) = Load(c);
        var fit = new LinearRegressor(new LinearRegressorOptions { Method = SolverMethod.Auto, Standardize = true, FitIntercept = c.Intercept, Covariance = type }).Fit(data);
        Assert.True(fit.Converged);
        AssertReport(c, fit);
    }

    /// <summary>Taken to a tighter certified gap, the default method's report is statsmodels' to 10 digits, every number.</summary>
    [Theory]
    [MemberData(nameof(CaseNumbers))]
    public void DefaultMethodAtATightGapAgreesWithStatsmodelsOnEveryNumber(int number)
    {
        var c = Cases()[number];
        var (data, type) = Load(c);
        var fit = new LinearRegressor(new LinearRegressorOptions
        {
            Method = SolverMethod.Auto, Standardize = true, FitIntercept = c.Intercept, Covariance = type,
            GradientDescent = new() { RelativeGapTolerance = 1e-24 },
        }).Fit(data);
        Assert.True(fit.Converged);
        AssertReport(c, fit);
    }

    /// <summary>A sandwich needs each row's residual: a fit of statistics alone with a robust type is refused, never silently classical.</summary>
    [Fact]
    public void RobustCovarianceFromStatisticsAloneIsRefused()
    {
        var (data, _) = Load(Cases()[0]);
        var options = new LinearRegressorOptions { Method = SolverMethod.Exact, Covariance = CovarianceType.Heteroscedastic(CovarianceKind.HC1) };
        var fromStatistics = Assert.Throws<InvalidOptionException>(() => new LinearRegressor(options).Fit(SufficientStatistics.Compute(data)));
        Assert.Contains("sufficient statistics", fromStatistics.Message);
    }

    public static TheoryData<int> RobustWellConditionedCases() =>
        [.. Enumerable.Range(0, Cases().Count).Where(i => Cases()[i].CovType != "nonrobust" && Cases()[i].Data != "longley")];

    /// <summary>
    /// Streamed in chunks of 17 rows, every robust type gives statsmodels' numbers, and the in-memory fit's: the meat
    /// is accumulated row by row in order by the same code (HAC's lags across chunk boundaries from a ring of the last
    /// L scores, clusters' score sums by label). The bread and coefficients come from the normal equations streamed and
    /// from QR in memory, which on these well-conditioned designs agree to 1e-12 relative.
    /// </summary>
    [Theory]
    [MemberData(nameof(RobustWellConditionedCases))]
    public void StreamedRobustCovarianceGivesStatsmodelsAndTheInMemoryNumbers(int number)
    {
        var c = Cases()[number];
        var (data, type) = Load(c);
        var options = new LinearRegressorOptions { Method = SolverMethod.Exact, FitIntercept = c.Intercept, Covariance = type };
        var memory = new LinearRegressor(options).Fit(data);
        var streamed = new LinearRegressor(options).Fit(new CappedChunks(data, 17));
        AssertReport(c, streamed);
        var (a, b) = (Assert.Single(memory.Report!), Assert.Single(streamed.Report!));
        Assert.Equal(a.InferenceDegreesOfFreedom, b.InferenceDegreesOfFreedom);
        Assert.Equal(a.Clusters, b.Clusters);
        for (int i = 0; i < a.Covariance!.Matrix.Count; i++)
            for (int j = 0; j < a.Covariance.Matrix.Count; j++)
                Close(a.Covariance.Matrix[i][j], b.Covariance!.Matrix[i][j], 1e-12, $"{c} cov[{i},{j}] streamed vs in memory",
                    Math.Sqrt(a.Covariance.Matrix[i][i] * a.Covariance.Matrix[j][j]));
        Close(a.FStatistic, b.FStatistic, 1e-12, $"{c} F streamed vs in memory");
    }

    /// <summary>Given the same model and bread, the streamed pass and the rows in memory sum the same terms in the same order: the same doubles.</summary>
    [Theory]
    [MemberData(nameof(RobustWellConditionedCases))]
    public void StreamedMeatIsTheInMemoryMeatBitForBit(int number)
    {
        var c = Cases()[number];
        var (data, type) = Load(c);
        var fit = new LinearRegressor(new LinearRegressorOptions { Method = SolverMethod.Exact, FitIntercept = c.Intercept }).Fit(data);
        var bread = fit.Exact!.UnscaledCovariance!;
        int rank = fit.Exact.Rank;
        var memory = RobustCovariance.Compute(fit.Model, data, bread, rank, type);
        var streamed = RobustCovariance.Compute(fit.Model, new CappedChunks(data, 7), data.Observations, bread, rank, type);
        Assert.Equal(memory[0].Clusters, streamed[0].Clusters);
        Assert.Equal(memory[0].V, streamed[0].V);
    }

    /// <summary>A cluster column of the wrong length is an error on the streamed path too (checked once the rows are counted).</summary>
    [Fact]
    public void StreamedClusterColumnOfTheWrongLengthIsAnError()
    {
        var c = Cases().First(x => x.CovType.StartsWith("cluster:", StringComparison.Ordinal));
        var (data, type) = Load(c);
        var shorter = CovarianceType.Cluster(type.Column!, [.. type.Clusters!.Take(data.Rows - 1)]);
        var options = new LinearRegressorOptions { Method = SolverMethod.Exact, Covariance = shorter };
        var error = Assert.Throws<LsgdException>(() => new LinearRegressor(options).Fit(new CappedChunks(data, 17)));
        Assert.Contains($"has {data.Rows - 1} values but the data has more rows", error.Message);
    }

    /// <summary>Streamed, the classical report carries the same diagnostics and covariance as in memory (the residual sums span chunks).</summary>
    [Fact]
    public void StreamedReportCarriesTheDiagnosticsAcrossChunks()
    {
        var c = Cases()[10];   // grunfeld, 220 rows
        var (data, _) = Load(c);
        var fit = new LinearRegressor(new LinearRegressorOptions { Method = SolverMethod.Exact }).Fit(new CappedChunks(data, 17));
        var r = Assert.Single(fit.Report!);
        Close(c.Number("durbin_watson"), r.DurbinWatson, 1e-10, "durbin_watson");
        Close(c.Number("skew"), r.Skew, 1e-10, "skew");
        Close(c.Number("kurtosis"), r.Kurtosis, 1e-10, "kurtosis");
        Close(c.Number("omnibus"), r.Omnibus, 1e-10, "omnibus");
        Close(c.Number("aic"), r.Aic, 1e-10, "aic");
        Close(c.Number("condition_number"), fit.Exact!.UncentredConditionNumber, 1e-8, "condition number from the statistics");
        var cov = c.Json.GetProperty("cov_params");
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                Close(cov[i][j].GetDouble(), r.Covariance!.Matrix[i][j], 1e-10, $"cov[{i},{j}]", Math.Sqrt(cov[i][i].GetDouble() * cov[j][j].GetDouble()));
    }
}
