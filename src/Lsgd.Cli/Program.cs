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
int exit = Cli.Run(args, Console.Out, Console.Error, interactive: !Console.IsOutputRedirected && !Console.IsErrorRedirected, cancel.Token);
if (StartupWarmup.DebugLine() is { } line)   // LSGD_WARMUP_DEBUG: what the warm-up compiled, and its failures
    Console.Error.WriteLine(line);
return exit;
