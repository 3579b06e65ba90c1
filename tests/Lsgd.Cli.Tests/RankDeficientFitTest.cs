namespace Lsgd.Cli.Tests;

/// <summary>`fit` on a design with a duplicated and a constant column: rank, aliased columns and an honest certificate.</summary>
public sealed class RankDeficientFitTest : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"lsgd-rank-{Guid.NewGuid():N}.csv");

    public RankDeficientFitTest()
    {
        var rng = new Random(1);
        var lines = new List<string> { "a,twice_a,b,y" };
        for (int i = 0; i < 30; i++)
        {
            double a = rng.NextDouble() * 10, b = rng.NextDouble();
            lines.Add(FormattableString.Invariant($"{a:R},{2 * a:R},{b:R},{1 + 3 * a - b + 0.1 * (rng.NextDouble() - 0.5):R}"));
        }
        File.WriteAllLines(_path, lines);
    }

    public void Dispose() => File.Delete(_path);

    [Theory]
    [InlineData("exact")]
    [InlineData("auto")]
    [InlineData("cg")]
    public void JsonReportsRankAndAliasedAndWarnsByName(string method)
    {
        var r = CliRunner.Run("fit", _path, "--target", "y", "--method", method, "--json");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(3, r.Json.GetProperty("rank").GetInt32());
        Assert.Equal(["a", "twice_a"], r.Json.GetProperty("aliased").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("", r.Error);   // with --json, rank and aliased say it
        // Iterative fits are certified against J* of the minimum-norm optimum, which is unique.
        Assert.True(r.Json.GetProperty("converged").GetBoolean(), r.Json.GetProperty("not_converged_reason").ToString());
        var se = r.Json.GetProperty("standard_errors");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, se[0].ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, se[1].ValueKind);
        Assert.True(se[2].GetDouble() > 0);
        Assert.Equal(27, r.Json.GetProperty("degrees_of_freedom").GetInt32());
        var text = CliRunner.Run("fit", _path, "--target", "y", "--method", method);
        Assert.Equal(0, text.ExitCode);
        Assert.StartsWith("lsgd: warning: the columns are linearly dependent (rank 3 of 4 parameters): 'a', 'twice_a' are aliased", text.Error);
        // The condition number is of the columns kept (finite); the text does not let it pass for the design's own.
        Assert.Contains("Condition number of the centred, scaled features (of those kept: with the aliased ones the design is singular): ", text.Output);
    }

    /// <summary>More columns than rows: the default method gives numpy's pinv([1, X])·y (numpy 1.24.2), says why, and reports no standard errors.</summary>
    [Fact]
    public void MoreColumnsThanRowsGiveTheMinimumNormSolutionWithoutStandardErrors()
    {
        string path = Path.Combine(Path.GetTempPath(), $"lsgd-wide-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, "y,a,b,c,d\n1,2,3,4,5\n2,1,0,3,1\n3,5,2,2,0\n");
        try
        {
            var r = CliRunner.Run("fit", path, "--target", "y", "--json");
            Assert.True(r.ExitCode == 0, r.Error);
            var j = r.Json;
            Assert.Equal("exact", j.GetProperty("method").GetString());
            Assert.Contains("minimum-norm", j.GetProperty("method_choice").GetString());
            Assert.Equal(3, j.GetProperty("rank").GetInt32());
            Assert.Equal(0, j.GetProperty("degrees_of_freedom").GetInt32());
            double[] pinv = [0.42029520295202993, -0.22656826568265725, 0.5509225092250929, -0.32287822878228845];
            Assert.Equal(0.24981549815498189, j.GetProperty("intercept").GetDouble(), 1e-12);
            for (int k = 0; k < 4; k++)
            {
                Assert.Equal(pinv[k], j.GetProperty("coefficients")[k].GetDouble(), 1e-12);
                Assert.Equal(System.Text.Json.JsonValueKind.Null, j.GetProperty("standard_errors")[k].ValueKind);
            }
        }
        finally { File.Delete(path); }
    }
}
