using System.Globalization;

namespace Lsgd.Formulas;

/// <summary>The kinds of token in a formula.</summary>
internal enum TokenKind { Name, Number, String, Operator }

/// <summary>One token of a formula: its kind, its text as written and its 0-based position.</summary>
internal readonly record struct Token(TokenKind Kind, string Text, int Position)
{
    public bool Is(string op) => Kind == TokenKind.Operator && Text == op;

    public int End => Position + Text.Length;
}

/// <summary>
/// Splits a formula into tokens as Python's tokenizer would for the subset formulas use: names (letters, digits,
/// '_' and '.', not starting with a digit), numbers, quoted strings and the operators
/// <c>~ + - * / : ** ^ ( ) [ ] , =</c>.
/// </summary>
internal static class FormulaTokens
{
    private static readonly string[] Operators = ["**", "~", "+", "-", "*", "/", ":", "^", "(", ")", "[", "]", ",", "="];

    public static List<Token> Split(string formula)
    {
        var tokens = new List<Token>();
        int i = 0;
        while (i < formula.Length)
        {
            char c = formula[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }
            int start = i;
            if (char.IsLetter(c) || c == '_')
            {
                while (i < formula.Length && (char.IsLetterOrDigit(formula[i]) || formula[i] is '_' or '.')) i++;
                tokens.Add(new Token(TokenKind.Name, formula[start..i], start));
            }
            else if (char.IsAsciiDigit(c) || c == '.' && i + 1 < formula.Length && char.IsAsciiDigit(formula[i + 1]))
            {
                while (i < formula.Length && (char.IsAsciiDigit(formula[i]) || formula[i] == '.')) i++;
                if (i < formula.Length && formula[i] is 'e' or 'E')
                {
                    int j = i + 1;
                    if (j < formula.Length && formula[j] is '+' or '-') j++;
                    if (j < formula.Length && char.IsAsciiDigit(formula[j]))
                    {
                        i = j;
                        while (i < formula.Length && char.IsAsciiDigit(formula[i])) i++;
                    }
                }
                string text = formula[start..i];
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                    throw new FormulaException(formula, start, $"'{text}' is not a number.");
                tokens.Add(new Token(TokenKind.Number, text, start));
            }
            else if (c is '\'' or '"')
            {
                int close = formula.IndexOf(c, i + 1);
                if (close < 0)
                    throw new FormulaException(formula, start, $"the string that starts here has no closing {c}.");
                i = close + 1;
                tokens.Add(new Token(TokenKind.String, formula[start..i], start));
            }
            else
            {
                string? op = Operators.FirstOrDefault(o => string.CompareOrdinal(formula, i, o, 0, o.Length) == 0);
                if (op is null)
                    throw new FormulaException(formula, start, c == '`'
                        ? "back-quoted names are not read; write Q(\"column name\") for a column whose name is not a plain word."
                        : $"'{c}' is not part of the formula language (terms joined by + - * / : **, functions such as C(), I(), log(), poly()).");
                i += op.Length;
                tokens.Add(new Token(TokenKind.Operator, op, start));
            }
        }
        return tokens;
    }

    /// <summary>The text of a string token without its quotes.</summary>
    public static string Unquote(Token token) => token.Text[1..^1];
}
