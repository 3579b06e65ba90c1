namespace Lsgd.Cli.Tests;

/// <summary>Where the commands' output files go: through a symbolic link to the file it names.</summary>
public sealed class OutputFileTest
{
    [Fact]
    public void PredictionsToASymbolicLinkReplaceItsTarget()
    {
        using var t = new TempFolder();
        string csv = t.File("d.csv", "x,y\n1,3\n2,5\n3,7\n");
        string model = t.File("m.json");
        Assert.Equal(0, CliRunner.Run("fit", csv, "--target", "y", "--method", "exact", "--output", model).ExitCode);
        string target = t.File("predictions.csv", "old");
        string link = Path.Combine(t.Path, "latest.csv");
        File.CreateSymbolicLink(link, target);
        var r = CliRunner.Run("predict", model, csv, "--out", link);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.StartsWith("y\n3", File.ReadAllText(target));
        Assert.NotNull(new FileInfo(link).LinkTarget);
    }
}
