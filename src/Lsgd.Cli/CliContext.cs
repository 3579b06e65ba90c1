using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Lsgd.Cli;

/// <summary>Where a command writes, and whether a person is watching (progress bars) or a script (JSON).</summary>
internal sealed class CliContext(TextWriter output, TextWriter error, bool interactive, CancellationToken cancellation)
{
    public TextWriter Output { get; } = output;
    public TextWriter Error { get; } = error;
    public bool Interactive { get; } = interactive;
    public CancellationToken Cancellation { get; } = cancellation;

    /// <summary>A Spectre console over <see cref="Output"/>: colours only on a real terminal; 120 columns when redirected.</summary>
    public IAnsiConsole Console { get; } = CreateConsole(output, interactive);

    private static IAnsiConsole CreateConsole(TextWriter output, bool interactive)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(output),
        Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
        ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        Interactive = interactive ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!interactive)
            console.Profile.Width = 120;
        return console;
    }

    /// <summary>Writes one JSON document (and a newline).</summary>
    public void WriteJson(JsonNode node) =>
        Output.WriteLine(node.ToJsonString(JsonOptions));

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = false,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}

/// <summary>JSON helpers: non-finite numbers become null, since JSON has no NaN.</summary>
internal static class Json
{
    public static JsonNode? Number(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;

    public static JsonArray Numbers(IEnumerable<double> values) => new([.. values.Select(Number)]);

    public static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode?)v)]);
}

/// <summary>Small text helpers for human output.</summary>
internal static class Text
{
    /// <summary>"1 iteration", "2 iterations".</summary>
    public static string Plural(long count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";
}
