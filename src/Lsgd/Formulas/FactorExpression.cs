using System.Globalization;
using System.Text;

namespace Lsgd.Formulas;

/// <summary>An expression inside a factor (the Python-like code of <c>log(x)</c>, <c>I(x ** 2)</c>, <c>C(g, Treatment('b'))</c>).</summary>
internal abstract record Expr(int Position);

internal sealed record NumberExpr(double Value, string Text, int Position) : Expr(Position);

internal sealed record StringExpr(string Value, int Position) : Expr(Position);

internal sealed record NameExpr(string Name, int Position) : Expr(Position);

internal sealed record CallExpr(string Function, IReadOnlyList<Expr> Args, IReadOnlyList<KeyValuePair<string, Expr>> Keywords, int Position) : Expr(Position);

internal sealed record BinaryExpr(string Op, Expr Left, Expr Right, int Position) : Expr(Position);

internal sealed record NegateExpr(Expr Operand, int Position) : Expr(Position);

/// <summary>
/// Parses the tokens of one factor into an <see cref="Expr"/> (Python's grammar for arithmetic, calls and
/// keyword arguments; <c>^</c> is a power, as in R), and spells the factor's name the way patsy does.
/// </summary>
internal sealed class FactorParser
{
    private readonly string _formula;
    private readonly IReadOnlyList<Token> _tokens;
    private int _i;

    private FactorParser(string formula, IReadOnlyList<Token> tokens)
    {
        _formula = formula;
        _tokens = tokens;
    }

    public static Expr Parse(string formula, IReadOnlyList<Token> tokens)
    {
        var parser = new FactorParser(formula, tokens);
        var expr = parser.Additive();
        if (parser._i < tokens.Count)
            throw new FormulaException(formula, tokens[parser._i].Position, $"'{tokens[parser._i].Text}' does not continue the expression before it.");
        return expr;
    }

    private Token? Peek => _i < _tokens.Count ? _tokens[_i] : null;

    private int EndPosition => _i < _tokens.Count ? _tokens[_i].Position : _tokens.Count > 0 ? _tokens[^1].End : _formula.Length;

    private bool Accept(string op)
    {
        if (Peek is { } t && t.Is(op))
        {
            _i++;
            return true;
        }
        return false;
    }

    private Expr Additive()
    {
        var left = Multiplicative();
        while (Peek is { } t && (t.Is("+") || t.Is("-")))
        {
            _i++;
            left = new BinaryExpr(t.Text, left, Multiplicative(), t.Position);
        }
        return left;
    }

    private Expr Multiplicative()
    {
        var left = Unary();
        while (Peek is { } t && (t.Is("*") || t.Is("/")))
        {
            _i++;
            left = new BinaryExpr(t.Text, left, Unary(), t.Position);
        }
        return left;
    }

    private Expr Unary()
    {
        if (Peek is { } t && (t.Is("-") || t.Is("+")))
        {
            _i++;
            var operand = Unary();
            return t.Text == "-" ? new NegateExpr(operand, t.Position) : operand;
        }
        return Power();
    }

    private Expr Power()
    {
        var left = Postfix();
        if (Peek is { } t && (t.Is("**") || t.Is("^")))
        {
            _i++;
            return new BinaryExpr("**", left, Unary(), t.Position);
        }
        return left;
    }

    private Expr Postfix()
    {
        var atom = Atom();
        if (atom is NameExpr name && Peek is { } open && open.Is("("))
        {
            _i++;
            var args = new List<Expr>();
            var keywords = new List<KeyValuePair<string, Expr>>();
            if (!Accept(")"))
            {
                while (true)
                {
                    if (Peek is { Kind: TokenKind.Name } key && _i + 1 < _tokens.Count && _tokens[_i + 1].Is("="))
                    {
                        _i += 2;
                        keywords.Add(new(key.Text, Additive()));
                    }
                    else
                    {
                        if (keywords.Count > 0)
                            throw new FormulaException(_formula, EndPosition, "a positional argument cannot follow a keyword argument.");
                        args.Add(Additive());
                    }
                    if (Accept(")")) break;
                    if (!Accept(","))
                        throw new FormulaException(_formula, EndPosition, $"expected ',' or ')' in the arguments of {name.Name}().");
                }
            }
            return new CallExpr(name.Name, args, keywords, name.Position);
        }
        return atom;
    }

    private Expr Atom()
    {
        if (Peek is not { } t)
            throw new FormulaException(_formula, EndPosition, "an expression is missing here.");
        _i++;
        switch (t.Kind)
        {
            case TokenKind.Name:
                return new NameExpr(t.Text, t.Position);
            case TokenKind.Number:
                return new NumberExpr(double.Parse(t.Text, NumberStyles.Float, CultureInfo.InvariantCulture), t.Text, t.Position);
            case TokenKind.String:
                return new StringExpr(FormulaTokens.Unquote(t), t.Position);
            default:
                if (t.Is("("))
                {
                    var inner = Additive();
                    if (!Accept(")"))
                        throw new FormulaException(_formula, EndPosition, "this parenthesis is not closed: add ')'.");
                    return inner;
                }
                throw new FormulaException(_formula, t.Position, $"'{t.Text}' cannot start an expression.");
        }
    }

    private static readonly HashSet<string> SpaceBoth = ["+", "-", "*", "/", "%", "&", "^", "|", "<", ">", "==", "!=", "<=", ">=", "<<", ">>", "**", "//"];

    /// <summary>
    /// The factor's name: its tokens joined with patsy's spacing (<c>patsy.tokens.pretty_untokenize</c>: spaces around
    /// binary operators and after commas, none inside calls or after a unary sign), with <c>^</c> written <c>**</c>.
    /// </summary>
    public static string Name(IReadOnlyList<Token> tokens)
    {
        var text = new StringBuilder();
        bool prevWasSpaceDelim = false, prevWantsSpace = false, prevWasOpenOrComma = false, prevWasObjectLike = false;
        var brackets = new Stack<string>();
        foreach (var token in tokens)
        {
            string s = token.Kind == TokenKind.Operator && token.Text == "^" ? "**" : token.Text;
            if (token.Kind != TokenKind.Operator)
            {
                if (prevWantsSpace || prevWasSpaceDelim) text.Append(' ');
                text.Append(s);
                prevWantsSpace = false;
                prevWasSpaceDelim = true;
            }
            else
            {
                if (s is "(" or "[") brackets.Push(s);
                else if (brackets.Count > 0 && s is ")" or "]") brackets.Pop();
                bool before = SpaceBoth.Contains(s);
                bool after = SpaceBoth.Contains(s) || s is "," or ":";
                if (s == ":" && brackets.Count > 0 && brackets.Peek() == "[") after = false;
                if (s is "*" or "**" && prevWasOpenOrComma) before = after = false;
                if (s == "=" && brackets.Count == 0) before = after = true;
                if (s is "+" or "-" && !prevWasObjectLike) before = after = false;
                if (prevWantsSpace || before) text.Append(' ');
                text.Append(s);
                prevWantsSpace = after;
                prevWasSpaceDelim = false;
            }
            prevWasObjectLike = token.Kind != TokenKind.Operator || s == ")";
            prevWasOpenOrComma = s is "(" or ",";
        }
        return text.ToString();
    }
}
