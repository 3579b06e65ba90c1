using System.Globalization;
using System.Text.Json;

namespace Lsgd.Cli.Tests;

/// <summary>
/// `fit`'s statistician's report in --json (the field names as issue 12 spells them) and in the text, against
/// statsmodels 0.13.5 (tests/data/statsmodels/reference.json, written by tests/Lsgd.Tests/Reference/statsmodels_report.py
/// on statsmodels.datasets stackloss and grunfeld).
/// </summary>
public class ReportFieldsTest
{
    private static string Data(string name) => Path.Combine(CliRunner.RepositoryRoot(), "tests", "data", "statsmodels", name + ".csv");

    private static JsonElement Reference(string data, string covType, bool intercept = true)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(CliRunner.RepositoryRoot(), "tests", "data", "statsmodels", "reference.json")));
        return json.RootElement.GetProperty("cases").EnumerateArray()
            .First(c => c.GetProperty("data").GetString() == data && c.GetProperty("cov_type").GetString() == covType && c.GetProperty("intercept").GetBoolean() == intercept)
            .Clone();
    }

    private static void Close(double expected, double actual, double tolerance, string what)
    {
        double error = Math.Abs(actual - expected) / Math.Max(Math.Abs(expected), 1e-300);
        Assert.True(error <= tolerance, $"{what}: statsmodels {expected:R}, lsgd {actual:R} (relative error {error:E2})");
    }

    private static readonly string[] Diagnostics =
        ["log_likelihood", "aic", "bic", "durbin_watson", "omnibus", "omnibus_p", "jarque_bera", "jarque_bera_p", "skew", "kurtosis"];

    private static readonly Dictionary<string, string> StatsmodelsName = new()
    {
        ["log_likelihood"] = "llf", ["aic"] = "aic", ["bic"] = "bic", ["durbin_watson"] = "durbin_watson", ["omnibus"] = "omnibus",
        ["omnibus_p"] = "omnibus_p", ["jarque_bera"] = "jarque_bera", ["jarque_bera_p"] = "jarque_bera_p", ["skew"] = "skew", ["kurtosis"] = "kurtosis",
    };

    [Theory]
    [InlineData("nonrobust")]
    [InlineData("hc0")]
    [InlineData("hc1")]
    [InlineData("hc2")]
    [InlineData("hc3")]
    [InlineData("hac:2")]
    public void ExactJsonCarriesEveryReportFieldAsStatsmodelsGivesIt(string covType)
    {
        var r = CliRunner.Run("fit", Data("stackloss"), "--target", "STACKLOSS", "--method", "exact", "--cov-type", covType, "--json");
        Assert.Equal(0, r.ExitCode);
        var j = r.Json;
        var sm = Reference("stackloss", covType);
        Assert.Equal(covType, j.GetProperty("cov_type").GetString());
        foreach (var field in Diagnostics)
            Close(sm.GetProperty(StatsmodelsName[field]).GetDouble(), j.GetProperty(field).GetDouble(), 1e-9, field);
        var bse = sm.GetProperty("bse").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Close(bse[0], j.GetProperty("intercept_standard_error").GetDouble(), 1e-10, "intercept_standard_error");
        for (int k = 0; k < 3; k++)
            Close(bse[k + 1], j.GetProperty("standard_errors")[k].GetDouble(), 1e-10, $"standard_errors[{k}]");
        Close(sm.GetProperty("fvalue").GetDouble(), j.GetProperty("f_statistic").GetDouble(), 1e-10, "f_statistic");
        Close(sm.GetProperty("pvalues")[1].GetDouble(), j.GetProperty("p")[0].GetDouble(), 1e-9, "p[0]");
        var covariance = j.GetProperty("covariance");
        Assert.Equal(["(intercept)", "AIRFLOW", "WATERTEMP", "ACIDCONC"], covariance.GetProperty("names").EnumerateArray().Select(e => e.GetString()));
        var matrix = covariance.GetProperty("matrix");
        for (int a = 0; a < 4; a++)
            for (int b = 0; b < 4; b++)
                Close(sm.GetProperty("cov_params")[a][b].GetDouble(), matrix[a][b].GetDouble(), 1e-9, $"covariance[{a}][{b}]");
        Assert.Equal(covType == "nonrobust" ? "t" : "normal", j.GetProperty("coefficient_test").GetString());
        Assert.Equal("centred_scaled", j.GetProperty("condition_number_kind").GetString());
        Close(sm.GetProperty("condition_number").GetDouble(), j.GetProperty("condition_number_uncentred_unscaled").GetDouble(), 1e-10, "condition number");
    }

    [Fact]
    public void ClusterColumnIsReadFromTheFileLeftOutOfTheDefaultFeaturesAndEchoed()
    {
        var r = CliRunner.Run("fit", Data("grunfeld"), "--target", "invest", "--features", "value,capital", "--cov-type", "cluster:firm", "--method", "exact", "--json");
        Assert.Equal(0, r.ExitCode);
        var sm = Reference("grunfeld", "cluster:firm");
        Assert.Equal("cluster:firm", r.Json.GetProperty("cov_type").GetString());
        Assert.Equal(11, r.Json.GetProperty("clusters").GetInt32());
        Assert.Equal(10, r.Json.GetProperty("inference_degrees_of_freedom").GetInt32());
        Close(sm.GetProperty("bse")[1].GetDouble(), r.Json.GetProperty("standard_errors")[0].GetDouble(), 1e-10, "standard_errors[0]");
        Close(sm.GetProperty("f_pvalue").GetDouble(), r.Json.GetProperty("f_p_value").GetDouble(), 1e-9, "f_p_value");

        // Without --features, the cluster column is not a feature.
        var all = CliRunner.Run("fit", Data("grunfeld"), "--target", "invest", "--cov-type", "cluster:firm", "--json");
        Assert.Equal(0, all.ExitCode);
        Assert.Equal(["value", "capital", "year"], all.Json.GetProperty("features").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void DefaultMethodReportsTheSameFieldsAtItsCertifiedEstimates()
    {
        var r = CliRunner.Run("fit", Data("stackloss"), "--target", "STACKLOSS", "--cov-type", "hc3", "--json");
        Assert.Equal(0, r.ExitCode);
        Assert.True(r.Json.GetProperty("converged").GetBoolean());
        Assert.NotEqual("exact", r.Json.GetProperty("method").GetString());
        var sm = Reference("stackloss", "hc3");
        // Certified at a relative objective gap of 1e-10: the estimates, and what rests on them, to about 4 digits.
        foreach (var field in Diagnostics)
            Close(sm.GetProperty(StatsmodelsName[field]).GetDouble(), r.Json.GetProperty(field).GetDouble(), 3e-3, field);
        Close(sm.GetProperty("bse")[1].GetDouble(), r.Json.GetProperty("standard_errors")[0].GetDouble(), 3e-3, "standard_errors[0]");
        Assert.Equal(4, r.Json.GetProperty("covariance").GetProperty("matrix").GetArrayLength());
    }

    [Fact]
    public void TextNamesTheCovarianceTheDiagnosticsAndBothConditionNumbers()
    {
        var r = CliRunner.Run("fit", Data("stackloss"), "--target", "STACKLOSS", "--method", "exact", "--cov-type", "hc1");
        Assert.Equal(0, r.ExitCode);
        string text = string.Join(" ", r.Output.Split('\n', StringSplitOptions.TrimEntries));   // the console wraps long lines
        Assert.Contains("│ z ", text);
        Assert.Contains("Log-likelihood = -52.2877", text);
        Assert.Contains("Durbin–Watson = 1.4851", text);
        Assert.Contains("Jarque–Bera = 0.1402", text);
        Assert.Contains("Covariance: hc1 (heteroscedasticity-robust)", text);
        Assert.Contains("statsmodels' uncentred, unscaled one, with the constant: 1.81E+03", text);
        var classical = CliRunner.Run("fit", Data("stackloss"), "--target", "STACKLOSS", "--method", "exact");
        Assert.Contains("│ t ", classical.Output);
        Assert.DoesNotContain("Covariance:", classical.Output);
    }

    [Theory]
    [InlineData("hc4", "--cov-type hc4 is not allowed")]
    [InlineData("hac:-1", "hac:LAGS with LAGS an integer >= 0")]
    [InlineData("hac", "hac:LAGS, the number of lags given")]
    [InlineData("cluster:nope", "has no column 'nope'")]
    public void AWrongCovTypeIsOneErrorLine(string covType, string expected)
    {
        var r = CliRunner.Run("fit", Data("grunfeld"), "--target", "invest", "--features", "value,capital", "--cov-type", covType);
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("lsgd: error: ", r.Error);
        Assert.Contains(expected, r.Error);
        Assert.Single(r.Error.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("hc1", "--engine", "stream")]
    [InlineData("hac:2", "--memory", "1KB")]
    [InlineData("cluster:firm", "--memory", "1KB")]
    public void AStreamedFileGetsTheRobustCovarianceOfTheLoadedFileFromOneMorePass(string covType, string flag, string value)
    {
        string[] fit = ["fit", Data("grunfeld"), "--target", "invest", "--features", "value,capital", "--method", "exact", "--cov-type", covType, "--json"];
        var loaded = CliRunner.Run(fit);
        var streamed = CliRunner.Run([.. fit, flag, value]);
        Assert.True(loaded.ExitCode == 0 && streamed.ExitCode == 0, loaded.Error + streamed.Error);
        Assert.EndsWith("(streamed)", streamed.Json.GetProperty("data").GetString());
        Assert.Equal(covType, streamed.Json.GetProperty("cov_type").GetString());
        for (int j = 0; j < 2; j++)
            Close(loaded.Json.GetProperty("standard_errors")[j].GetDouble(), streamed.Json.GetProperty("standard_errors")[j].GetDouble(), 1e-12, $"streamed vs loaded standard_errors[{j}]");
        Close(loaded.Json.GetProperty("f_statistic").GetDouble(), streamed.Json.GetProperty("f_statistic").GetDouble(), 1e-12, "streamed vs loaded F");
        if (covType != "hac:2")   // reference.json has grunfeld's hc1 and cluster:firm
        {
            var sm = Reference("grunfeld", covType);
            for (int j = 0; j < 2; j++)
                Close(sm.GetProperty("bse")[j + 1].GetDouble(), streamed.Json.GetProperty("standard_errors")[j].GetDouble(), 1e-10, $"streamed standard_errors[{j}]");
            Close(sm.GetProperty("bse")[0].GetDouble(), streamed.Json.GetProperty("intercept_standard_error").GetDouble(), 1e-10, "streamed intercept SE");
            Close(sm.GetProperty("fvalue").GetDouble(), streamed.Json.GetProperty("f_statistic").GetDouble(), 1e-10, "streamed F");
        }
        // The sandwich's pass over the rows is counted (a plain streamed exact fit makes two).
        var classical = CliRunner.Run(["fit", Data("grunfeld"), "--target", "invest", "--features", "value,capital", "--method", "exact", "--json", flag, value]);
        Assert.Equal(classical.Json.GetProperty("data_passes").GetDouble() + 1, streamed.Json.GetProperty("data_passes").GetDouble());
    }

    [Fact]
    public void ARobustCovarianceOnSeveralFilesIsAnErrorSayingWhatToDo()
    {
        string stackloss = Data("stackloss");
        var r = CliRunner.Run("fit", stackloss, stackloss, "--target", "STACKLOSS", "--cov-type", "hc1");
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("lsgd: error: --cov-type hc1 needs the rows", r.Error);
        Assert.Single(r.Error.Trim().Split('\n'));
    }

    [Fact]
    public void RankDeficientDesignKeepsNullStandardErrorsAndCovarianceForAliasedColumns()
    {
        string path = Path.Combine(Path.GetTempPath(), $"lsgd-report-{Guid.NewGuid():N}.csv");
        try
        {
            var rng = new Random(3);
            var lines = new List<string> { "a,twice_a,b,y" };
            for (int i = 0; i < 30; i++)
            {
                double a = rng.NextDouble() * 10, b = rng.NextDouble();
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"{a:R},{2 * a:R},{b:R},{1 + 3 * a - b + 0.1 * (rng.NextDouble() - 0.5):R}"));
            }
            File.WriteAllLines(path, lines);
            foreach (var cov in new[] { "nonrobust", "hc1" })
            {
                var r = CliRunner.Run("fit", path, "--target", "y", "--method", "exact", "--cov-type", cov, "--json");
                Assert.Equal(0, r.ExitCode);
                var se = r.Json.GetProperty("standard_errors");
                Assert.Equal(JsonValueKind.Null, se[0].ValueKind);
                Assert.True(se[2].GetDouble() > 0);
                var matrix = r.Json.GetProperty("covariance").GetProperty("matrix");
                Assert.Equal(JsonValueKind.Null, matrix[1][1].ValueKind);   // 'a', after the intercept
                Assert.True(matrix[3][3].GetDouble() > 0);                   // 'b'
                Assert.True(double.IsFinite(r.Json.GetProperty("aic").GetDouble()));
            }
        }
        finally
        {
            File.Delete(path);
        }
    }
}
