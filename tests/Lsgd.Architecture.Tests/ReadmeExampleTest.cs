using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Lsgd.Architecture.Tests;

/// <summary>
/// The C# example of README.md ("The library") is read from the README, compiled as a program against the
/// built library and run, and what it prints must bear out the README's comments: w ≈ 2, b ≈ 1.
/// </summary>
public partial class ReadmeExampleTest
{
    [Fact]
    public void TheReadmesLibraryExampleCompilesRunsAndFindsTheLine()
    {
        string code = LibraryExample();
        string output = CompileAndRun(code);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 3, "The README example should print three lines; it printed:\n" + output);

        var wb = WAndB().Match(lines[0]);
        Assert.True(wb.Success, $"First line should read 'w = …, b = …': {lines[0]}");
        double w = double.Parse(wb.Groups[1].Value, CultureInfo.InvariantCulture);
        double b = double.Parse(wb.Groups[2].Value, CultureInfo.InvariantCulture);
        Assert.True(Math.Abs(w - 2) < 1e-3 && Math.Abs(b - 1) < 1e-3, $"README claims w ≈ 2, b ≈ 1; the example printed {lines[0]}");

        Assert.True(Enum.TryParse<Lsgd.Training.StopReason>(lines[1], out _), $"Second line should be a stop reason: {lines[1]}");
        double distance = double.Parse(lines[2], CultureInfo.InvariantCulture);
        Assert.InRange(distance, 0, 1e-3);
    }

    [Fact]
    public void AnExampleThatDoesNotCompileIsReportedWithItsErrors()
    {
        // Guards the harness: were compile errors swallowed, a broken README would pass.
        var error = Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => CompileAndRun("var x = new Lsgd.Data.NoSuchType();"));
        Assert.Contains("NoSuchType", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The first ```csharp block after the README's "## The library" heading.</summary>
    private static string LibraryExample()
    {
        string readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md"));
        int section = readme.IndexOf("\n## The library", StringComparison.Ordinal);
        Assert.True(section >= 0, "README.md has no '## The library' section");
        var block = CodeBlock().Match(readme, section);
        Assert.True(block.Success, "README.md's '## The library' section has no ```csharp block");
        return block.Groups[1].Value;
    }

    private static string CompileAndRun(string code)
    {
        // What `dotnet new console` gives a user: implicit usings, then the README's code as top-level statements.
        const string implicitUsings = "global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq; global using System.Threading.Tasks;";
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Append(typeof(LsgdException).Assembly.Location)
            .Distinct()
            .Select(path => MetadataReference.CreateFromFile(path));
        var options = new CSharpParseOptions(LanguageVersion.Latest);
        var compilation = CSharpCompilation.Create("ReadmeExample",
            [CSharpSyntaxTree.ParseText(implicitUsings, options), CSharpSyntaxTree.ParseText(code, options)],
            references,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        var errors = emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        if (!emitted.Success)
            Assert.Fail("The README example does not compile:\n" + string.Join("\n", errors.Select(e => e.ToString())));

        var assembly = Assembly.Load(image.ToArray());
        var entry = assembly.EntryPoint!;
        var writer = new StringWriter(CultureInfo.InvariantCulture);
        var original = Console.Out;
        lock (ConsoleLock)
        {
            Console.SetOut(writer);
            try { entry.Invoke(null, entry.GetParameters().Length == 0 ? null : [Array.Empty<string>()]); }
            finally { Console.SetOut(original); }
        }
        return writer.ToString();
    }

    private static readonly object ConsoleLock = new();

    [GeneratedRegex(@"```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    [GeneratedRegex(@"^w = (\S+), b = (\S+)$")]
    private static partial Regex WAndB();
}
