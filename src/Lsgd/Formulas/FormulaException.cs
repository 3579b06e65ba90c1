namespace Lsgd.Formulas;

/// <summary>
/// A formula that cannot be read or applied: the message quotes the formula, names the character where the
/// problem is (1-based, counted in the formula text) and says what to write instead.
/// </summary>
public sealed class FormulaException : LsgdException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="formula">The formula text.</param>
    /// <param name="position">0-based index of the offending character in <paramref name="formula"/> (its length for "at the end").</param>
    /// <param name="problem">What is wrong and what to do, as a sentence.</param>
    public FormulaException(string formula, int position, string problem)
        : base(Where(formula, position) + problem)
    {
        Formula = formula;
        Position = position + 1;
    }

    /// <summary>The formula text.</summary>
    public string Formula { get; }

    /// <summary>1-based character position of the problem (one past the last character for "at the end").</summary>
    public int Position { get; }

    private static string Where(string formula, int position) =>
        position >= formula.Length
            ? $"The formula \"{formula}\", at its end (character {position + 1}): "
            : $"The formula \"{formula}\", at character {position + 1} ('{formula[position]}'): ";
}
