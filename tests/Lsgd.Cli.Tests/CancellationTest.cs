namespace Lsgd.Cli.Tests;

/// <summary>Ctrl+C during a pass over a streamed file: one line, exit 130, nothing written.</summary>
public sealed class CancellationTest
{
    [Fact]
    public void CtrlCDuringAStreamedPassIsOneLineWithExitCode130AndNoModel()
    {
        using var t = new TempFolder();
        string csv = t.File("d.csv", "x,y\n" + string.Concat(Enumerable.Range(0, 1000).Select(i => $"{i},{2 * i + 1}\n")));
        string model = Path.Combine(t.Path, "m.json");
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Cli.Run(["fit", csv, "--target", "y", "--engine", "stream", "--output", model], output, error, cancellation: cancelled.Token);
        Assert.Equal(Cli.Cancelled, code);
        Assert.Equal("lsgd: cancelled while reading the data; nothing was written.", error.ToString().Trim());
        Assert.False(File.Exists(model));
        Assert.Equal(["d.csv"], Directory.GetFiles(t.Path).Select(Path.GetFileName));
    }
}
