using System.Reflection;
using PublicApiGenerator;

namespace Lsgd.Architecture.Tests;

/// <summary>
/// Every library's public API, as PublicApiGenerator prints it, equals the approved file checked in beside this
/// test, so any change to the API shows up in review. To accept an intended change, regenerate the files:
/// <c>LSGD_ACCEPT_API=1 dotnet test tests/Lsgd.Architecture.Tests --filter PublicApiTest</c>, then commit them.
/// </summary>
public class PublicApiTest
{
    private const string AcceptVariable = "LSGD_ACCEPT_API";

    public static TheoryData<string> Libraries() => ["Lsgd", "Lsgd.IO", "Lsgd.Plots", "Lsgd.Embeddings", "Lsgd.MLNet", "Lsgd.Cluster"];

    private static readonly Dictionary<string, Assembly> Assemblies = new()
    {
        ["Lsgd"] = typeof(LsgdException).Assembly,
        ["Lsgd.IO"] = typeof(Lsgd.IO.AtomicFile).Assembly,
        ["Lsgd.Plots"] = typeof(Lsgd.Plots.FitPlots).Assembly,
        ["Lsgd.Embeddings"] = typeof(Lsgd.Embeddings.TextEmbedder).Assembly,
        ["Lsgd.MLNet"] = typeof(Lsgd.MLNet.LeastSquaresTrainer).Assembly,
        ["Lsgd.Cluster"] = typeof(Lsgd.Cluster.ClusterConnection).Assembly,
    };

    [Theory]
    [MemberData(nameof(Libraries))]
    public void PublicApiMatchesTheApprovedFile(string library)
    {
        string api = Normalize(Assemblies[library].GeneratePublicApi(new ApiGeneratorOptions { IncludeAssemblyAttributes = false }));
        string path = ApprovedPath(library);
        if (Environment.GetEnvironmentVariable(AcceptVariable) == "1")
        {
            File.WriteAllText(path, api);
            return;
        }
        string approved = File.Exists(path) ? Normalize(File.ReadAllText(path)) : "";
        if (approved == api) return;
        Assert.Fail($"The public API of {library} differs from {Path.GetRelativePath(Repository.Root, path)}:\n" +
            Difference(approved, api) +
            $"\nIf the change is intended, regenerate the approved files and commit them:\n  {AcceptVariable}=1 dotnet test tests/Lsgd.Architecture.Tests --filter PublicApiTest");
    }

    [Fact]
    public void TheApprovedFilesNameThePublicTypes()
    {
        // Guards the snapshot itself: an empty or stale file would approve nothing.
        string approved = File.ReadAllText(ApprovedPath("Lsgd"));
        Assert.Contains("public sealed class Dataset", approved);
        Assert.Contains("public static class ExactLeastSquares", approved);
        Assert.DoesNotContain("Cholesky", approved);
        Assert.DoesNotContain("namespace Lsgd.Internals", approved);
        Assert.DoesNotContain("namespace Lsgd.LinearAlgebra", approved);
    }

    private static string ApprovedPath(string library) =>
        Path.Combine(Repository.Root, "tests", "Lsgd.Architecture.Tests", "PublicApi", library + ".approved.txt");

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd() + "\n";

    /// <summary>Lines only in the approved file (−) and only in the current API (+), at most 40.</summary>
    private static string Difference(string approved, string current)
    {
        var before = approved.Split('\n');
        var after = current.Split('\n');
        var removed = before.Except(after).Select(l => "  - " + l.Trim());
        var added = after.Except(before).Select(l => "  + " + l.Trim());
        var lines = removed.Concat(added).ToArray();
        return string.Join("\n", lines.Take(40)) + (lines.Length > 40 ? $"\n  … and {lines.Length - 40} more lines" : "");
    }
}

internal static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Lsgd.slnx")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Lsgd.slnx not found above " + AppContext.BaseDirectory);
    }
}
