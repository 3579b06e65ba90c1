using System.Text.RegularExpressions;
using Lsgd.Cli.Binding;

namespace Lsgd.Cli.Tests;

/// <summary>
/// The binder tables: spellings both ways, core messages' option references spelled as flags, and the one table of
/// library-vs-CLI defaults in docs/CLI.md (regenerate it with <c>LSGD_ACCEPT_DOCS=1</c> after an intended change).
/// </summary>
public partial class BinderTableTest
{
    private static readonly Dictionary<string, (IChoices Choices, Type Type)> Choices = new()
    {
        ["--method (fit)"] = (LinearRegressorBinder.Method, typeof(Estimators.SolverMethod)),
        ["--engine"] = (LinearRegressorBinder.Engine, typeof(Estimators.EngineKind)),
        ["--loss"] = (GradientDescentBinder.Loss, typeof(Models.LossScaling)),
        ["--init"] = (GradientDescentBinder.Init, typeof(Training.Initialization)),
        ["--method (pca)"] = (ApplicationBinders.PcaMethods, typeof(Applications.Pca.PcaMethod)),
        ["--method (classify)"] = (ApplicationBinders.ClassifierMethods, typeof(Estimators.SolverMethod)),
        ["--encoding"] = (ApplicationBinders.Encodings, typeof(Applications.Classification.TargetEncoding)),
    };

    public static TheoryData<string> AllChoices => new(Choices.Keys);

    [Theory]
    [MemberData(nameof(AllChoices))]
    public void EveryEnumMemberHasOneSpellingThatReadsBackToIt(string flag)
    {
        var (choices, type) = Choices[flag];
        Assert.Equal(choices.Spellings.Count, choices.Spellings.Distinct().Count());
        foreach (object member in Enum.GetValues(type))
        {
            string? spelling = choices.Spell(member);
            Assert.True(spelling is not null, $"{flag}: {member} has no spelling");
            Assert.Contains(spelling, choices.Spellings);
            Assert.Equal(spelling, choices.SpellMember(member.ToString()!));
        }
        Assert.Equal(Enum.GetValues(type).Length, choices.Spellings.Count);
    }

    [Fact]
    public void ParseAndFormatAreInverse()
    {
        foreach (var method in Enum.GetValues<Estimators.SolverMethod>())
            Assert.Equal(method, LinearRegressorBinder.Method.Parse(LinearRegressorBinder.Method.Format(method)));
        Assert.Equal("stats", LinearRegressorBinder.Engine.Format(Estimators.EngineKind.Statistics));
        Assert.Equal(Models.LossScaling.Mean, GradientDescentBinder.Loss.Parse("mean"));
    }

    [Fact]
    public void CoreReferencesBecomeFlagsWithTheirSpellings()
    {
        Assert.Equal("Use --method cg for ridge, or --method gd for lasso; add --l2; try --learning-rate 0.0169.",
            Binders.Rewrite("Use `Method = ConjugateGradient` for ridge, or `Method = GradientDescent` for lasso; add `Penalty.L2`; try `LearningRate = 0.0169`."));
        Assert.Equal("Use --engine stats.", Binders.Rewrite("Use `Engine = Statistics`."));
        Assert.Equal("Keep `NoSuchOption` as written.", Binders.Rewrite("Keep `NoSuchOption` as written."));
    }

    [Fact]
    public void TheExactSolverRefusingAPenaltyTellsTheCliUserWhichFlags()
    {
        var r = CliRunner.Run("fit", CliRunner.Nist("Norris"), "--target", "y", "--method", "exact", "--l2", "1");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("lsgd: error: The exact solver fits plain least squares, without a penalty (got L1 = 0, L2 = 1). " +
            "Use --method cg for ridge, or --method gd for lasso and elastic net.", r.Error.TrimEnd());
    }

    /// <summary>Every option a core message names (in src/Lsgd) has a flag, and every value it suggests a spelling.</summary>
    [Fact]
    public void EveryOptionNamedInCoreMessagesHasAFlag()
    {
        int references = 0;
        foreach (string file in Directory.EnumerateFiles(Path.Combine(CliRunner.RepositoryRoot(), "src", "Lsgd"), "*.cs", SearchOption.AllDirectories))
            foreach (Match m in Reference().Matches(string.Join("\n", File.ReadLines(file).Where(l => !l.TrimStart().StartsWith("//", StringComparison.Ordinal)))))
            {
                references++;
                string name = m.Groups["name"].Value;
                var row = Binders.Find(name);
                Assert.True(row is not null, $"{Path.GetFileName(file)}: `{name}` has no flag in the binder tables");
                if (m.Groups["value"].Success && row.Choices is not null && !m.Groups["value"].Value.Contains('{'))
                    Assert.True(row.Choices.SpellMember(m.Groups["value"].Value) is not null,
                        $"{Path.GetFileName(file)}: `{name} = {m.Groups["value"].Value}` has no spelling for {row.Flag}");
            }
        Assert.True(references >= 20, $"only {references} references found: has the format changed?");
    }

    /// <summary>Core messages name options, not flags (the exact solver's message waits for its file's owner).</summary>
    [Fact]
    public void CoreMessagesNameNoFlags()
    {
        string root = Path.Combine(CliRunner.RepositoryRoot(), "src", "Lsgd");
        var offenders = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: Path.GetRelativePath(root, f), Line: i + 1, Text: line.Trim())))
            .Where(l => !l.Text.StartsWith("//", StringComparison.Ordinal) && FlagInString().IsMatch(l.Text))
            .Select(l => $"{l.File}:{l.Line}: {l.Text}")
            .ToList();
        Assert.True(offenders.Count == 0, "core messages naming flags:\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void EveryDefaultTheCliChangesSaysWhy()
    {
        var lines = Binders.DefaultsTable().Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(2).ToList();
        Assert.NotEmpty(lines);
        Assert.All(lines, line => Assert.False(line.EndsWith("|  |", StringComparison.Ordinal), "no reason given: " + line));
    }

    [Fact]
    public void DocsTableOfDefaultsIsTheBinderTables()
    {
        string path = Path.Combine(CliRunner.RepositoryRoot(), "docs", "CLI.md");
        string docs = File.ReadAllText(path);
        int begin = docs.IndexOf(Binders.DefaultsBegin, StringComparison.Ordinal);
        int end = docs.IndexOf(Binders.DefaultsEnd, StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, $"docs/CLI.md lacks the lines {Binders.DefaultsBegin} and {Binders.DefaultsEnd}");
        string expected = Binders.DefaultsBegin + "\n" + Binders.DefaultsTable() + Binders.DefaultsEnd;
        string actual = docs[begin..(end + Binders.DefaultsEnd.Length)];
        if (actual != expected && Environment.GetEnvironmentVariable("LSGD_ACCEPT_DOCS") == "1")
        {
            File.WriteAllText(path, docs[..begin] + expected + docs[(end + Binders.DefaultsEnd.Length)..]);
            return;
        }
        Assert.Equal(expected, actual);
    }

    [GeneratedRegex(@"`(?<name>[A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z][A-Za-z0-9]*)*)(?: = (?<value>[^`""]+))?`")]
    private static partial Regex Reference();

    [GeneratedRegex(@"""[^""]*\s--[a-z][a-z-]+|""--[a-z][a-z-]+")]
    private static partial Regex FlagInString();
}
