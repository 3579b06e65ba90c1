using System.Globalization;

namespace Lsgd;

/// <summary>
/// An option was given a value outside its allowed range. The message reads
/// <c>NAME = VALUE is not allowed: it must be ALLOWED. SUGGESTION</c>.
/// </summary>
public sealed class InvalidOptionException : ArgumentOutOfRangeException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="optionName">The option's name, e.g. <c>LearningRate</c>.</param>
    /// <param name="value">The value received.</param>
    /// <param name="allowed">What is allowed, e.g. "a finite number &gt; 0".</param>
    /// <param name="suggestion">What to try, e.g. "Try 0.01."</param>
    public InvalidOptionException(string optionName, object? value, string allowed, string suggestion)
        : base(optionName)
    {
        OptionName = optionName;
        Value = value;
        Allowed = allowed;
        Suggestion = suggestion;
    }

    /// <summary>The option's name in the library, e.g. <c>LearningRate</c>.</summary>
    public string OptionName { get; }

    /// <summary>The value received.</summary>
    public object? Value { get; }

    /// <summary>What is allowed.</summary>
    public string Allowed { get; }

    /// <summary>What to try instead.</summary>
    public string Suggestion { get; }

    /// <inheritdoc />
    public override string Message => Describe($"{OptionName} =");

    /// <summary>
    /// The message with the option shown as <paramref name="displayName"/>, e.g. <c>--learning-rate</c> for
    /// a command-line flag ("--learning-rate -1 is not allowed: …").
    /// </summary>
    public string Describe(string displayName) =>
        $"{displayName} {Format(Value)} is not allowed: it must be {Allowed}. {Suggestion}";

    /// <summary>A value as messages show it: invariant culture, doubles round-trippable.</summary>
    internal static string Format(object? value) => value switch
    {
        null => "null",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
