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
        CancellationToken cancellation = default)
    {
        var context = new CliContext(output, error, interactive, cancellation);
        int exit = Ok;
        var root = new RootCommand("lsgd: least-squares fitting by gradient descent, checked against the exact solution.")
        {
            DemoCommand.Create(context, code => exit = code),
            FitCommand.Create(context, code => exit = code),
            PredictCommand.Create(context, code => exit = code),
            CurveCommand.Create(context, code => exit = code),
            PcaCommand.Create(context, code => exit = code),
            ClassifyCommand.Create(context, code => exit = code),
            FinetuneCommand.Create(context, code => exit = code),
            CompareCommand.Create(context, code => exit = code),
            BenchCommand.Create(context, code => exit = code),
            ClusterCommand.Create(context, code => exit = code),
        };

        ParseResult parse = root.Parse(args);
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
            int code = parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
            return code != 0 ? code : exit;
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

/// <summary>A command was cancelled; the message says what was (not) written. <see cref="Cli.Run"/> exits with <see cref="Cli.Cancelled"/>.</summary>
internal sealed class CommandCancelledException(string message, Exception inner) : OperationCanceledException(message, inner);
