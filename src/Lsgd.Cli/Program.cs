using Lsgd.Cli;

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
return Cli.Run(args, Console.Out, Console.Error, interactive: !Console.IsOutputRedirected && !Console.IsErrorRedirected, cancel.Token);
