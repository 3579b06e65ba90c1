using System.Diagnostics;
using Lsgd.IO;

namespace Lsgd.IO.Tests;

/// <summary>
/// Where <see cref="AtomicFile"/> writes: a regular file is replaced in one step (or kept whole when the write
/// fails), a symbolic link is followed, and a device or a named pipe is written directly, never replaced.
/// </summary>
public sealed class AtomicFileTest
{
    [Fact]
    public void WriteThatFailsHalfwayKeepsTheOldFileAndLeavesNoTemporaryFile()
    {
        using var t = new TempFolder();
        string path = t.File("out.txt", "old");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s =>
        {
            s.Write("half"u8);
            throw new InvalidOperationException("killed");
        }));
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal(["out.txt"], Directory.GetFiles(t.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void SymbolicLinkIsFollowedAndStaysALink()
    {
        using var t = new TempFolder();
        string target = t.File("target.txt", "old");
        string link = Path.Combine(t.Path, "link.txt");
        File.CreateSymbolicLink(link, target);
        AtomicFile.WriteAllText(link, "new");
        Assert.Equal("new", File.ReadAllText(target));
        Assert.NotNull(new FileInfo(link).LinkTarget);
    }

    [Fact]
    public void DevicesAreWrittenDirectlyNotReplaced()
    {
        if (OperatingSystem.IsWindows() || !File.Exists("/dev/null")) return;
        AtomicFile.WriteAllText("/dev/null", "discarded");
        Assert.Equal(0, new FileInfo("/dev/null").Length);
        if (!File.Exists("/dev/full")) return;
        var e = Assert.Throws<LsgdException>(() => AtomicFile.WriteAllText("/dev/full", "no room"));
        Assert.Equal("Cannot write '/dev/full': the disk is full. Nothing was written; choose another path or free some space.", e.Message);
        Assert.Equal(0, new FileInfo("/dev/full").Length);   // still the device, not a regular file
    }

    [Fact]
    public async Task NamedPipeIsWrittenDirectlyNotReplaced()
    {
        if (OperatingSystem.IsWindows() || !File.Exists("/usr/bin/mkfifo")) return;
        using var t = new TempFolder();
        string fifo = Path.Combine(t.Path, "pipe");
        using (var mkfifo = Process.Start("/usr/bin/mkfifo", [fifo]))
            mkfifo.WaitForExit();
        var read = Task.Run(() => File.ReadAllText(fifo));
        AtomicFile.WriteAllText(fifo, "through the pipe");
        Assert.Equal("through the pipe", await read.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, new FileInfo(fifo).Length);   // still a pipe
        Assert.Equal(["pipe"], Directory.GetFiles(t.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void CheckOutputRefusesAnInputAMissingFolderAndAFolder()
    {
        using var t = new TempFolder();
        string input = t.File("data.csv", "x\n1\n");
        string link = Path.Combine(t.Path, "alias.csv");
        File.CreateSymbolicLink(link, input);
        Assert.Contains("also an input", Assert.Throws<LsgdException>(() => AtomicFile.CheckOutput(input, input)).Message);
        Assert.Contains("also an input", Assert.Throws<LsgdException>(() => AtomicFile.CheckOutput(link, input)).Message);
        Assert.Contains("does not exist", Assert.Throws<LsgdException>(() => AtomicFile.CheckOutput(Path.Combine(t.Path, "no", "m.json"))).Message);
        Assert.Contains("is a folder", Assert.Throws<LsgdException>(() => AtomicFile.CheckOutput(t.Path)).Message);
        AtomicFile.CheckOutput(Path.Combine(t.Path, "model.json"), input);
        Assert.Equal(["alias.csv", "data.csv"], Directory.GetFiles(t.Path).Select(Path.GetFileName).Order());   // the probe is gone
    }
}
