using System.CommandLine;

namespace Lsgd.Cli;

/// <summary>
/// The flags every command takes with one meaning (docs/CLI.md, "Conventions"): <c>--json</c>, <c>--quiet</c> and
/// <c>--verbose</c>. <c>--quiet</c>/<c>-q</c> and <c>--verbose</c> are recursive options of the root, so they are
/// read in one place; <c>--json</c> is added to every command that runs and lacks its own. <see cref="Configure"/>
/// hands their values to <see cref="CliContext"/>, which is where a command reads them.
/// </summary>
internal static class CommonFlags
{
    public const string Json = "--json";
    public const string Quiet = "--quiet";
    public const string Verbose = "--verbose";

    /// <summary>The help of <c>--json</c> where a command does not say what JSON replaces.</summary>
    public const string JsonDescription = "Print one JSON document instead of text.";

    /// <summary>Adds the shared flags to <paramref name="root"/> and <c>--json</c> to every command that runs and lacks it.</summary>
    public static void AddTo(RootCommand root)
    {
        root.Add(new Option<bool>(Quiet, "-q")
        {
            Description = "Print nothing on standard error but errors: no progress, warnings or notes (the result as usual).",
            Recursive = true,
        });
        root.Add(new Option<bool>(Verbose)
        {
            Description = "Print notes on standard error: caches used, files written, the time the command took.",
            Recursive = true,
        });
        foreach (var command in Leaves(root))
            if (!command.Options.Any(o => o.Name == Json))
                command.Add(new Option<bool>(Json) { Description = JsonDescription });
    }

    /// <summary>Every command that runs (has an action), below <paramref name="root"/>.</summary>
    public static IEnumerable<Command> Leaves(Command root) =>
        root.Subcommands.SelectMany(c => c.Subcommands.Count == 0 ? [c] : Leaves(c));

    /// <summary>Sets the context's flags from the parsed command line.</summary>
    /// <exception cref="LsgdException">Both --quiet and --verbose.</exception>
    public static void Configure(CliContext context, ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        bool json = command.Options.Any(o => o.Name == Json) && parse.GetValue<bool>(Json);
        bool quiet = parse.GetValue<bool>(Quiet);
        bool verbose = parse.GetValue<bool>(Verbose);
        if (quiet && verbose)
            throw new LsgdException("--quiet and --verbose contradict each other: give one of them (or neither).");
        var names = new List<string>();
        for (var r = parse.CommandResult; r is not null && r.Command is not RootCommand; r = r.Parent as System.CommandLine.Parsing.CommandResult)
            names.Insert(0, r.Command.Name);
        string path = string.Join(' ', names.Prepend("lsgd"));
        context.Configure(path, json, quiet, verbose);
    }

    /// <summary>
    /// <c>lsgd --help</c>: the commands in <paramref name="groups"/> (Fitting, Prediction, …) instead of one list, then
    /// the root's options. A command's own help (<c>lsgd fit --help</c>) is System.CommandLine's.
    /// </summary>
    public static void WriteRootHelp(RootCommand root, IReadOnlyList<(string Title, string[] Commands)> groups, TextWriter output)
    {
        output.WriteLine("Description:");
        output.WriteLine($"  {root.Description}");
        output.WriteLine();
        output.WriteLine("Usage:");
        output.WriteLine("  lsgd [command] [options]");
        var sections = groups.Select(g => (g.Title, Rows: g.Commands.Select(n => root.Subcommands.First(c => c.Name == n)).Where(c => !c.Hidden)
                .Select(c => (Label: c.Name + string.Concat(c.Arguments.Where(a => !a.Hidden).Select(a => $" <{a.Name}>")), c.Description ?? "")).ToList()))
            .Append(("Options", Rows: root.Options.Where(o => !o.Hidden)
                .Select(o => (Label: string.Join(", ", o.Aliases.Where(a => !a.StartsWith('/')).Order(StringComparer.Ordinal).Append(o.Name)), o.Description ?? "")).ToList()))
            .Where(s => s.Rows.Count > 0).ToList();
        int width = sections.SelectMany(s => s.Rows).Max(r => r.Label.Length) + 2;
        foreach (var (title, rows) in sections)
        {
            output.WriteLine();
            output.WriteLine($"{title}:");
            foreach (var (label, description) in rows)
                output.WriteLine($"  {label.PadRight(width)}{description}");
        }
        output.WriteLine();
        output.WriteLine("'lsgd COMMAND --help' shows a command's flags. Shell completion: see docs/CLI.md (dotnet-suggest).");
    }
}
