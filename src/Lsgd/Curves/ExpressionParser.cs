using System.Globalization;

namespace Lsgd.Curves;

/// <summary>
/// Recursive-descent parser of model expressions such as <c>a*exp(b*x)+c</c>. Every error names what was
/// expected, the 1-based column and what was found there.
/// </summary>
/// <remarks>
/// Grammar (tokens are separated by optional white space):
/// <code>
/// sum     := product (('+' | '-') product)*
/// product := unary (('*' | '/') unary)*
/// unary   := ('-' | '+') unary | power              -x^2 is −(x²)
/// power   := primary ('^' unary)?                   right-associative: a^b^c is a^(b^c)
/// primary := NUMBER | NAME | FUNCTION '(' sum (',' sum)* ')' | '(' sum ')'
/// </code>
/// Numbers use the invariant culture (<c>1.5</c>, <c>.5</c>, <c>2e-3</c>). <c>x</c> is the variable, <c>pi</c> and
/// <c>e</c> are constants, the functions are those of <see cref="Functions"/>, and every other name is a parameter.
/// </remarks>
internal sealed class ExpressionParser
{
    /// <summary>The variable's name.</summary>
    public const string VariableName = "x";

    /// <summary>Function names with their operation and argument count.</summary>
    public static readonly IReadOnlyDictionary<string, (Operation Operation, int Arity)> Functions =
        new Dictionary<string, (Operation, int)>(StringComparer.Ordinal)
        {
            ["exp"] = (Operation.Exp, 1),
            ["log"] = (Operation.Log, 1),
            ["sqrt"] = (Operation.Sqrt, 1),
            ["sin"] = (Operation.Sin, 1),
            ["cos"] = (Operation.Cos, 1),
            ["tanh"] = (Operation.Tanh, 1),
            ["abs"] = (Operation.Abs, 1),
            ["pow"] = (Operation.Power, 2),
            ["atan"] = (Operation.Atan, 1),
            ["asin"] = (Operation.Asin, 1),
            ["acos"] = (Operation.Acos, 1),
            ["atan2"] = (Operation.Atan2, 2),
            ["tan"] = (Operation.Tan, 1),
            ["sinh"] = (Operation.Sinh, 1),
            ["cosh"] = (Operation.Cosh, 1),
            ["erf"] = (Operation.Erf, 1),
            ["log10"] = (Operation.Log10, 1),
        };

    /// <summary>Other spellings of the functions, named in the error for an unknown function.</summary>
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["arctan"] = "atan", ["arcsin"] = "asin", ["arccos"] = "acos", ["ln"] = "log", ["lg"] = "log10", ["exp10"] = "pow(10, …)",
        ["power"] = "pow", ["arctan2"] = "atan2", ["sqr"] = "x^2",
    };

    /// <summary>Named constants.</summary>
    public static readonly IReadOnlyDictionary<string, double> Constants =
        new Dictionary<string, double>(StringComparer.Ordinal) { ["pi"] = Math.PI, ["e"] = Math.E };

    /// <summary>The functions as the error for an unknown one lists them.</summary>
    public static readonly string FunctionList = string.Join(", ", Functions.Keys.SkipLast(1)) + " and " + Functions.Keys.Last();
    private const string Operand = "a number, a name or '('";

    private readonly string _text;
    private readonly List<Token> _tokens;
    private readonly List<string> _parameters = [];
    private readonly IReadOnlyList<string> _variables;
    private readonly bool[] _used;
    private int _next;

    private ExpressionParser(string text, IReadOnlyList<string> variables)
    {
        _text = text;
        _variables = variables;
        _used = new bool[variables.Count];
        _tokens = Tokenize(text);
    }

    /// <summary>
    /// Parses <paramref name="text"/> into a tree, the parameter names in order of first appearance, and which of the
    /// <paramref name="variables"/> (default: x alone) appear.
    /// </summary>
    /// <exception cref="ExpressionParseException">The text is not a valid expression.</exception>
    public static (ExpressionNode Root, IReadOnlyList<string> Parameters, bool[] UsedVariables) Parse(string text, IReadOnlyList<string>? variables = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new ExpressionParser(text, variables ?? [VariableName]);
        var root = parser.Sum();
        var end = parser.Peek;
        if (end.Kind != TokenKind.End)
        {
            if (end.Is(')'))
                parser.Fail(end, $"unbalanced ')' at column {end.Column}: there is no '(' for it to close");
            parser.Fail(end, $"expected an operator (+ - * / ^) at column {end.Column}{Found(end)}");
        }
        return (root, parser._parameters, parser._used);
    }

    private Token Peek => _tokens[_next];

    private Token Take() => _tokens[_next++];

    private ExpressionNode Sum()
    {
        var left = Product();
        while (Peek.Is('+') || Peek.Is('-'))
        {
            var op = Take().Symbol == '+' ? Operation.Add : Operation.Subtract;
            left = new BinaryNode(op, left, Product());
        }
        return left;
    }

    private ExpressionNode Product()
    {
        var left = Unary();
        while (Peek.Is('*') || Peek.Is('/'))
        {
            var op = Take().Symbol == '*' ? Operation.Multiply : Operation.Divide;
            left = new BinaryNode(op, left, Unary());
        }
        return left;
    }

    private ExpressionNode Unary()
    {
        if (Peek.Is('-'))
        {
            Take();
            return new UnaryNode(Operation.Negate, Unary());
        }
        if (Peek.Is('+'))
        {
            Take();
            return Unary();
        }
        return Power();
    }

    private ExpressionNode Power()
    {
        var basis = Primary();
        var next = Peek;
        if (next.Kind is TokenKind.Number or TokenKind.Name || next.Is('('))
            Fail(next, $"expected an operator (+ - * / ^) at column {next.Column}{Found(next)}; write '*' for a product, e.g. 2*x");
        if (!next.Is('^'))
            return basis;
        Take();
        return new BinaryNode(Operation.Power, basis, Unary());
    }

    private ExpressionNode Primary()
    {
        var token = Take();
        switch (token.Kind)
        {
            case TokenKind.Number:
                return new NumberNode(token.Value);
            case TokenKind.Name:
                return Name(token);
            case TokenKind.Symbol when token.Symbol == '(':
                var inner = Sum();
                Close(token, "')'");
                return inner;
            default:
                Fail(token, $"expected {Operand} at column {token.Column}{Found(token)}");
                return null!;
        }
    }

    private ExpressionNode Name(Token token)
    {
        string name = token.Text;
        bool call = Peek.Is('(');
        if (Functions.TryGetValue(name, out var function))
        {
            if (!call)
                Fail(token, $"'{name}' at column {token.Column} is a function: write {name}(…) with its argument in parentheses");
            var open = Take();
            var arguments = new List<ExpressionNode> { Sum() };
            while (Peek.Is(','))
            {
                Take();
                arguments.Add(Sum());
            }
            Close(open, arguments.Count < function.Arity ? "',' or ')'" : "')'");
            if (arguments.Count != function.Arity)
                Fail(token, $"{name} at column {token.Column} takes {Internals.Throw.Plural(function.Arity, "argument")}, found {arguments.Count}");
            return function.Arity == 1
                ? new UnaryNode(function.Operation, arguments[0])
                : new BinaryNode(function.Operation, arguments[0], arguments[1]);
        }
        int variable = IndexOf(_variables, name);
        if (call)
        {
            string hint = Aliases.TryGetValue(name, out var alias) ? $"; did you mean {alias}?"
                : Functions.Keys.FirstOrDefault(f => string.Equals(f, name, StringComparison.OrdinalIgnoreCase)) is { } cased ? $"; did you mean {cased}? (names are case-sensitive)"
                : Functions.Keys.FirstOrDefault(f => OneEditApart(f, name)) is { } near ? $"; did you mean {near}?"
                : name.Length == 1 || _parameters.Contains(name) || variable >= 0 || Constants.ContainsKey(name) ? $"; for a product write {name}*(…)" : "";
            Fail(token, $"unknown function '{name}' at column {token.Column} (the functions are {FunctionList}{hint})");
        }
        if (variable >= 0)
        {
            _used[variable] = true;
            return new VariableNode(variable);
        }
        if (Constants.TryGetValue(name, out double value))
            return new NumberNode(value);
        int index = _parameters.IndexOf(name);
        if (index < 0)
        {
            index = _parameters.Count;
            _parameters.Add(name);
        }
        return new ParameterNode(name, index);
    }

    /// <summary>Whether one letter inserted, deleted or changed turns <paramref name="a"/> into <paramref name="b"/> (ep → exp).</summary>
    private static bool OneEditApart(string a, string b)
    {
        if (Math.Abs(a.Length - b.Length) > 1 || a.Length < 3 && b.Length < 3) return false;
        int i = 0;
        while (i < a.Length && i < b.Length && a[i] == b[i]) i++;
        return a.Length == b.Length ? a.AsSpan(i + 1).SequenceEqual(b.AsSpan(i + 1))
            : a.Length > b.Length ? a.AsSpan(i + 1).SequenceEqual(b.AsSpan(i)) : a.AsSpan(i).SequenceEqual(b.AsSpan(i + 1));
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
            if (names[i] == name) return i;
        return -1;
    }

    /// <summary>Consumes the ')' that closes <paramref name="open"/>, or fails naming what was expected.</summary>
    private void Close(Token open, string expected)
    {
        var token = Take();
        if (token.Is(')')) return;
        Fail(token, $"expected {expected} at column {token.Column}{Found(token)} to close the '(' at column {open.Column}");
    }

    private static string Found(Token token) => token.Kind == TokenKind.End ? " (end of input)" : $", found '{token.Text}'";

    private void Fail(Token token, string reason) => throw new ExpressionParseException(_text, token.Column, reason);

    private static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }
            int start = i;
            if (char.IsAsciiDigit(c) || c == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]))
            {
                while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
                if (i < text.Length && text[i] == '.')
                {
                    i++;
                    while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
                }
                // An exponent only when digits follow: "2e" is the number 2 then the name e.
                if (i < text.Length && (text[i] is 'e' or 'E'))
                {
                    int j = i + 1;
                    if (j < text.Length && text[j] is '+' or '-') j++;
                    if (j < text.Length && char.IsAsciiDigit(text[j]))
                    {
                        i = j;
                        while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
                    }
                }
                string number = text[start..i];
                double value = double.Parse(number, NumberStyles.Float, CultureInfo.InvariantCulture);
                if (double.IsInfinity(value))
                    throw new ExpressionParseException(text, start + 1, $"the number '{number}' at column {start + 1} is too large");
                tokens.Add(new Token(TokenKind.Number, number, start + 1, value));
            }
            else if (char.IsLetter(c) || c == '_')
            {
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_')) i++;
                tokens.Add(new Token(TokenKind.Name, text[start..i], start + 1));
            }
            else if ("+-*/^(),".Contains(c, StringComparison.Ordinal))
            {
                i++;
                tokens.Add(new Token(TokenKind.Symbol, c.ToString(), start + 1));
            }
            else
            {
                throw new ExpressionParseException(text, start + 1,
                    $"unexpected character '{c}' at column {start + 1} (expressions use numbers, names, + - * / ^, parentheses and commas)");
            }
        }
        tokens.Add(new Token(TokenKind.End, "", text.Length + 1));
        return tokens;
    }

    private enum TokenKind { Number, Name, Symbol, End }

    private readonly record struct Token(TokenKind Kind, string Text, int Column, double Value = 0)
    {
        public char Symbol => Kind == TokenKind.Symbol ? Text[0] : '\0';

        public bool Is(char symbol) => Kind == TokenKind.Symbol && Text[0] == symbol;
    }
}
