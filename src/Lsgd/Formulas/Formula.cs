using System.Globalization;

namespace Lsgd.Formulas;

/// <summary>
/// A model formula in Wilkinson–Rogers notation, read as R and patsy read it: <c>y ~ x1 + x2 + x1:x2 + C(region)
/// + I(x3 ** 2) + log(x4)</c>. Terms are joined by <c>+</c>, removed by <c>-</c>, interacted by <c>:</c>;
/// <c>a * b</c> is <c>a + b + a:b</c>, <c>a / b</c> is <c>a + a:b</c>, <c>(a + b) ** 2</c> is every product of
/// up to two of them. The intercept is implicit; <c>- 1</c>, <c>+ 0</c> or <c>0 +</c> remove it.
/// </summary>
/// <remarks>
/// A factor is a column name, <c>Q("column name")</c>, or a call: <c>C(col)</c> or <c>C(col, Treatment('b'))</c>
/// (a category), <c>I(expr)</c> (arithmetic with <c>+ - * / **</c>, and <c>^</c> as a power as in R),
/// <c>log</c>, <c>log2</c>, <c>log10</c>, <c>exp</c>, <c>sqrt</c>, <c>abs</c> (also spelled <c>np.log</c> …), and
/// <c>poly(x, k)</c> (R's orthonormal polynomials). Factors are named as patsy names them: the code with patsy's
/// spacing (<c>I(x3 ** 2)</c>), so terms and coefficients read as in statsmodels. Parsing checks the syntax only;
/// <see cref="FormulaEncoding.Fit"/> checks the columns against the data.
/// </remarks>
public sealed class Formula
{
    private readonly Dictionary<string, FactorNode> _factors;

    private Formula(string text, Node? response, Node terms)
    {
        Text = text;
        ResponseNode = response;
        TermsNode = terms;
        _factors = new Dictionary<string, FactorNode>(StringComparer.Ordinal);
        var lhs = response is null ? new TermList(false, true, []) : Evaluate(response);
        if (lhs.Intercept)
            throw new FormulaException(text, response!.Position, "the response cannot hold an intercept (1): name the column to predict.");
        foreach (var term in lhs.Terms)
            if (term.Count != 1)
                throw new FormulaException(text, _factors[term[1]].Position, "the response is one or more columns joined by '+', not an interaction.");
        Response = [.. lhs.Terms.Select(t => t[0])];
        var rhs = Evaluate(terms);
        HasIntercept = !rhs.InterceptRemoved;
        Terms = rhs.Terms;
        var overlap = Response.FirstOrDefault(r => Terms.Any(t => t.Contains(r)));
        if (overlap is not null)
            throw new FormulaException(text, FindFactor(terms, overlap)!.Position, $"'{overlap}' is both the response and a term; a model cannot use what it predicts as an input.");
    }

    private static FactorNode? FindFactor(Node node, string name) => node switch
    {
        FactorNode f => f.Name == name ? f : null,
        BinaryNode b => FindFactor(b.Left, name) ?? FindFactor(b.Right, name),
        UnaryNode u => FindFactor(u.Operand, name),
        _ => null,
    };

    /// <summary>The formula as it was written.</summary>
    public string Text { get; }

    /// <summary>The response factors (left of <c>~</c>), in order; empty for a formula that starts with <c>~</c>.</summary>
    public IReadOnlyList<string> Response { get; }

    /// <summary>
    /// The terms right of <c>~</c> after expansion, in the order the formula gives them (the intercept excluded):
    /// each term is the names of the factors it interacts, in order of first appearance.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<string>> Terms { get; }

    /// <summary>Whether the model has an intercept (not removed by <c>- 1</c> or <c>+ 0</c>).</summary>
    public bool HasIntercept { get; }

    internal Node? ResponseNode { get; }

    internal Node TermsNode { get; }

    /// <summary>The factors by name, each parsed once.</summary>
    internal IReadOnlyDictionary<string, FactorNode> Factors => _factors;

    /// <summary>Parses <paramref name="text"/>.</summary>
    /// <exception cref="FormulaException">The formula is not valid; the message names the character and the problem.</exception>
    public static Formula Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var (response, terms) = FormulaParser.Parse(text);
        return new Formula(text, response, terms);
    }

    /// <summary>
    /// The formula with one space around each operator and parentheses only where they are needed; parsing it
    /// gives the same formula.
    /// </summary>
    public override string ToString() => (ResponseNode is null ? "~ " : Print(ResponseNode, 0) + " ~ ") + Print(TermsNode, 0);

    /// <summary>The names of the terms as patsy writes them (<c>x1:x2</c>), the intercept excluded.</summary>
    public IReadOnlyList<string> TermNames => [.. Terms.Select(t => string.Join(":", t))];

    private static string Print(Node node, int parent)
    {
        switch (node)
        {
            case FactorNode f: return f.Name;
            case NumberNode n: return n.Text;
            case UnaryNode u:
            {
                string s = u.Op + Print(u.Operand, 101);
                return parent > 100 ? "(" + s + ")" : s;
            }
            case BinaryNode b:
            {
                int p = FormulaParser.Precedence(b.Op);
                string s = Print(b.Left, p) + " " + b.Op + " " + Print(b.Right, p + 1);
                return p < parent ? "(" + s + ")" : s;
            }
            default: throw new InvalidOperationException(node.GetType().Name);
        }
    }

    /// <summary>What a part of a formula stands for: terms, and what it says of the intercept (patsy's IntermediateExpr).</summary>
    private sealed record TermList(bool Intercept, bool InterceptRemoved, List<IReadOnlyList<string>> Terms);

    private TermList Evaluate(Node node)
    {
        switch (node)
        {
            case FactorNode f:
                if (_factors.TryGetValue(f.Name, out var known))
                    f = known;
                else
                    _factors[f.Name] = f;
                return new TermList(false, false, [[f.Name]]);
            case NumberNode n when n.Text == "0":
                return new TermList(false, true, []);
            case NumberNode n when n.Text == "1":
                return new TermList(true, false, []);
            case NumberNode n:
                throw new FormulaException(Text, n.Position, $"the number {n.Text} is not a term: 1 and 0 add and remove the intercept, other numbers only follow '**'. Write I({n.Text}) for a constant column.");
            case UnaryNode u:
                if (u.Op == "+") return Evaluate(u.Operand);
                return u.Operand switch
                {
                    NumberNode { Text: "0" } => new TermList(true, false, []),
                    NumberNode { Text: "1" } => new TermList(false, true, []),
                    _ => throw new FormulaException(Text, u.Position, "a leading '-' applies only to 1 or 0 (\"-1\" removes the intercept); to drop a term write \"a + b - b\"."),
                };
            case BinaryNode b:
                return b.Op switch
                {
                    "+" => Plus(b),
                    "-" => Minus(b),
                    ":" => new TermList(false, false, Interaction(Evaluate(b.Left), Evaluate(b.Right), b)),
                    "*" => Product(b),
                    "/" => Nest(b),
                    "**" => Power(b),
                    _ => throw new InvalidOperationException(b.Op),
                };
            default:
                throw new InvalidOperationException(node.GetType().Name);
        }
    }

    private TermList Plus(BinaryNode b)
    {
        var left = Evaluate(b.Left);
        if (b.Right is NumberNode { Text: "0" })
            return new TermList(false, true, left.Terms);
        var right = Evaluate(b.Right);
        var terms = Unique([.. left.Terms, .. right.Terms]);
        return right.Intercept ? new TermList(true, false, terms) : new TermList(left.Intercept, left.InterceptRemoved, terms);
    }

    private TermList Minus(BinaryNode b)
    {
        var left = Evaluate(b.Left);
        if (b.Right is NumberNode { Text: "0" })
            return new TermList(true, false, left.Terms);
        if (b.Right is NumberNode { Text: "1" })
            return new TermList(false, true, left.Terms);
        var right = Evaluate(b.Right);
        var terms = left.Terms.Where(t => !right.Terms.Any(r => SameTerm(r, t))).ToList();
        return right.Intercept ? new TermList(false, true, terms) : new TermList(left.Intercept, left.InterceptRemoved, terms);
    }

    private TermList Product(BinaryNode b)
    {
        var left = Evaluate(b.Left);
        var right = Evaluate(b.Right);
        return new TermList(false, false, Unique([.. left.Terms, .. right.Terms, .. Interaction(left, right, b)]));
    }

    private TermList Nest(BinaryNode b)
    {
        var left = Evaluate(b.Left);
        var right = Evaluate(b.Right);
        CheckInteractable(left, b);
        var combined = new TermList(false, false, [Unique(left.Terms.SelectMany(t => t))]);
        return new TermList(false, false, Unique([.. left.Terms, .. Interaction(combined, right, b)]));
    }

    private TermList Power(BinaryNode b)
    {
        var left = Evaluate(b.Left);
        CheckInteractable(left, b);
        if (b.Right is not NumberNode n || !int.TryParse(n.Text, NumberStyles.None, CultureInfo.InvariantCulture, out int power) || power < 1)
            throw new FormulaException(Text, b.Right.Position, "'**' needs a positive integer on its right, e.g. (a + b + c) ** 2.");
        power = Math.Min(power, Math.Max(1, left.Terms.Count));
        var all = left.Terms;
        var big = left;
        for (int i = 1; i < power; i++)
        {
            big = new TermList(false, false, Interaction(left, big, b));
            all = Unique([.. all, .. big.Terms]);
        }
        return new TermList(false, false, all);
    }

    private List<IReadOnlyList<string>> Interaction(TermList left, TermList right, Node at)
    {
        CheckInteractable(left, at);
        CheckInteractable(right, at);
        var terms = new List<IReadOnlyList<string>>();
        foreach (var l in left.Terms)
            foreach (var r in right.Terms)
                terms.Add(Unique([.. l, .. r]));
        return Unique(terms);
    }

    private void CheckInteractable(TermList terms, Node at)
    {
        if (terms.Intercept)
            throw new FormulaException(Text, at.Position, "the intercept (1) cannot interact with anything; write the terms without it.");
    }

    private static List<string> Unique(IEnumerable<string> factors) => [.. factors.Distinct(StringComparer.Ordinal)];

    private static List<IReadOnlyList<string>> Unique(IEnumerable<IReadOnlyList<string>> terms)
    {
        var result = new List<IReadOnlyList<string>>();
        foreach (var t in terms)
            if (!result.Any(r => SameTerm(r, t)))
                result.Add(t);
        return result;
    }

    /// <summary>Terms are sets of factors: <c>a:b</c> is <c>b:a</c>.</summary>
    internal static bool SameTerm(IReadOnlyList<string> a, IReadOnlyList<string> b) =>
        a.Count == b.Count && a.All(b.Contains);

    /// <summary>The data columns the formula reads, in order of first appearance (response first).</summary>
    public IReadOnlyList<string> Columns => ColumnsOf(Response.Concat(Terms.SelectMany(t => t)));

    /// <summary>The data columns the terms read (what predicting needs: the response excluded), in order of first appearance.</summary>
    public IReadOnlyList<string> InputColumns => ColumnsOf(Terms.SelectMany(t => t));

    private List<string> ColumnsOf(IEnumerable<string> factors)
    {
        var columns = new List<string>();
        foreach (var name in factors.Distinct())
            foreach (var (column, _) in ColumnReferences(_factors[name].Expr))
                if (!columns.Contains(column)) columns.Add(column);
        return columns;
    }

    /// <summary>The column names an expression reads, with their positions (function names and contrast arguments excluded).</summary>
    internal static IEnumerable<(string Column, int Position)> ColumnReferences(Expr expr)
    {
        switch (expr)
        {
            case NameExpr n:
                yield return (n.Name, n.Position);
                break;
            case CallExpr { Function: "Q", Args: [StringExpr s] } q:
                yield return (s.Value, q.Position);
                break;
            case CallExpr c:
                var args = c.Function == "C" ? c.Args.Take(1) : c.Args;
                foreach (var a in args)
                    foreach (var r in ColumnReferences(a)) yield return r;
                if (c.Function != "C")
                    foreach (var kv in c.Keywords)
                        foreach (var r in ColumnReferences(kv.Value)) yield return r;
                break;
            case BinaryExpr b:
                foreach (var r in ColumnReferences(b.Left)) yield return r;
                foreach (var r in ColumnReferences(b.Right)) yield return r;
                break;
            case NegateExpr u:
                foreach (var r in ColumnReferences(u.Operand)) yield return r;
                break;
        }
    }

    /// <summary>
    /// Checks that every column the formula reads is among <paramref name="available"/>.
    /// </summary>
    /// <param name="available">The columns of the data.</param>
    /// <param name="source">The data's name for the message (a file name).</param>
    /// <param name="response">Whether the response's columns are needed too (to fit; not to predict).</param>
    /// <exception cref="FormulaException">A column is missing; the message lists the columns there are.</exception>
    public void CheckColumns(IReadOnlyCollection<string> available, string source, bool response = true)
    {
        ArgumentNullException.ThrowIfNull(available);
        foreach (var name in (response ? Response : []).Concat(Terms.SelectMany(t => t)).Distinct())
            foreach (var (column, position) in ColumnReferences(_factors[name].Expr))
                if (!available.Contains(column))
                    throw new FormulaException(Text, position, $"{source} has no column '{column}'. Its columns are: {string.Join(", ", available.Select(c => $"'{c}'"))}" +
                        (column.Any(ch => !char.IsLetterOrDigit(ch) && ch is not '_' and not '.') ? "." : ". Names are case-sensitive; write Q(\"name\") for a name with spaces or symbols."));
    }
}
