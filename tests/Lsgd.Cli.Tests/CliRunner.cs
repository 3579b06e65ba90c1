using System.Text.Json;

namespace Lsgd.Cli.Tests;

/// <summary>Runs <c>lsgd</c> in-process and captures what it prints.</summary>
internal static class CliRunner
{
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public JsonElement Json => JsonDocument.Parse(Output).RootElement;
    }

    public static Result Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Cli.Run(args, output, error);
        return new Result(code, output.ToString(), error.ToString());
    }

    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Lsgd.slnx")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Lsgd.slnx not found");
    }

    public static string Nist(string name) => Path.Combine(RepositoryRoot(), "tests", "data", "nist", name + ".csv");
}
