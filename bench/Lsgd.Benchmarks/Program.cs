using BenchmarkDotNet.Running;

namespace Lsgd.Benchmarks;

/// <summary>
/// Entry point: BenchmarkDotNet's switcher, so every BenchmarkDotNet option works, e.g.
/// <c>dotnet run -c Release --project bench/Lsgd.Benchmarks -- --filter '*' --job short</c>.
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "ratios")
            KernelRatios.Run(args[1..]);
        else if (args.Length > 0 && args[0] == "grad-ratios")
            GradientRatios.Run(args[1..]);
        else if (args.Length > 0 && args[0] == "gram-ratios")
            GramRatios.Run(args[1..]);
        else if (args.Length > 0 && args[0] == "stats-ratios")
            StatisticsRatios.Run(args[1..]);
        else if (args.Length > 0 && args[0] == "goodness-ratios")
            GoodnessRatios.Run(args[1..]);
        else if (args.Length > 0 && args[0] == "head-stages")
            HeadStages.Run(args[1..]);
        else if (args.Length > 0 && args[0] == "loop")
            KernelRatios.Loop(args[1..]);
        else
            BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
