namespace Lsgd.Cli.Tests;

public class DemoCommandTest
{
    [Fact]
    public void JsonListsTheArticlesFirstIterationsWithCorrectedGradient()
    {
        var r = CliRunner.Run("demo", "--json");
        Assert.Equal(0, r.ExitCode);
        var iterations = r.Json.GetProperty("iterations");
        Assert.True(iterations.GetArrayLength() >= 10);
        var first = iterations[0];
        Assert.Equal(1, first.GetProperty("k").GetInt32());
        Assert.Equal(1.25, first.GetProperty("w")[0].GetDouble(), 12);
        Assert.Equal(0.35, first.GetProperty("b").GetDouble(), 12);
        Assert.Equal(23.8375, first.GetProperty("loss").GetDouble(), 10);
        Assert.Equal(-125, first.GetProperty("gradient_w")[0].GetDouble());
        Assert.Equal(-35, first.GetProperty("gradient_b").GetDouble());
        Assert.Equal(1.76, iterations[1].GetProperty("w")[0].GetDouble(), 12);
        Assert.Equal(0.55625, iterations[2].GetProperty("b").GetDouble(), 12);
    }

    [Fact]
    public void JsonReportsWhereAndWhyItStoppedAndTheDistanceToTwoAndOne()
    {
        var j = CliRunner.Run("demo", "--json").Json;
        Assert.Equal("loss_change_below_tolerance", j.GetProperty("stop_reason").GetString());
        Assert.Equal(1238, j.GetProperty("iterations_run").GetInt32());
        Assert.Equal(2.0, j.GetProperty("w")[0].GetDouble(), 4);
        Assert.Equal(1.0, j.GetProperty("b").GetDouble(), 4);
        Assert.Equal(2.0, j.GetProperty("exact").GetProperty("w")[0].GetDouble(), 12);
        Assert.Equal(1.0, j.GetProperty("exact").GetProperty("b").GetDouble(), 12);
        Assert.InRange(j.GetProperty("distance_to_exact").GetDouble(), 1e-6, 1e-4);
    }

    [Theory]
    [InlineData("1e-6", 425, false)]
    [InlineData("1e-9", 831, false)]
    [InlineData("1e-12", 1238, true)]
    public void TheArticlesStopIsJudgedByTheExactAnswerAndCalledConvergedOnlyWhenCertified(string tolerance, int iterations, bool converged)
    {
        var j = CliRunner.Run("demo", "--json", "--tolerance", tolerance).Json;
        Assert.Equal("loss_change_below_tolerance", j.GetProperty("stop_reason").GetString());
        Assert.Equal(iterations, j.GetProperty("iterations_run").GetInt32());
        Assert.Equal(converged, j.GetProperty("converged").GetBoolean());
        Assert.Equal(converged, j.GetProperty("relative_gap_bound").GetDouble() <= 1e-10);
        Assert.StartsWith("the exact least-squares solution", j.GetProperty("certificate").GetString());
    }

    [Fact]
    public void TextSaysWhenTheArticlesStopIsNotCertified()
    {
        var r = CliRunner.Run("demo", "--tolerance", "1e-6");
        Assert.Contains("Stopped after 425 iterations (loss_change_below_tolerance)", r.Output);
        Assert.Contains("The article's stop is not certified (relative objective gap 4.03E-07 > 1E-10)", r.Output);
        Assert.Contains("Converged: the relative objective gap is 4.08E-13", CliRunner.Run("demo").Output);
    }

    [Fact]
    public void TextShowsTheIterationTableAndExplainsTheArticlesSlip()
    {
        var r = CliRunner.Run("demo");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("│ 1  │ -125", r.Output);
        Assert.Contains("23.8375", r.Output);
        Assert.Contains("Stopped after 1238 iterations (loss_change_below_tolerance)", r.Output);
        Assert.Contains("−55 (giving w = 0.55); that is an arithmetic slip", r.Output);
        Assert.Contains("w(1) = 1.25", r.Output);
        Assert.Contains("Exact least-squares answer: w = 2, b = 1", r.Output);
    }

    [Fact]
    public void GradientToleranceConvergesToTheExactAnswer()
    {
        var j = CliRunner.Run("demo", "--json", "--tolerance", "0", "--gradient-tolerance", "1e-10", "--max-iterations", "100000").Json;
        // The certificate (J* = 0 here, so relative to 1e-8·J₀) may hold before the gradient rule does.
        string? stop = j.GetProperty("stop_reason").GetString();
        Assert.True(stop is "gradient_norm_below_tolerance" or "certified", stop);
        Assert.True(j.GetProperty("distance_to_exact").GetDouble() < 1e-6);
    }

    [Fact]
    public void TooLargeLearningRateIsReportedAsDivergedWithASafeRate()
    {
        var r = CliRunner.Run("demo", "--learning-rate", "0.05", "--json");
        Assert.Equal(0, r.ExitCode);
        var j = r.Json;
        Assert.Equal("diverged", j.GetProperty("stop_reason").GetString());
        Assert.Contains("2/L = 0.03381", j.GetProperty("message").GetString());
        Assert.Contains("try --learning-rate 0.0169", j.GetProperty("message").GetString());
    }

    [Fact]
    public void PlotIsWrittenAsAPng()
    {
        using var temp = new TempFolder();
        string png = temp.File("demo.png");
        var r = CliRunner.Run("demo", "--plot", png);
        Assert.Equal(0, r.ExitCode);
        var bytes = File.ReadAllBytes(png);
        Assert.True(bytes.Length > 10_000);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
        Assert.Single(Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void PlotIntoAMissingFolderIsAOneLineUserError()
    {
        var r = CliRunner.Run("demo", "--plot", "/nonexistent-folder-lsgd/demo.png");
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("lsgd: error: Cannot write the plot to '/nonexistent-folder-lsgd/demo.png': the folder", r.Error);
        Assert.Single(r.Error.TrimEnd().Split('\n'));
    }
}
