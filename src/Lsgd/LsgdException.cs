namespace Lsgd;

/// <summary>
/// A problem with the user's data or settings that Lsgd can describe in one line: what was received,
/// what is allowed and what to try. Front ends print <see cref="Exception.Message"/> without a stack trace.
/// </summary>
/// <remarks>Internal faults (bugs) are never reported with this type.</remarks>
public class LsgdException : Exception
{
    /// <summary>Creates the exception with a complete, user-facing message.</summary>
    /// <param name="message">One sentence or two: what happened and what to do.</param>
    public LsgdException(string message) : base(message) { }

    /// <summary>Creates the exception with a complete, user-facing message and its cause.</summary>
    /// <param name="message">One sentence or two: what happened and what to do.</param>
    /// <param name="inner">The exception that caused this one.</param>
    public LsgdException(string message, Exception inner) : base(message, inner) { }
}
