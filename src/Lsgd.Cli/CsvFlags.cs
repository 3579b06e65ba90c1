using System.CommandLine;
using Lsgd.IO;

namespace Lsgd.Cli;

/// <summary>
/// The CSV flags every command that reads a CSV file shares: <c>--separator</c>, <c>--decimal-comma</c> and
/// <c>--missing</c>, read into one <see cref="CsvFormat"/>.
/// </summary>
internal sealed class CsvFlags
{
    public Option<string?> Separator { get; } = new("--separator")
    {
        Description = "CSV field separator: one character (',' ';' '|'), or tab, semicolon, comma, space, pipe. Default: detected from the header line (tab for .tsv).",
    };

    public Option<bool> DecimalComma { get; } = new("--decimal-comma")
    {
        Description = "Numbers are written with a decimal comma (3,25), as European spreadsheets export them; the separator is then ';' unless given.",
    };

    public Option<string> Missing { get; } = new("--missing")
    {
        Description = "Missing values (empty, NA, N/A, NaN, null) in the columns read: error (name the line and column) or drop (skip those rows).",
        DefaultValueFactory = _ => "error",
    };

    public CsvFlags() => Missing.AcceptOnlyFromAmong("error", "drop");

    private bool _missing;

    /// <summary>
    /// Adds the flags to <paramref name="command"/>; <c>--missing</c> only where dropping rows is allowed
    /// (not in <c>predict</c>, which writes one prediction per input row).
    /// </summary>
    public void AddTo(Command command, bool missing = true)
    {
        command.Add(Separator);
        command.Add(DecimalComma);
        if (missing)
            command.Add(Missing);
        _missing = missing;
    }

    /// <summary>The format the flags describe.</summary>
    /// <exception cref="LsgdException">A separator that is not one character (or a known name).</exception>
    public CsvFormat Read(ParseResult parse) => new()
    {
        Separator = ParseSeparator(parse.GetValue(Separator)),
        DecimalComma = parse.GetValue(DecimalComma),
        Missing = _missing && parse.GetValue(Missing) == "drop" ? MissingValues.Drop : MissingValues.Error,
    };

    /// <summary>A separator from its flag text: one character, an escape (\t) or a name; null when not given.</summary>
    internal static char? ParseSeparator(string? text)
    {
        if (text is null) return null;
        char? separator = text.ToLowerInvariant() switch
        {
            "tab" or "\\t" or "\t" => '\t',
            "semicolon" => ';',
            "comma" => ',',
            "space" => ' ',
            "pipe" => '|',
            _ when text.Length == 1 => text[0],
            _ => null,
        };
        if (separator is not { } c || c is '"' or '\n' or '\r' || char.IsLetterOrDigit(c) || c is '.' or '-' or '+')
            throw new LsgdException($"--separator {(text.Length > 20 ? text[..20] + "…" : text)} is not allowed: give one character such as ',' ';' '|' (not a letter, digit, '.', '-', '+' or a quote), or tab. Quote it in the shell: --separator ';'.");
        return c;
    }
}
