using System.CommandLine;
using System.CommandLine.Help;
using Lsgd.Cli.Binding;
using Lsgd.Cli.Commands;

namespace Lsgd.Cli;

/// <summary>
/// The <c>lsgd</c> command line. Exit codes: 0 success (a fit that did not converge is still a result),
/// 2 a mistake in the command, the data or a file (one line on standard error, no stack trace),
/// 1 an internal error (a bug: please report it).
/// </summary>
public static class Cli
{
    /// <summary>Exit code for success.</summary>
    public const int Ok = 0;

    /// <summary>Exit code for an internal error.</summary>
    public const int InternalError = 1;

    /// <summary>Exit code for a user or data error.</summary>
    public const int UserError = 2;

    /// <summary>
    /// Exit code of every command that Ctrl+C interrupted before it had a result to keep (128 + SIGINT, as shells
    /// use). A fit that stops at Ctrl+C and keeps the parameters reached is a result: it exits 0 with
    /// <c>stop_reason</c> <c>cancelled</c>.
    /// </summary>
    public const int Cancelled = 130;

    /// <summary>Runs the command line <paramref name="args"/>, writing to the given writers.</summary>
    /// <param name="args">The arguments after the program name.</param>
    /// <param name="output">Standard output.</param>
    /// <param name="error">Standard error.</param>
    /// <param name="interactive">Whether a person watches a terminal (enables progress bars and colour).</param>
    /// <param name="cancellation">Signalled by Ctrl+C.</param>
    public static int Run(string[] args, TextWriter output, TextWriter error, bool interactive = false,
        CancellationToken cancellation = default) =>
        Run(args, output, error, interactive, environment: null, cancellation);

    /// <summary>Runs the command line with the environment variables of <paramref name="environment"/> (<c>NO_COLOR</c>; the process's when null).</summary>
    internal static int Run(string[] args, TextWriter output, TextWriter error, bool interactive, Func<string, string?>? environment,
        CancellationToken cancellation)
    {
        var context = new CliContext(output, error, interactive, cancellation, environment);
        int exit = Ok;
        var root = CreateRoot(context, code => exit = code);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int result = Run(root, args, context, error, () => exit, cancellation);
        if (context.Verbose)
            error.WriteLine(string.Format(System.Globalization.CultureInfo.InvariantCulture, "lsgd: '{0}' took {1:F2} s; exit code {2}.",
                context.CommandPath, clock.Elapsed.TotalSeconds, result));
        return result;
    }

    /// <summary>The commands, in the groups <c>lsgd --help</c> lists them by.</summary>
    internal static readonly (string Title, string[] Commands)[] Groups =
    [
        ("Fitting", ["fit", "curve", "classify", "pca", "finetune"]),
        ("Prediction", ["predict"]),
        ("Cluster", ["cluster"]),
        ("Tools", ["demo", "compare", "bench"]),
    ];

    /// <summary>The root command: every command, the shared flags (<see cref="CommonFlags"/>) and the grouped help.</summary>
    internal static RootCommand CreateRoot(CliContext context, Action<int> setExit)
    {
        var root = new RootCommand("lsgd: least-squares fitting by gradient descent, checked against the exact solution.")
        {
            DemoCommand.Create(context, setExit),
            FitCommand.Create(context, setExit),
            PredictCommand.Create(context, setExit),
            CurveCommand.Create(context, setExit),
            PcaCommand.Create(context, setExit),
            ClassifyCommand.Create(context, setExit),
            FinetuneCommand.Create(context, setExit),
            CompareCommand.Create(context, setExit),
            BenchCommand.Create(context, setExit),
            ClusterCommand.Create(context, setExit),
        };
        CommonFlags.AddTo(root);
        return root;
    }

    private static int Run(RootCommand root, string[] args, CliContext context, TextWriter error, Func<int> exit, CancellationToken cancellation)
    {
        ParseResult parse = root.Parse(args);
        if (parse.Action is HelpAction && parse.CommandResult.Command == root)
        {
            CommonFlags.WriteRootHelp(root, Groups, context.Output);
            return Ok;
        }
        if (parse.Errors.Count > 0 && parse.Action is not HelpAction)
        {
            string command = parse.CommandResult.Command == root ? "lsgd" : $"lsgd {parse.CommandResult.Command.Name}";
            if (parse.CommandResult.Command == root && parse.UnmatchedTokens.Count > 0)
            {
                // 'lsgd frobnicate': say that the word is not a command, not that a command is missing.
                string commands = string.Join(", ", root.Subcommands.Select(c => c.Name));
                error.WriteLine($"lsgd: error: {OneLine(Quote(parse.UnmatchedTokens[0]))} is not an lsgd command. The commands are: {commands}. See 'lsgd --help'.");
                return UserError;
            }
            string message = System.Text.RegularExpressions.Regex.Replace(parse.Errors[0].Message, @"\s+", " ").Trim();
            error.WriteLine($"lsgd: error: {OneLine(message)} See '{command} --help'.");
            return UserError;
        }
        try
        {
            CommonFlags.Configure(context, parse);
            int code = parse.Invoke(new InvocationConfiguration { Output = context.Output, Error = error, EnableDefaultExceptionHandler = false });
            return code != 0 ? code : exit();
        }
        catch (InvalidOptionException e)
        {
            error.WriteLine($"lsgd: error: {OneLine(Binders.Describe(e))}");
            return UserError;
        }
        catch (LsgdException e)
        {
            error.WriteLine($"lsgd: error: {OneLine(Binders.Rewrite(e.Message))}");
            return UserError;
        }
        catch (OperationCanceledException e) when (cancellation.IsCancellationRequested)
        {
            error.WriteLine(e is CommandCancelledException c ? $"lsgd: cancelled: {c.Message}" : "lsgd: cancelled while reading the data; nothing was written.");
            return Cancelled;
        }
        catch (OutOfMemoryException e)
        {
            error.WriteLine($"lsgd: error: {OneLine($"out of memory ({e.Message}). The data or the settings need more memory than this machine gives the process: use fewer rows, features or classes, or stream the file (--memory, --engine stream).")}");
            return UserError;
        }
        catch (Exception e)
        {
            error.WriteLine($"lsgd: internal error: {e.GetType().Name}: {e.Message}");
            error.WriteLine("This is a bug in lsgd; please report it with the command you ran. Details:");
            error.WriteLine(e.ToString());
            return InternalError;
        }
    }

    /// <summary>The most characters of an error line.</summary>
    internal const int MaxErrorLength = 1000;

    /// <summary>
    /// <paramref name="message"/> as one line of at most <see cref="MaxErrorLength"/> characters: line breaks and
    /// other control characters (which a file's contents may bring into a message) escaped, the rest cut with "…".
    /// </summary>
    internal static string OneLine(string message)
    {
        var sb = new System.Text.StringBuilder(Math.Min(message.Length, MaxErrorLength) + 1);
        foreach (char c in message)
        {
            if (sb.Length >= MaxErrorLength)
            {
                sb.Append('…');
                break;
            }
            if (c == '\n') sb.Append("\\n");
            else if (c == '\r') sb.Append("\\r");
            else if (c == '\t') sb.Append("\\t");
            else if (char.IsControl(c)) sb.Append("\\x").Append(((int)c).ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            else sb.Append(c);
        }
        return sb.ToString();
    }

    private static string Quote(string token) => token.Length <= 80 ? $"'{token}'" : $"'{token[..80]}…'";
}

/// <summary>A command was cancelled; the message says what was (not) written. <see cref="Cli.Run(string[], TextWriter, TextWriter, bool, CancellationToken)"/> exits with <see cref="Cli.Cancelled"/>.</summary>
internal sealed class CommandCancelledException(string message, Exception inner) : OperationCanceledException(message, inner);
