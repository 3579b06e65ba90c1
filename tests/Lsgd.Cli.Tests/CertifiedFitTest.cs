using System.Text.Json;

namespace Lsgd.Cli.Tests;

/// <summary>The default <c>fit</c> reaches the certified optimum, and a fit that does not says so everywhere.</summary>
public class CertifiedFitTest
{
    [Theory]
    [InlineData("Longley", 1, false)]
    [InlineData("Norris", 1, false)]
    [InlineData("Pontius", 2, false)]
    [InlineData("NoInt1", 1, false)]
    [InlineData("NoInt1", 1, true)]
    public void DefaultFitOnEveryNistLinearSetIsConvergedAndCertified(string name, int degree, bool noIntercept)
    {
        var args = new List<string> { "fit", CliRunner.Nist(name), "--target", "y", "--degree", degree.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json" };
        if (noIntercept) args.Add("--no-intercept");
        var j = CliRunner.Run([.. args]).Json;
        Assert.True(j.GetProperty("converged").GetBoolean(), j.GetProperty("not_converged_reason").ToString());
        Assert.False(string.IsNullOrEmpty(j.GetProperty("method_choice").GetString()));   // which method, and why
        if (j.GetProperty("method").GetString() != "exact")
        {
            var optimality = j.GetProperty("optimality");
            Assert.True(optimality.GetProperty("relative_objective_gap").GetDouble() <= 1e-10);
            Assert.True(optimality.GetProperty("certified").GetBoolean());
            Assert.False(string.IsNullOrEmpty(optimality.GetProperty("certificate").GetString()));
        }
        Assert.Equal(JsonValueKind.Array, j.GetProperty("p").ValueKind);   // inference at certified estimates
    }

    [Fact]
    public void UnconvergedFitSaysSoFirstInTheModelFileAndToPredict()
    {
        using var temp = new TempFolder();
        string model = temp.File("longley.json");
        var r = CliRunner.Run("fit", CliRunner.Nist("Longley"), "--target", "y", "--method", "gd", "--max-iterations", "50", "--output", model);
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith("NOT CONVERGED: the certified relative objective gap is", r.Output);
        Assert.DoesNotContain("95 % interval", r.Output);
        using var file = JsonDocument.Parse(File.ReadAllText(model));
        Assert.False(file.RootElement.GetProperty("converged").GetBoolean());
        var p = CliRunner.Run("predict", model, CliRunner.Nist("Longley"));
        Assert.Equal(0, p.ExitCode);
        Assert.Contains("did not converge", p.Error);

        var j = CliRunner.Run("fit", CliRunner.Nist("Longley"), "--target", "y", "--method", "gd", "--max-iterations", "50", "--json").Json;
        Assert.False(j.GetProperty("converged").GetBoolean());
        Assert.Equal(JsonValueKind.Null, j.GetProperty("t").ValueKind);
        Assert.True(j.GetProperty("optimality").GetProperty("relative_objective_gap").GetDouble() > 1e-10);
    }

    [Fact]
    public void ExplicitToleranceKeepsTheArticlesRuleAndIsNotCertifiedUnlessTheCertificateHolds()
    {
        // Longley by the article's |ΔJ| rule: gradient descent runs as before, to the iteration limit, and says it did not converge.
        var j = CliRunner.Run("fit", CliRunner.Nist("Longley"), "--target", "y", "--tolerance", "1e-12", "--json").Json;
        Assert.Equal("gd", j.GetProperty("method").GetString());
        Assert.Equal("max_iterations", j.GetProperty("stop_reason").GetString());
        Assert.False(j.GetProperty("converged").GetBoolean());
    }
}
