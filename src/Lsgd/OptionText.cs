using System.Text.RegularExpressions;

namespace Lsgd;

/// <summary>
/// How messages name an option: <c>`Name`</c> or <c>`Name = Value`</c> in back-quotes, with the library's own option
/// names (<c>`Penalty.L2`</c>, <c>`Method = ConjugateGradient`</c>). A library user reads them as code; a front end
/// rewrites each one to its own spelling with <see cref="Rewrite"/> (the <c>lsgd</c> command line prints
/// <c>--l2</c> and <c>--method cg</c>).
/// </summary>
public static partial class OptionText
{
    /// <summary>The option <paramref name="option"/> as messages name it: <c>`option`</c>.</summary>
    /// <param name="option">The option's name (a dotted path for a nested option, e.g. <c>Penalty.L2</c>).</param>
    public static string Name(string option) => $"`{option}`";

    /// <summary>The option set to a value as messages name it: <c>`option = value`</c> (enum members by name, numbers invariant).</summary>
    /// <param name="option">The option's name.</param>
    /// <param name="value">The value to suggest.</param>
    public static string Set(string option, object value) => $"`{option} = {InvalidOptionException.Format(value)}`";

    /// <summary>
    /// Rewrites every option reference in <paramref name="message"/> through <paramref name="spell"/>, which receives the
    /// option's name and the value (null for a bare name) and returns the replacement, or null to keep the reference as it is.
    /// </summary>
    /// <param name="message">A message from the library.</param>
    /// <param name="spell">The front end's spelling of an option (and value).</param>
    public static string Rewrite(string message, Func<string, string?, string?> spell)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(spell);
        if (!message.Contains('`', StringComparison.Ordinal))
            return message;
        return Reference().Replace(message, m =>
            spell(m.Groups["name"].Value, m.Groups["value"].Success ? m.Groups["value"].Value : null) ?? m.Value);
    }

    /// <summary>The option names a message refers to, in order (for tests and front ends that check their tables).</summary>
    /// <param name="message">A message from the library.</param>
    public static IReadOnlyList<string> References(string message) =>
        [.. Reference().Matches(message).Select(m => m.Groups["name"].Value)];

    [GeneratedRegex(@"`(?<name>[A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z][A-Za-z0-9]*)*)(?: = (?<value>[^`]+))?`")]
    private static partial Regex Reference();
}
