using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Spectre.Console;

namespace Lsgd.Cli;

/// <summary>
/// Where a command writes, and how: the conventions every command shares (docs/CLI.md, "Conventions").
/// <list type="bullet">
/// <item><c>--json</c>: the result is one JSON document on standard output; no progress, no colour.</item>
/// <item><c>--quiet</c>: nothing on standard error but errors (no progress, warnings or notes); the result as usual.</item>
/// <item><c>--verbose</c>: notes on standard error (files written, caches used, the time the command took).</item>
/// <item>Progress shows on standard error only when a person watches a terminal, without <c>--json</c> or <c>--quiet</c>.</item>
/// <item>Colour only on a terminal, never with <c>NO_COLOR</c> set (https://no-color.org) or with <c>--json</c>.</item>
/// </list>
/// A command reads these through this class (never its own copy of the flags): <see cref="Cli.Run(string[], TextWriter, TextWriter, bool, CancellationToken)"/> sets them from
/// the shared flags before the command runs.
/// </summary>
internal sealed class CliContext
{
    private readonly TextWriter _error;
    private IAnsiConsole? _console;

    public CliContext(TextWriter output, TextWriter error, bool interactive, CancellationToken cancellation,
        Func<string, string?>? environment = null)
    {
        Output = output;
        _error = error;
        Interactive = interactive;
        Cancellation = cancellation;
        Environment = environment ?? System.Environment.GetEnvironmentVariable;
    }

    public TextWriter Output { get; }

    /// <summary>Standard error for warnings and notes: silent with <c>--quiet</c> (errors go through <see cref="Cli.Run(string[], TextWriter, TextWriter, bool, CancellationToken)"/>, never here).</summary>
    public TextWriter Error => Quiet ? TextWriter.Null : _error;

    /// <summary>Whether a person watches a terminal (standard output and error both are one).</summary>
    public bool Interactive { get; }

    public CancellationToken Cancellation { get; }

    /// <summary>The process environment (a test passes its own).</summary>
    public Func<string, string?> Environment { get; }

    /// <summary>The command that runs, e.g. <c>lsgd cluster status</c>.</summary>
    public string CommandPath { get; private set; } = "lsgd";

    /// <summary><c>--json</c>: one JSON document on standard output.</summary>
    public bool Json { get; private set; }

    /// <summary><c>--quiet</c>: no progress, warnings or notes.</summary>
    public bool Quiet { get; private set; }

    /// <summary><c>--verbose</c>: notes on standard error.</summary>
    public bool Verbose { get; private set; }

    /// <summary>Whether <c>NO_COLOR</c> is set to anything but the empty string (https://no-color.org).</summary>
    public bool NoColor => !string.IsNullOrEmpty(Environment("NO_COLOR"));

    /// <summary>Whether output may carry colour and other ANSI escapes: on a terminal, without NO_COLOR or --json.</summary>
    public bool Colour => Interactive && !NoColor && !Json;

    /// <summary>Whether progress is shown: on a terminal, without --json or --quiet.</summary>
    public bool ShowProgress => Interactive && !Json && !Quiet;

    /// <summary>Sets the shared flags (called by <see cref="Cli.Run(string[], TextWriter, TextWriter, bool, CancellationToken)"/> once the command line is parsed).</summary>
    public void Configure(string commandPath, bool json, bool quiet, bool verbose)
    {
        (CommandPath, Json, Quiet, Verbose) = (commandPath, json, quiet, verbose);
        _console = null;
    }

    /// <summary>A Spectre console over <see cref="Output"/>: colours only when <see cref="Colour"/>; 120 columns when not on a terminal.</summary>
    public IAnsiConsole Console => _console ??= CreateConsole(Output, Interactive, Colour);

    internal static IAnsiConsole CreateConsole(TextWriter output, bool interactive, bool colour)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = colour ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = colour ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!interactive)
            console.Profile.Width = 120;
        return console;
    }

    /// <summary>Writes one JSON document (and a newline).</summary>
    public void WriteJson(JsonNode node) =>
        Output.WriteLine(node.ToJsonString(JsonOptions));

    /// <summary>A note for <c>--verbose</c>: <c>lsgd: MESSAGE</c> on standard error; nothing otherwise.</summary>
    public void Note(string message)
    {
        if (Verbose) _error.WriteLine($"lsgd: {message}");
    }

    /// <summary>
    /// Says that a command wrote <paramref name="what"/> to <paramref name="path"/>, on standard error (never into the
    /// data on standard output): always, unless <c>--quiet</c> or <c>--json</c> (whose document names the file).
    /// </summary>
    public void Wrote(string path, string what)
    {
        if (!Quiet && !Json) _error.WriteLine($"lsgd: wrote {what} to {path}");
        else Note($"wrote {what} to {path}");
    }

    /// <summary>
    /// Runs <paramref name="work"/> with a progress line on standard error when <see cref="ShowProgress"/>: a bar when
    /// <paramref name="total"/> is known, else a spinner with the time spent. Without it, the line is a no-op.
    /// </summary>
    public T WithProgress<T>(string description, double? total, Func<ProgressLine, T> work)
    {
        if (!ShowProgress)
            return work(ProgressLine.None);
        T result = default!;
        ProgressConsole.Progress()
            .AutoClear(true)
            .Columns(new SpinnerColumn(), new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(description), maxValue: total is > 0 ? total.Value : 1);
                task.IsIndeterminate = total is null;
                result = work(new ProgressLine(task));
            });
        return result;
    }

    /// <inheritdoc cref="WithProgress{T}(string, double?, Func{ProgressLine, T})"/>
    public void WithProgress(string description, double? total, Action<ProgressLine> work) =>
        WithProgress<object?>(description, total, line => { work(line); return null; });

    /// <summary>The console progress is drawn on: standard error, so that the result on standard output stays clean.</summary>
    private IAnsiConsole ProgressConsole => _progressConsole ??= AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(_error),
        Ansi = AnsiSupport.Detect,
        ColorSystem = NoColor ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        Interactive = InteractionSupport.Detect,
    });

    private IAnsiConsole? _progressConsole;

    internal static readonly JsonSerializerOptions JsonOptions = new()
    {
        TypeInfoResolver = new Json.WrittenJson.Resolver(),
        WriteIndented = false,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}

/// <summary>One line of progress (a Spectre task), safe to update from several threads; <see cref="None"/> when no progress is shown.</summary>
internal sealed class ProgressLine
{
    private readonly ProgressTask? _task;
    private readonly Lock _gate = new();

    internal ProgressLine(ProgressTask? task) => _task = task;

    /// <summary>A line that shows nothing (on a pipe, with --json or --quiet).</summary>
    public static ProgressLine None { get; } = new(null);

    /// <summary>Whether anything is shown.</summary>
    public bool Visible => _task is not null;

    /// <summary>Moves the bar to <paramref name="value"/> of <paramref name="total"/> (when given), with a new description (when given).</summary>
    public void Report(double value, double? total = null, string? description = null)
    {
        if (_task is null) return;
        lock (_gate)
        {
            if (total is > 0)
            {
                _task.MaxValue = total.Value;
                _task.IsIndeterminate = false;
            }
            _task.Value = value;
            if (description is not null) _task.Description = Markup.Escape(description);
        }
    }

    /// <summary>A new description (a phase of a longer command), the bar unchanged.</summary>
    public void Describe(string description)
    {
        if (_task is null) return;
        lock (_gate) _task.Description = Markup.Escape(description);
    }

    /// <summary>An <see cref="IProgress{T}"/> that maps each report onto this line (on the reporting thread).</summary>
    public IProgress<T>? As<T>(Action<ProgressLine, T> update) =>
        _task is null ? null : new SynchronousProgress<T>(value => update(this, value));
}

/// <summary>JSON helpers: non-finite numbers become null, since JSON has no NaN.</summary>
internal static class Json
{
    public static JsonNode? Number(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;

    public static JsonArray Numbers(IEnumerable<double> values) => new([.. values.Select(Number)]);

    /// <summary>As <see cref="Numbers(IEnumerable{double})"/> for values at hand (a pair of bounds, an array): no enumerator.</summary>
    public static JsonArray Numbers(params ReadOnlySpan<double> values)
    {
        var nodes = new JsonNode?[values.Length];
        for (int i = 0; i < values.Length; i++) nodes[i] = Number(values[i]);
        return new JsonArray(nodes);
    }

    public static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode?)v)]);

    /// <summary>
    /// The values as a JSON array, non-finite ones null, written out once, now: a node that holds the array's text rather
    /// than one node a value. The document reads the same as <see cref="Numbers(ReadOnlySpan{double})"/> gives, byte for byte
    /// (the same writer formats each number); meant for long arrays that are only written, never read back as nodes (the
    /// 15 360 coefficients of a 768 × 20 head, and as many standard errors, t and p values: 94 000 nodes took ≈ 0.1 s to
    /// build and serialise). Thread-safe: the per-output arrays of a report are formatted on every core.
    /// </summary>
    public static JsonNode NumberArray(ReadOnlySpan<double> values)
    {
        var (buffer, writer) = StartWritten(values.Length * 24 + 2);
        using (writer)
        {
            writer.WriteStartArray();
            foreach (double v in values) WriteNumber(writer, v);
            writer.WriteEndArray();
        }
        return Written(buffer);
    }

    /// <summary>
    /// As <see cref="NumberArray"/> for pairs (confidence intervals): [[lo, hi], …], row i of the pairs
    /// (<paramref name="lower"/>[i], <paramref name="upper"/>[i]).
    /// </summary>
    public static JsonNode PairArray(ReadOnlySpan<double> lower, ReadOnlySpan<double> upper)
    {
        var (buffer, writer) = StartWritten(lower.Length * 50 + 2);
        using (writer)
        {
            writer.WriteStartArray();
            for (int i = 0; i < lower.Length; i++)
            {
                writer.WriteStartArray();
                WriteNumber(writer, lower[i]);
                WriteNumber(writer, upper[i]);
                writer.WriteEndArray();
            }
            writer.WriteEndArray();
        }
        return Written(buffer);
    }

    /// <summary>A buffer of about <paramref name="capacity"/> bytes and a writer into it, for text written once (<see cref="NumberArray"/>).</summary>
    private static (ArrayBufferWriter<byte> Buffer, Utf8JsonWriter Writer) StartWritten(int capacity)
    {
        var buffer = new ArrayBufferWriter<byte>(capacity);
        return (buffer, new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true }));
    }

    /// <summary>The node that holds what was written into <paramref name="buffer"/> (the writer flushed and disposed).</summary>
    private static JsonValue Written(ArrayBufferWriter<byte> buffer) =>
        JsonValue.Create(new WrittenJson(buffer.WrittenSpan.ToArray()), WrittenJson.TypeInfo)!;

    /// <summary>A number as <see cref="Number"/>'s node writes it: null when not finite.</summary>
    private static void WriteNumber(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value)) writer.WriteNumberValue(value);
        else writer.WriteNullValue();
    }

    /// <summary>
    /// One node per output, made on every core (<see cref="NumberArray"/>'s formatting is the work), in output order:
    /// an array of <paramref name="count"/> nodes, or the one node itself when <paramref name="multi"/> is false.
    /// </summary>
    public static JsonNode? PerOutput(int count, bool multi, Func<int, JsonNode?> node)
    {
        if (!multi) return node(0);
        var nodes = new JsonNode?[count];
        Parallel.For(0, count, i => nodes[i] = node(i));
        return new JsonArray(nodes);
    }

    /// <summary>
    /// JSON text written already, which a document copies as it is (<see cref="NumberArray"/>). Only the tool's own options
    /// (<see cref="CliContext.WriteJson"/>) know the type: a document with such nodes is for standard output, not for a file
    /// written with other options (a model file's training summary is made of plain nodes).
    /// </summary>
    internal sealed class WrittenJson(byte[] utf8)
    {
        public static readonly JsonTypeInfo<WrittenJson> TypeInfo = Info(CliContext.JsonOptions);

        /// <summary>The type information of <see cref="WrittenJson"/> (and of nothing else) for the tool's options.</summary>
        public sealed class Resolver : IJsonTypeInfoResolver
        {
            public JsonTypeInfo? GetTypeInfo(Type type, JsonSerializerOptions options) => type == typeof(WrittenJson) ? Info(options) : null;
        }

        private static JsonTypeInfo<WrittenJson> Info(JsonSerializerOptions options) => JsonMetadataServices.CreateValueInfo<WrittenJson>(options, new Converter());

        private sealed class Converter : JsonConverter<WrittenJson>
        {
            public override WrittenJson Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
                throw new NotSupportedException("Written JSON is only written.");

            public override void Write(Utf8JsonWriter writer, WrittenJson value, JsonSerializerOptions options) =>
                writer.WriteRawValue(value._utf8, skipInputValidation: true);
        }

        private readonly byte[] _utf8 = utf8;
    }
}

/// <summary>Small text helpers for human output.</summary>
internal static class Text
{
    /// <summary>"1 iteration", "2 iterations".</summary>
    public static string Plural(long count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";
}
