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
    };

    public static string NameOf(string option) => ByOption.TryGetValue(option, out var flag) ? flag : option;
}
