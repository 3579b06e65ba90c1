using System.Text;
using Lsgd.Cli;

// First: `lsgd fit` compiles its kernels in the background while the command line is parsed and the data load (docs/STARTUP.md).
StartupWarmup.Start(args);
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // First Ctrl+C: stop the fit cleanly (outputs are written atomically); a second one ends the process.
    if (!cancel.IsCancellationRequested)
    {
        e.Cancel = true;
        cancel.Cancel();
    }
};
// Standard output into a file or a pipe goes through a 64 KiB buffer, flushed after every write as Console.Out is (a
// server's "listening" line still reaches a script at once): Console.Out hands the stream 256 characters at a time, one
// system call each, 7 450 of them for the 1.9 MB JSON document of a 768 × 20 head. Synchronised, as Console.Out is.
using var output = Console.IsOutputRedirected && Console.OutputEncoding.CodePage == Encoding.UTF8.CodePage
    ? TextWriter.Synchronized(new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16) { AutoFlush = true })
    : null;
int exit = Cli.Run(args, output ?? Console.Out, Console.Error, interactive: !Console.IsOutputRedirected && !Console.IsErrorRedirected, cancel.Token);
if (StartupWarmup.DebugLine() is { } line)   // LSGD_WARMUP_DEBUG: what the warm-up compiled, and its failures
    Console.Error.WriteLine(line);
return exit;
