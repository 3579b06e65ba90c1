namespace Lsgd.Cli;

/// <summary>The command-line flag behind each library option, so option errors name what the user typed.</summary>
internal static class Flags
{
    private static readonly Dictionary<string, string> ByOption = new()
    {
        ["LearningRate"] = "--learning-rate",
        ["MaxIterations"] = "--max-iterations",
        ["Tolerance"] = "--tolerance",
        ["GradientTolerance"] = "--gradient-tolerance",
        ["TraceIterations"] = "--show",
        ["MaxThreads"] = "--threads",
        ["degree"] = "--degree",
        ["repeat"] = "--repeat",
        ["BatchSize"] = "--batch-size",
        ["Momentum"] = "--momentum",
        ["Patience"] = "--patience",
        ["TimeBudget"] = "--time-budget",
        ["ValidationFraction"] = "--validation-fraction",
        ["L1"] = "--l1",
        ["L2"] = "--l2",
        ["LineSearch"] = "--line-search",
        ["Penalty"] = "--l1/--l2",
        ["Power"] = "--schedule inverse:POWER",
        ["Every"] = "--schedule step:EVERY",
        ["Gamma"] = "--schedule step:EVERY:GAMMA",
        ["MinFactor"] = "--schedule cosine:MIN_FACTOR",
        ["WarmupSteps"] = "--warmup",
        ["Engine"] = "--engine",
    };

    public static string NameOf(string option) => ByOption.TryGetValue(option, out var flag) ? flag : option;
}
