using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Lsgd.Embeddings;
using Lsgd.IO;

namespace Lsgd.Cli.Tests;

/// <summary>
/// The conventions every command shares (docs/CLI.md, "Conventions"): --json, --quiet and --verbose with one meaning,
/// NO_COLOR, progress only on a terminal, grouped help and completion, the exit codes, files written only where told,
/// and the cache kept out of the user's home during tests.
/// </summary>
public partial class ConventionsTest
{
    private static RootCommand Root() =>
        Cli.CreateRoot(new CliContext(TextWriter.Null, TextWriter.Null, false, default), _ => { });

    /// <summary>Every command that runs, as its words after <c>lsgd</c> ("fit", "cluster status").</summary>
    public static TheoryData<string> LeafCommands()
    {
        var data = new TheoryData<string>();
        foreach (var command in CommonFlags.Leaves(Root()))
        {
            var words = new List<string>();
            for (Symbol? s = command; s is Command c && s is not RootCommand; s = s.Parents.FirstOrDefault())
                words.Insert(0, c.Name);
            data.Add(string.Join(' ', words));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(LeafCommands))]
    public void EveryCommandAcceptsJsonQuietAndVerbose(string command)
    {
        var root = Root();
        string[] words = command.Split(' ');
        foreach (string[] flags in new[] { new[] { "--json" }, ["--quiet"], ["-q"], ["--verbose"], ["--json", "--quiet"] })
        {
            var parse = root.Parse([.. words, .. flags]);
            Assert.Equal(command, string.Join(' ', words));
            Assert.Empty(parse.UnmatchedTokens);
            Assert.DoesNotContain(parse.Errors, e => flags.Any(f => e.Message.Contains(f, StringComparison.Ordinal)));
            foreach (string flag in flags)
                Assert.True(parse.GetValue<bool>(flag == "-q" ? "--quiet" : flag), $"lsgd {command} {flag}");
        }
    }

    [Fact]
    public void QuietSilencesWarningsButKeepsTheResult()
    {
        using var t = new TempFolder();
        string csv = t.File("pets.csv", "x,name,y\n1,a,2.1\n2,b,3.9\n3,c,6.2\n4,d,7.8\n5,e,10.1\n");
        var loud = CliRunner.Run("fit", csv, "--target", "y");
        var quiet = CliRunner.Run("fit", csv, "--target", "y", "--quiet");
        Assert.Equal(0, loud.ExitCode);
        Assert.Equal(0, quiet.ExitCode);
        Assert.Contains("lsgd: warning:", loud.Error);
        Assert.Equal("", quiet.Error);
        Assert.Equal(WithoutTimes(loud.Output), WithoutTimes(quiet.Output));
    }

    private static string WithoutTimes(string text) => NumberPattern().Replace(text, "#");

    [GeneratedRegex(@"\d+(\.\d+)?( s|s)\b")]
    private static partial Regex NumberPattern();

    [Fact]
    public void QuietAndVerboseTogetherAreOneUserError()
    {
        var r = CliRunner.Run("demo", "--quiet", "--verbose");
        Assert.Equal(Cli.UserError, r.ExitCode);
        Assert.Equal("lsgd: error: --quiet and --verbose contradict each other: give one of them (or neither).", r.Error.TrimEnd());
        Assert.Equal("", r.Output);
    }

    [Fact]
    public void VerboseNotesGoToStandardErrorAndLeaveTheJsonAlone()
    {
        var r = CliRunner.Run("demo", "--json", "--verbose");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(System.Text.Json.JsonValueKind.Object, r.Json.ValueKind);
        Assert.Matches(@"^lsgd: 'lsgd demo' took \d+\.\d\d s; exit code 0\.$", r.Error.TrimEnd());
        Assert.Equal("", CliRunner.Run("demo", "--json").Error);
    }

    [Fact]
    public void RootFlagsWorkBeforeTheCommandToo()
    {
        var r = CliRunner.Run("--verbose", "demo", "--json");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("'lsgd demo' took", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void NoColorTurnsColourOffAndLeavesNoEscapeCodes()
    {
        var colour = new CliContext(TextWriter.Null, TextWriter.Null, interactive: true, default, _ => null);
        var noColour = new CliContext(TextWriter.Null, TextWriter.Null, interactive: true, default, v => v == "NO_COLOR" ? "1" : null);
        var emptyNoColour = new CliContext(TextWriter.Null, TextWriter.Null, interactive: true, default, v => v == "NO_COLOR" ? "" : null);
        var pipe = new CliContext(TextWriter.Null, TextWriter.Null, interactive: false, default, _ => null);
        Assert.True(colour.Colour);
        Assert.False(noColour.Colour);
        Assert.True(emptyNoColour.Colour);   // no-color.org: set to a non-empty value
        Assert.False(pipe.Colour);
        Assert.False(noColour.Console.Profile.Capabilities.Ansi);
        Assert.Equal(Spectre.Console.ColorSystem.NoColors, noColour.Console.Profile.Capabilities.ColorSystem);
        colour.Configure("lsgd fit", json: true, quiet: false, verbose: false);
        Assert.False(colour.Colour);   // JSON is never coloured

        foreach (string[] args in new[] { new[] { "demo" }, ["fit", CliRunner.Nist("Norris"), "--target", "y", "--method", "exact"], ["compare", "--help"] })
        {
            var output = new StringWriter();
            var error = new StringWriter();
            int code = Cli.Run(args, output, error, interactive: true, v => v == "NO_COLOR" ? "1" : null, default);
            Assert.Equal(0, code);
            Assert.DoesNotContain('\u001b', output.ToString());
        }
    }

    [Fact]
    public void ProgressShowsOnlyOnATerminalWithoutJsonOrQuiet()
    {
        CliContext Context(bool interactive, bool json, bool quiet)
        {
            var c = new CliContext(TextWriter.Null, TextWriter.Null, interactive, default, _ => null);
            c.Configure("lsgd fit", json, quiet, verbose: false);
            return c;
        }
        Assert.True(Context(interactive: true, json: false, quiet: false).ShowProgress);
        Assert.False(Context(interactive: false, json: false, quiet: false).ShowProgress);
        Assert.False(Context(interactive: true, json: true, quiet: false).ShowProgress);
        Assert.False(Context(interactive: true, json: false, quiet: true).ShowProgress);

        // Without progress the line is a no-op and the work still runs.
        var none = Context(interactive: false, json: false, quiet: false);
        Assert.Equal(42, none.WithProgress("work", 10, line =>
        {
            Assert.False(line.Visible);
            Assert.Null(line.As<int>((_, _) => { }));
            line.Report(5);
            return 42;
        }));

        // On a pipe, a long fit prints nothing on standard error.
        var fit = CliRunner.Run("fit", CliRunner.Nist("Norris"), "--target", "y", "--method", "gd", "--json");
        Assert.Equal(0, fit.ExitCode);
        Assert.Equal("", fit.Error);
    }

    [Fact]
    public void HelpListsEveryCommandOnceUnderItsGroup()
    {
        var r = CliRunner.Run("--help");
        Assert.Equal(0, r.ExitCode);
        var root = Root();
        Assert.Equal(root.Subcommands.Select(c => c.Name).Order(), Cli.Groups.SelectMany(g => g.Commands).Order());
        var lines = r.Output.Split('\n');
        foreach (var (title, commands) in Cli.Groups)
        {
            int heading = Array.IndexOf(lines, title + ":");
            Assert.True(heading >= 0, $"no heading '{title}:' in\n{r.Output}");
            for (int i = 0; i < commands.Length; i++)
                Assert.StartsWith($"  {commands[i]} ", lines[heading + 1 + i], StringComparison.Ordinal);
        }
        foreach (var command in root.Subcommands)
            Assert.Single(lines, l => l.StartsWith($"  {command.Name} ", StringComparison.Ordinal));
        Assert.Contains("  -q, --quiet", r.Output, StringComparison.Ordinal);
        Assert.Contains("  --verbose", r.Output, StringComparison.Ordinal);
        // A command's own help is System.CommandLine's, with the shared flags.
        var fit = CliRunner.Run("fit", "--help");
        Assert.Equal(0, fit.ExitCode);
        Assert.Contains("--quiet", fit.Output, StringComparison.Ordinal);
        Assert.Contains("--json", fit.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void SuggestDirectiveCompletesCommandsAndFlagsForDotnetSuggest()
    {
        var commands = CliRunner.Run("[suggest:6]", "lsgd f");
        Assert.Equal(0, commands.ExitCode);
        var suggested = commands.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("fit", suggested);
        Assert.Contains("finetune", suggested);
        Assert.DoesNotContain("demo", suggested);
        var flags = CliRunner.Run("[suggest:15]", "lsgd fit --verb");
        Assert.Equal(["--verbose"], flags.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var values = CliRunner.Run("[suggest:20]", "lsgd fit --engine st");
        Assert.Equal(["stats", "stream"], values.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void TheExitCodeTableOfTheDocsListsEveryCodeAndTheCodesAreThoseReturned()
    {
        string docs = File.ReadAllText(Path.Combine(CliRunner.RepositoryRoot(), "docs", "CLI.md"));
        string table = docs[docs.IndexOf("**Exit codes**", StringComparison.Ordinal)..];
        table = table[..table.IndexOf("\n\n", table.IndexOf("| code", StringComparison.Ordinal), StringComparison.Ordinal)];
        var codes = ExitCodeRow().Matches(table).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(new[] { Cli.Ok, Cli.InternalError, Cli.UserError, Cli.Cancelled }.Order(), codes.Order());

        Assert.Equal(Cli.Ok, CliRunner.Run("demo", "--json").ExitCode);
        Assert.Equal(Cli.Ok, CliRunner.Run("--help").ExitCode);
        Assert.Equal(Cli.UserError, CliRunner.Run("frobnicate").ExitCode);
        Assert.Equal(Cli.UserError, CliRunner.Run("fit", "no-such-file.csv", "--target", "y", "--json").ExitCode);
        Assert.Equal(Cli.UserError, CliRunner.Run("compare", "--gap", "2", "--quiet").ExitCode);
    }

    [GeneratedRegex(@"^\|\s*(\d+)\s*\|", RegexOptions.Multiline)]
    private static partial Regex ExitCodeRow();

    [Fact]
    public void FinetuneWithoutOutputPutsItsHeadNextToTheDataAndSaysWhere()
    {
        using var t = new TempFolder();
        var (csv, npy) = PetData(t);
        string expected = Path.Combine(t.Path, "pets.head.json");
        string[] before = Directory.GetFiles(Environment.CurrentDirectory);

        var json = CliRunner.Run("finetune", csv, "--text", "text", "--target", "animal", "--embeddings", npy, "--no-bag-of-words", "--json");
        Assert.Equal(0, json.ExitCode);
        Assert.Equal(expected, json.Json.GetProperty("head_file").GetString());
        Assert.True(File.Exists(expected));
        File.Delete(expected);

        var text = CliRunner.Run("finetune", csv, "--text", "text", "--target", "animal", "--embeddings", npy, "--no-bag-of-words");
        Assert.Equal(0, text.ExitCode);
        Assert.Contains($"Head written to {expected}", text.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(expected));
        Assert.Equal(before.Order(), Directory.GetFiles(Environment.CurrentDirectory).Order());
        Assert.Equal(expected, Commands.FinetuneCommand.DefaultHeadPath(csv));
        Assert.Equal("pets.head.json", Commands.FinetuneCommand.DefaultHeadPath("pets.csv"));
        Assert.Equal(Path.Join("data", "pets.head.json"), Commands.FinetuneCommand.DefaultHeadPath(Path.Join("data", "pets.csv")));
    }

    [Fact]
    public void PredictOutSaysWhatItWroteOnStandardErrorNotInTheData()
    {
        using var t = new TempFolder();
        string model = t.File("model.json");
        Assert.Equal(0, CliRunner.Run("fit", CliRunner.Nist("Norris"), "--target", "y", "--method", "exact", "--output", model, "--quiet").ExitCode);
        string predictions = t.File("predictions.csv");

        var r = CliRunner.Run("predict", model, CliRunner.Nist("Norris"), "--out", predictions);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.Output);
        Assert.Equal($"lsgd: wrote 36 predictions (y) to {predictions}", r.Error.TrimEnd());
        Assert.Equal(37, File.ReadAllLines(predictions).Length);

        var json = CliRunner.Run("predict", model, CliRunner.Nist("Norris"), "--out", predictions, "--json");
        Assert.Equal(predictions, json.Json.GetProperty("out").GetString());
        Assert.Equal("", json.Error);
        Assert.Equal("", CliRunner.Run("predict", model, CliRunner.Nist("Norris"), "--out", predictions, "--quiet").Error);
    }

    [Fact]
    public void CommandsWriteOnlyWhereTold()
    {
        using var t = new TempFolder();
        string data = Path.Combine(t.Path, "data");
        Directory.CreateDirectory(data);
        string csv = Path.Combine(data, "norris.csv");
        File.Copy(CliRunner.Nist("Norris"), csv);
        string outputs = Path.Combine(t.Path, "out");
        Directory.CreateDirectory(outputs);
        string[] cwd = Directory.GetFiles(Environment.CurrentDirectory);
        string[] cache = Directory.Exists(TestCache.Directory) ? Directory.GetFiles(TestCache.Directory, "*", SearchOption.AllDirectories) : [];

        Assert.Equal(0, CliRunner.Run("fit", csv, "--target", "y").ExitCode);
        Assert.Equal(0, CliRunner.Run("fit", csv, "--target", "y", "--output", Path.Combine(outputs, "m.json"), "--influence", Path.Combine(outputs, "i.csv")).ExitCode);
        Assert.Equal(0, CliRunner.Run("predict", Path.Combine(outputs, "m.json"), csv).ExitCode);
        Assert.Equal(0, CliRunner.Run("predict", Path.Combine(outputs, "m.json"), csv, "--out", Path.Combine(outputs, "p.csv")).ExitCode);
        Assert.Equal(0, CliRunner.Run("curve", csv, "--x", "x", "--y", "y", "--model", "poly:2", "--json").ExitCode);
        Assert.Equal(0, CliRunner.Run("demo", "--plot", Path.Combine(outputs, "demo.png")).ExitCode);

        Assert.Equal(["norris.csv"], Directory.GetFiles(data).Select(Path.GetFileName));
        Assert.Equal(["demo.png", "i.csv", "m.json", "p.csv"], Directory.GetFiles(outputs).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal));
        Assert.Equal(cwd.Order(), Directory.GetFiles(Environment.CurrentDirectory).Order());
        Assert.Equal(cache.Order(), (Directory.Exists(TestCache.Directory) ? Directory.GetFiles(TestCache.Directory, "*", SearchOption.AllDirectories) : []).Order());
    }

    [Fact]
    public void TheTestRunCachesInItsOwnFolderNeverInTheUsersHome()
    {
        Assert.Equal(TestCache.Directory, Environment.GetEnvironmentVariable("LSGD_CACHE_DIR"));
        Assert.Equal(Path.Combine(TestCache.Directory, "embeddings"), EmbeddingCache.DefaultDirectory);
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        Assert.False(EmbeddingCache.DefaultDirectory.StartsWith(Path.Combine(home, ".cache"), StringComparison.Ordinal));

        // The built-in encoder, without --cache: its embeddings land in the test's cache folder.
        using var t = new TempFolder();
        var csv = new StringBuilder("text,score\n");
        for (int i = 0; i < 410; i++)   // a head on 384 features needs 385 training rows
            csv.Append(CultureInfo.InvariantCulture, $"a {(i % 2 == 0 ? "happy" : "sad")} day {i},{i % 2}\n");
        var r = CliRunner.Run("finetune", t.File("days.csv", csv.ToString()), "--text", "text", "--target", "score", "--task", "regression",
            "--no-bag-of-words", "--l2", "0.1", "--test-fraction", "0.05", "--validation-fraction", "0", "--json");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(EmbeddingCache.DefaultDirectory, r.Json.GetProperty("cache").GetString());
        Assert.NotEmpty(Directory.GetFiles(EmbeddingCache.DefaultDirectory, "*.npy", SearchOption.AllDirectories));
    }

    /// <summary>30 rows of texts with a class, and 3-d features that separate the classes.</summary>
    private static (string Csv, string Npy) PetData(TempFolder t)
    {
        string[] classes = ["cat", "dog", "fish"];
        var csv = new StringBuilder("text,animal\n");
        var x = new float[30 * 3];
        for (int i = 0; i < 30; i++)
        {
            x[i * 3 + i % 3] = 1;
            x[i * 3 + (i + 1) % 3] = 0.01f * i;
            csv.Append(CultureInfo.InvariantCulture, $"my {classes[i % 3]} {i},{classes[i % 3]}\n");
        }
        string npy = t.File("features.npy");
        NpyFile.Write(npy, x, 30, 3);
        return (t.File("pets.csv", csv.ToString()), npy);
    }
}
