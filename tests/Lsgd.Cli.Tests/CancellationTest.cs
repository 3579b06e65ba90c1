using System.Globalization;
using System.Text;
using Lsgd.IO;

namespace Lsgd.Cli.Tests;

/// <summary>Ctrl+C before a command has a result to keep: one line, exit 130 in every command, nothing written.</summary>
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

    private static CliRunner.Result RunCancelled(params string[] args)
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Cli.Run(args, output, error, interactive: false, cancelled.Token);
        return new CliRunner.Result(code, output.ToString(), error.ToString());
    }

    [Fact]
    public void CancelledFinetuneExits130AndWritesNoHead()
    {
        using var t = new TempFolder();
        var csv = new StringBuilder("text,animal\n");
        var x = new float[60 * 3];
        for (int i = 0; i < 60; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"text {i},{(i % 2 == 0 ? "cat" : "dog")}\n");
            x[i * 3 + i % 2] = 1;
            x[i * 3 + 2] = i;
        }
        string data = t.File("pets.csv", csv.ToString());
        string npy = t.File("features.npy");
        NpyFile.Write(npy, x, 60, 3);
        string head = Path.Combine(t.Path, "pets.head.json");
        var r = RunCancelled("finetune", data, "--text", "text", "--target", "animal", "--embeddings", npy, "--output", head);
        Assert.Equal(Cli.Cancelled, r.ExitCode);
        Assert.Equal(130, r.ExitCode);
        Assert.Equal("lsgd: cancelled: no head was written (embeddings cached before this run are kept).", r.Error.TrimEnd());
        Assert.False(File.Exists(head));
    }
}
