namespace Lsgd.Formulas;

/// <summary>A node of a formula's tree: the operators of the formula language over factors, 0 and 1.</summary>
internal abstract record Node(int Position);

/// <summary>A binary operator (<c>+ - * / : **</c>).</summary>
internal sealed record BinaryNode(string Op, Node Left, Node Right, int Position) : Node(Position);

/// <summary>A unary <c>-</c> or <c>+</c>.</summary>
internal sealed record UnaryNode(string Op, Node Operand, int Position) : Node(Position);

/// <summary>A number at the formula level: 0 and 1 speak of the intercept; others are powers (<c>(a + b) ** 2</c>).</summary>
internal sealed record NumberNode(string Text, int Position) : Node(Position);

/// <summary>A factor: its patsy-spelled name and its expression.</summary>
internal sealed record FactorNode(string Name, Expr Expr, int Position) : Node(Position);

/// <summary>
/// Parses <c>response ~ terms</c> with patsy's operators and precedences: <c>~</c> lowest, then binary and unary
/// <c>+ -</c>, then <c>* /</c>, then <c>:</c>, then <c>**</c> (R's <c>^</c> is read as <c>**</c>); all binary
/// operators associate to the left. A factor is the Python-like code between operators (parentheses inside it
/// nest, so <c>I(a + b)</c> is one factor).
/// </summary>
internal sealed class FormulaParser
{
    private readonly string _formula;
    private readonly List<Token> _tokens;
    private int _i;

    private FormulaParser(string formula)
    {
        _formula = formula;
        _tokens = FormulaTokens.Split(formula);
    }

    /// <summary>Parses the formula: the response side (null when the formula starts with '~') and the terms side.</summary>
    public static (Node? Response, Node Terms) Parse(string formula)
    {
        var p = new FormulaParser(formula);
        if (p._tokens.Count == 0)
            throw new FormulaException(formula, 0, "it is empty. Write the response, '~' and the terms, e.g. \"y ~ x1 + x2\".");
        Node? lhs = null;
        if (!p.Accept("~"))
        {
            lhs = p.Expression(0);
            if (!p.Accept("~"))
                throw new FormulaException(formula, p.Position, p._i < p._tokens.Count
                    ? $"'{p._tokens[p._i].Text}' does not continue the formula."
                    : "a formula needs '~' between the response and the terms, e.g. \"y ~ x1 + x2\".");
        }
        if (p._i >= p._tokens.Count)
            throw new FormulaException(formula, p.Position, "no terms after '~': write at least one, e.g. \"y ~ x\" (or \"y ~ 1\" for the mean alone).");
        var rhs = p.Expression(0);
        if (p._i < p._tokens.Count)
        {
            var t = p._tokens[p._i];
            throw new FormulaException(formula, t.Position, t.Is("~")
                ? "a formula has one '~'."
                : t.Is(")") ? "this ')' closes no '('." : $"'{t.Text}' does not continue the formula; join terms with + - * / : or **.");
        }
        return (lhs, rhs);
    }

    private int Position => _i < _tokens.Count ? _tokens[_i].Position : _formula.Length;

    private bool Accept(string op)
    {
        if (_i < _tokens.Count && _tokens[_i].Is(op))
        {
            _i++;
            return true;
        }
        return false;
    }

    internal static int Precedence(string op) => op switch
    {
        "+" or "-" => 100,
        "*" or "/" => 200,
        ":" => 300,
        "**" => 500,
        _ => -1,
    };

    private string? BinaryOperator()
    {
        if (_i >= _tokens.Count || _tokens[_i].Kind != TokenKind.Operator) return null;
        string op = _tokens[_i].Text == "^" ? "**" : _tokens[_i].Text;
        return Precedence(op) > 0 ? op : null;
    }

    private Node Expression(int minPrecedence)
    {
        var left = Operand();
        while (BinaryOperator() is { } op && Precedence(op) >= minPrecedence)
        {
            int at = _tokens[_i].Position;
            _i++;
            if (_i >= _tokens.Count)
                throw new FormulaException(_formula, at, $"'{_tokens[_i - 1].Text}' needs a term on its right.");
            left = new BinaryNode(op, left, Expression(Precedence(op) + 1), at);
        }
        return left;
    }

    private Node Operand()
    {
        if (_i >= _tokens.Count)
            throw new FormulaException(_formula, _formula.Length, "a term is missing at the end.");
        var t = _tokens[_i];
        if (t.Is("+") || t.Is("-"))
        {
            _i++;
            if (_i >= _tokens.Count)
                throw new FormulaException(_formula, t.Position, $"'{t.Text}' needs a term on its right.");
            return new UnaryNode(t.Text, Expression(Precedence("+") + 1), t.Position);
        }
        if (t.Is("("))
        {
            _i++;
            if (_i < _tokens.Count && _tokens[_i].Is(")"))
                throw new FormulaException(_formula, _tokens[_i].Position, "the parentheses hold no term.");
            var inner = Expression(0);
            if (!Accept(")"))
                throw new FormulaException(_formula, t.Position, "this '(' is not closed: add ')'.");
            return inner;
        }
        if (t.Kind == TokenKind.Operator && !t.Is("["))
            throw new FormulaException(_formula, t.Position, t.Is("~") ? "a formula has one '~'." :
                t.Is(")") ? "this ')' closes no '(' (or a term is missing before it)." : $"'{t.Text}' needs a term on its left.");
        return Factor();
    }

    /// <summary>Reads Python-like code up to the next formula operator outside brackets (patsy's <c>_read_python_expr</c>).</summary>
    private Node Factor()
    {
        int start = _i, depth = 0;
        var open = new Stack<Token>();
        while (_i < _tokens.Count)
        {
            var t = _tokens[_i];
            if (depth == 0 && t.Kind == TokenKind.Operator && (t.Is("~") || t.Is(")") || Precedence(t.Text == "^" ? "**" : t.Text) > 0))
                break;
            if (t.Is("(") || t.Is("["))
            {
                depth++;
                open.Push(t);
            }
            else if (t.Is(")") || t.Is("]"))
            {
                string expected = open.Count == 0 ? "" : open.Peek().Is("(") ? ")" : "]";
                if (t.Text != expected)
                    throw new FormulaException(_formula, t.Position, open.Count == 0
                        ? $"this '{t.Text}' closes no '{(t.Is("]") ? "[" : "(")}'."
                        : $"this '{t.Text}' does not match the '{open.Peek().Text}' at character {open.Peek().Position + 1}: close it with '{expected}'.");
                depth--;
                open.Pop();
            }
            _i++;
        }
        if (depth > 0)
            throw new FormulaException(_formula, open.Peek().Position, $"this '{open.Peek().Text}' is not closed: add '{(open.Peek().Is("(") ? ")" : "]")}'.");
        var tokens = _tokens.GetRange(start, _i - start);
        if (tokens.Count == 1 && tokens[0].Kind == TokenKind.Number)
            return new NumberNode(tokens[0].Text, tokens[0].Position);
        var expr = FactorParser.Parse(_formula, tokens);
        return new FactorNode(FactorParser.Name(tokens), expr, tokens[0].Position);
    }
}
