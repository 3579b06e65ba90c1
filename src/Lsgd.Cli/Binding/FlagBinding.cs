using System.CommandLine;
using System.Globalization;

namespace Lsgd.Cli.Binding;

/// <summary>The spellings a flag accepts for an enum option, both ways: spelling → member and member → spelling.</summary>
internal interface IChoices
{
    /// <summary>The spellings in the order help and errors list them.</summary>
    IReadOnlyList<string> Spellings { get; }

    /// <summary>The spelling of a member given by its name (as library messages write it), or null when it has none.</summary>
    string? SpellMember(string member);

    /// <summary>The spelling of a value of the option's type, or null when it has none.</summary>
    string? Spell(object? value);
}

/// <summary>An enum's command-line spellings, e.g. <c>cg</c> ↔ <see cref="Estimators.SolverMethod.ConjugateGradient"/>.</summary>
internal sealed class Choices<T>(params (string Spelling, T Value)[] pairs) : IChoices where T : struct, Enum
{
    public IReadOnlyList<string> Spellings { get; } = [.. pairs.Select(p => p.Spelling)];

    /// <summary>The member spelled <paramref name="spelling"/> (System.CommandLine has already refused other spellings).</summary>
    public T Parse(string spelling)
    {
        foreach (var (s, v) in pairs)
            if (s == spelling)
                return v;
        throw new LsgdException($"'{spelling}' is not allowed: it must be one of {string.Join(", ", Spellings)}.");
    }

    /// <summary>The spelling of <paramref name="value"/>.</summary>
    public string Format(T value)
    {
        foreach (var (s, v) in pairs)
            if (EqualityComparer<T>.Default.Equals(v, value))
                return s;
        return value.ToString().ToLowerInvariant();
    }

    public string? SpellMember(string member) =>
        Enum.TryParse(member, ignoreCase: false, out T value) && Enum.IsDefined(value) ? Format(value) : null;

    public string? Spell(object? value) => value is T t ? Format(t) : null;
}

/// <summary>Spellings that are plain names (e.g. optimizer names): each spelling is its own value.</summary>
internal sealed class NameChoices(IReadOnlyList<string> names) : IChoices
{
    public IReadOnlyList<string> Spellings { get; } = names;

    public string? SpellMember(string member) => Spellings.Contains(member) ? member : null;

    public string? Spell(object? value) => value is string s && Spellings.Contains(s) ? s : null;
}

/// <summary>
/// One row of a binder table: a library option (its name as core messages and <see cref="InvalidOptionException"/>
/// give it, e.g. <c>Penalty.L2</c>), the flag that sets it, its help, its spellings and the CLI's default.
/// </summary>
/// <param name="Option">The option's name in the library (dotted for a nested option).</param>
/// <param name="Flag">The flag, e.g. <c>--l2</c>.</param>
/// <param name="Help">The help text.</param>
internal sealed record FlagBinding(string Option, string Flag, string Help)
{
    /// <summary>Other names of the flag, e.g. <c>-m</c>.</summary>
    public string[] Aliases { get; init; } = [];

    /// <summary>The accepted spellings of an enum (or named) option; null for numbers, booleans and free text.</summary>
    public IChoices? Choices { get; init; }

    /// <summary>The CLI's default, as the flag's value type holds it (null: the flag has none, or unset).</summary>
    public object? Default { get; init; }

    /// <summary>The flag switches the option off (<c>--no-standardize</c> sets <c>Standardize = false</c>).</summary>
    public bool Negates { get; init; }

    /// <summary>Reads the option from the library's default record, for the table of defaults (null: not a record member).</summary>
    public Func<object, object?>? Library { get; init; }

    /// <summary>Why the CLI's default differs from the library's (required when they differ; docs/CLI.md shows it).</summary>
    public string? Why { get; init; }

    /// <summary>A System.CommandLine option for this flag with its help, default and spellings.</summary>
    public Option<T> Create<T>(object? defaultOverride = null)
    {
        var option = new Option<T>(Flag, Aliases) { Description = Help };
        object? fallback = defaultOverride ?? Default;
        if (fallback is not null and not T)
            throw new InvalidOperationException($"The default of {Flag} is a {fallback.GetType().Name}, not a {typeof(T).Name}.");
        if (fallback is T value && value is not false)   // a switch is off unless given: help shows no default
            option.DefaultValueFactory = _ => value;
        if (Choices is not null)
            option.AcceptOnlyFromAmong([.. Choices.Spellings]);
        return option;
    }

    /// <summary>A flag's value as the command line spells it: a choice's spelling, <c>on</c>/<c>off</c> for a switch, invariant numbers, <c>unset</c> for null.</summary>
    public string Spell(object? value)
    {
        if (Choices?.Spell(value) is { } choice)
            return choice;
        return value switch
        {
            null => "unset",
            bool b => b ? "on" : "off",
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            TimeSpan t => t.TotalSeconds.ToString("R", CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
    }

    /// <summary>
    /// The flag for a reference in a core message (<see cref="OptionText"/>): <c>`Method = Exact`</c> becomes
    /// <c>--method exact</c>, <c>`Penalty.L2`</c> becomes <c>--l2</c>, a value without a spelling is kept as written.
    /// </summary>
    public string Rewrite(string? value) =>
        value is null ? Flag
        : Negates ? Flag
        : $"{Flag} {Choices?.SpellMember(value) ?? value}";
}

/// <summary>
/// Where one command sets a default of its own instead of the row's (e.g. <c>demo</c>'s α = 0.01).
/// </summary>
/// <param name="Command">The command, e.g. <c>demo</c>.</param>
/// <param name="Option">The option's name in the table.</param>
/// <param name="Value">The command's default, as the flag's value type holds it.</param>
/// <param name="Why">Why it differs from the library's default (shown in docs/CLI.md when it does).</param>
internal sealed record CommandDefault(string Command, string Option, object Value, string Why);

/// <summary>The binder table of one options record: which flag sets each of its options.</summary>
/// <param name="Record">The record's name, e.g. <c>LinearRegressorOptions</c>.</param>
/// <param name="Defaults">A record with the library's defaults (null when the table is not a record's).</param>
/// <param name="Rows">One row per bound option.</param>
internal sealed record BinderTable(string Record, object? Defaults, IReadOnlyList<FlagBinding> Rows)
{
    /// <summary>The commands whose flags these are, e.g. <c>demo</c> and <c>fit</c>.</summary>
    public IReadOnlyList<string> Commands { get; init; } = [];

    /// <summary>Where a command departs from the rows' defaults.</summary>
    public IReadOnlyList<CommandDefault> CommandDefaults { get; init; } = [];

    /// <summary>The defaults <paramref name="command"/> sets itself, by option name (for the flags' constructors).</summary>
    public IReadOnlyDictionary<string, object> DefaultsOf(string command) =>
        CommandDefaults.Where(d => d.Command == command).ToDictionary(d => d.Option, d => d.Value);

    /// <summary>The row of <paramref name="option"/>.</summary>
    public FlagBinding this[string option] =>
        Rows.FirstOrDefault(r => r.Option == option) ?? throw new KeyNotFoundException($"{Record} binds no option {option}.");

    /// <summary>The library's default of a row's option, spelled (null when the row reads no record member).</summary>
    public string? LibraryDefault(FlagBinding row) =>
        row.Library is { } read && Defaults is not null ? row.Spell(read(Defaults)) : null;

    /// <summary>
    /// The default <paramref name="command"/> gives a row's option, spelled in the option's terms (a switch that
    /// negates, such as <c>--no-standardize</c> off, is the option on), and the command's own default if it sets one.
    /// </summary>
    public (string Value, CommandDefault? Own) CliDefault(FlagBinding row, string command)
    {
        var own = CommandDefaults.FirstOrDefault(d => d.Command == command && d.Option == row.Option);
        object? value = own is not null ? own.Value : row.Default;
        return (row.Spell(row.Negates && value is bool off ? !off : value), own);
    }
}
