namespace Lsgd.Curves;

/// <summary>
/// A model expression could not be parsed. The message says what was expected, where (a 1-based column) and
/// what was found, e.g. <c>"a*exp(b*x)+": expected a number, a name or '(' at column 11 (end of input)</c>.
/// </summary>
public sealed class ExpressionParseException : LsgdException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="expression">The text that was parsed.</param>
    /// <param name="column">1-based column of the problem (one past the end for "end of input").</param>
    /// <param name="reason">What went wrong, with the column, e.g. "expected ')' at column 9 (end of input)".</param>
    public ExpressionParseException(string expression, int column, string reason)
        : base($"\"{expression}\": {reason}")
    {
        Expression = expression;
        Column = column;
        Reason = reason;
    }

    /// <summary>The text that was parsed.</summary>
    public string Expression { get; }

    /// <summary>1-based column (character position) of the problem; <c>Expression.Length + 1</c> at the end of input.</summary>
    public int Column { get; }

    /// <summary>The message without the quoted expression, so a front end can name its own flag first.</summary>
    public string Reason { get; }
}
