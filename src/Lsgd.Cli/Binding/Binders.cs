namespace Lsgd.Cli.Binding;

/// <summary>
/// Every binder table, and the one place the command line turns the library's option names into its flags:
/// <see cref="InvalidOptionException"/>s and the <see cref="OptionText"/> references in core messages.
/// </summary>
internal static class Binders
{
    /// <summary>The tables, first match wins when two records share an option name (they then share the flag).</summary>
    public static IReadOnlyList<BinderTable> All { get; } =
    [
        LinearRegressorBinder.Table,
        GradientDescentBinder.Table,
        CrossValidationBinder.Table,
        ApplicationBinders.FeatureSpec,
        ApplicationBinders.Fit,
        ApplicationBinders.Pca,
        ApplicationBinders.Classifier,
        ApplicationBinders.Split,
        ApplicationBinders.Head,
        ApplicationBinders.Embedding,
        ApplicationBinders.Finetune,
        ApplicationBinders.Curve,
    ];

    /// <summary>The row binding <paramref name="option"/>: by its full name, then case-insensitively, then by its last dotted part.</summary>
    public static FlagBinding? Find(string option)
    {
        var rows = All.SelectMany(t => t.Rows).ToList();
        return rows.FirstOrDefault(r => r.Option == option)
            ?? rows.FirstOrDefault(r => string.Equals(r.Option, option, StringComparison.OrdinalIgnoreCase))
            ?? rows.FirstOrDefault(r => string.Equals(r.Option.Split('.')[^1], option.Split('.')[^1], StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The flag of a library option, or the option's own name when no flag sets it.</summary>
    public static string FlagOf(string option) => Find(option)?.Flag ?? option;

    /// <summary>A core message with every option reference spelled as its flag (unknown references are kept).</summary>
    public static string Rewrite(string message) =>
        OptionText.Rewrite(message, (name, value) => Find(name)?.Rewrite(value));

    /// <summary>A refused option value as the command line reports it: "--learning-rate -1 is not allowed: …".</summary>
    public static string Describe(InvalidOptionException e, string? flag = null) =>
        Rewrite(e.Describe(flag ?? FlagOf(e.OptionName)));

    /// <summary>The line before the table of defaults in docs/CLI.md.</summary>
    public const string DefaultsBegin = "<!-- defaults: generated from src/Lsgd.Cli/Binding by Binders.DefaultsTable(); BinderTableTest fails when it drifts -->";

    /// <summary>The line after it.</summary>
    public const string DefaultsEnd = "<!-- end of defaults -->";

    /// <summary>
    /// The one table of every default the command line sets differently from the library, with why: each bound
    /// option whose CLI default (or a command's own) is not the library record's.
    /// </summary>
    public static string DefaultsTable()
    {
        var text = new System.Text.StringBuilder();
        text.Append("| command | library option | flag | library default | CLI default | why |\n");
        text.Append("|---|---|---|---|---|---|\n");
        foreach (var table in All)
        {
            if (table.Defaults is null)
                continue;
            foreach (string command in table.Commands)
                foreach (var row in table.Rows)
                {
                    if (table.LibraryDefault(row) is not { } library)
                        continue;
                    var (cli, own) = table.CliDefault(row, command);
                    if (cli == library)
                        continue;
                    text.Append($"| `{command}` | `{table.Record}.{row.Option}` | `{row.Flag}` | `{library}` | `{cli}` | {own?.Why ?? row.Why} |\n");
                }
        }
        return text.ToString();
    }
}
