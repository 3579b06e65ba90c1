using System.Globalization;

namespace Lsgd.Formulas;

/// <summary>What a factor is once fitted.</summary>
internal abstract record FactorState;

/// <summary>A numeric factor of one column, or a <c>poly()</c> of <see cref="OrthogonalPolynomial.Degree"/> columns.</summary>
internal sealed record NumericState(int Columns, OrthogonalPolynomial? Polynomial) : FactorState
{
    public int Width => Polynomial?.Degree ?? Columns;
}

/// <summary>A categorical factor: its sorted levels (labels; for a numeric column also their values) and its reference level.</summary>
internal sealed record CategoricalState(IReadOnlyList<string> Levels, double[]? Values, int Reference) : FactorState
{
    /// <summary>The level of reduced-rank column j (every level but the reference, in order).</summary>
    public int Coded(int j) => j < Reference ? j : j + 1;

    public static CategoricalState Create(Formula formula, FactorNode factor, string[] levels, bool numeric)
    {
        double[]? values = numeric ? [.. levels.Select(l => double.Parse(l, NumberStyles.Float, CultureInfo.InvariantCulture))] : null;
        int reference = 0;
        if (factor.Expr is CallExpr { Function: "C" } c && Evaluator.ReferenceOf(formula, c) is { } r)
        {
            reference = r is StringExpr s
                ? Array.IndexOf(levels, s.Value)
                : r is NumberExpr or NegateExpr { Operand: NumberExpr } && values is not null
                    ? Array.IndexOf(values, Evaluator.Constant(r))
                    : -1;
            if (reference < 0)
                throw new FormulaException(formula.Text, r.Position, $"the reference level is not a level of {factor.Name}; its levels are: {string.Join(", ", levels.Select(l => $"'{l}'"))}" +
                    (values is null ? " (text: quote it, Treatment('b'))." : " (numbers: Treatment(3))."));
        }
        return new CategoricalState(levels, values, reference);
    }
}

/// <summary>A factor's values on some data.</summary>
internal abstract record FactorValue
{
    /// <summary>The value of the factor's column <paramref name="j"/> (categories coded with a column per level when <paramref name="fullRank"/>) at row <paramref name="row"/>.</summary>
    public abstract double Column(bool fullRank, int j, int row);
}

internal sealed record NumericValue(double[][] Columns) : FactorValue
{
    public override double Column(bool fullRank, int j, int row) => Columns[j][row];
}

internal sealed record CategoricalValue(int[] Codes, CategoricalState State) : FactorValue
{
    public override double Column(bool fullRank, int j, int row) => Codes[row] == (fullRank ? j : State.Coded(j)) ? 1.0 : 0.0;
}

/// <summary>Evaluates factors on data: arithmetic, functions, categories and polynomials.</summary>
internal sealed class Evaluator(Formula formula, DataColumns data)
{
    private static readonly Dictionary<string, Func<double, double>> Functions = new(StringComparer.Ordinal)
    {
        ["log"] = Math.Log,
        ["log2"] = Math.Log2,
        ["log10"] = Math.Log10,
        ["exp"] = Math.Exp,
        ["sqrt"] = Math.Sqrt,
        ["abs"] = Math.Abs,
    };

    private const string FunctionList = "C(), I(), Q(), poly(x, k), log, log2, log10, exp, sqrt, abs (also as np.log …)";

    private static string? MathFunction(string name)
    {
        string bare = name.StartsWith("np.", StringComparison.Ordinal) ? name[3..] : name.StartsWith("numpy.", StringComparison.Ordinal) ? name[6..] : name;
        return Functions.ContainsKey(bare) ? bare : null;
    }

    /// <summary>Whether a factor is a category: <c>C(…)</c>, or a text column named alone.</summary>
    public bool IsCategorical(Expr expr) => expr switch
    {
        CallExpr { Function: "C" } => true,
        NameExpr n => data.Contains(n.Name) && data.IsText(n.Name),
        CallExpr { Function: "Q", Args: [StringExpr s] } => data.Contains(s.Value) && data.IsText(s.Value),
        _ => false,
    };

    private Expr CategoryArgument(Expr expr)
    {
        if (expr is not CallExpr { Function: "C" } c) return expr;
        if (c.Args.Count is < 1 or > 2 || c.Keywords.Count > 0)
            throw new FormulaException(formula.Text, c.Position, "C() takes a column and optionally its coding: C(region) or C(region, Treatment('north')).");
        _ = ReferenceOf(formula, c);
        return c.Args[0];
    }

    /// <summary>The reference level of <c>C(x, Treatment(ref))</c>, or null for the default (the first level).</summary>
    internal static Expr? ReferenceOf(Formula formula, CallExpr c)
    {
        if (c.Args.Count < 2) return null;
        var coding = c.Args[1];
        if (coding is NameExpr { Name: "Treatment" }) return null;
        if (coding is CallExpr { Function: "Treatment" } t)
        {
            if (t.Args.Count == 0 && t.Keywords.Count == 0) return null;
            if (t.Args.Count == 1 && t.Keywords.Count == 0) return t.Args[0];
            if (t.Args.Count == 0 && t.Keywords is [{ Key: "reference" } kv]) return kv.Value;
            throw new FormulaException(formula.Text, t.Position, "Treatment takes one reference level: Treatment('north') or Treatment(reference='north').");
        }
        string what = coding switch { NameExpr n => n.Name, CallExpr f => f.Function, _ => "that" };
        throw new FormulaException(formula.Text, coding.Position, $"'{what}' coding is not available: categories are coded by treatment contrasts; choose the reference level with Treatment('level').");
    }

    internal static double Constant(Expr e) => e switch
    {
        NumberExpr n => n.Value,
        NegateExpr { Operand: NumberExpr n } => -n.Value,
        _ => double.NaN,
    };

    /// <summary>Learns the levels of a categorical factor.</summary>
    public CategoricalState FitCategory(FactorNode factor)
    {
        var arg = CategoryArgument(factor.Expr);
        if (TextColumn(arg) is { } text)
        {
            var levels = text.Select(t => t.Trim()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
            return CategoricalState.Create(formula, factor, levels, numeric: false);
        }
        var values = Numeric(arg);
        var distinct = values.Distinct().Order().ToArray();
        bool integral = distinct.All(v => v == Math.Floor(v) && Math.Abs(v) < 1e15);
        var labels = distinct.Select(v => Label(v, integral)).ToArray();
        return CategoricalState.Create(formula, factor, labels, numeric: true);
    }

    /// <summary>A numeric level as pandas prints it: 6 for a column of integers, 6.0 and 0.25 for floats.</summary>
    private static string Label(double v, bool integral)
    {
        if (integral) return ((long)v).ToString(CultureInfo.InvariantCulture);
        string r = v.ToString("R", CultureInfo.InvariantCulture);
        return r.Contains('.') || r.Contains('E') ? r : r + ".0";
    }

    /// <summary>Learns the basis of <c>poly(x, k)</c>.</summary>
    public OrthogonalPolynomial FitPolynomial(CallExpr poly)
    {
        var (x, degree) = PolynomialArguments(poly);
        try
        {
            return OrthogonalPolynomial.Fit(x, degree);
        }
        catch (ArgumentException e)
        {
            throw new FormulaException(formula.Text, poly.Position, $"{e.Message} Lower the degree of poly().");
        }
    }

    private (double[] X, int Degree) PolynomialArguments(CallExpr poly)
    {
        Expr? degreeArg = poly.Args.Count == 2 && poly.Keywords.Count == 0 ? poly.Args[1]
            : poly.Args.Count == 1 && poly.Keywords is [{ Key: "degree" } kv] ? kv.Value
            : null;
        if (degreeArg is not NumberExpr { Value: >= 1 and <= 100 } d || d.Value != Math.Floor(d.Value))
            throw new FormulaException(formula.Text, poly.Position, "poly() takes a column and a degree from 1 to 100: poly(x, 3).");
        return (Numeric(poly.Args[0]), (int)d.Value);
    }

    /// <summary>The factor's values on the data, coded by its fitted state.</summary>
    public FactorValue Evaluate(FactorNode factor, FactorState state)
    {
        switch (state)
        {
            case CategoricalState c:
            {
                var arg = CategoryArgument(factor.Expr);
                var codes = new int[data.Rows];
                if (c.Values is null)
                {
                    var text = TextColumn(arg) ?? throw new FormulaException(formula.Text, arg.Position,
                        $"{factor.Name} was text when the model was fitted, but these data hold numbers there. Give the column its text categories.");
                    var index = c.Levels.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => p.i, StringComparer.Ordinal);
                    for (int i = 0; i < codes.Length; i++)
                        codes[i] = index.TryGetValue(text[i].Trim(), out int k) ? k : throw Unseen(factor, c, text[i].Trim(), i);
                }
                else
                {
                    if (TextColumn(arg) is not null)
                        throw new FormulaException(formula.Text, arg.Position, $"{factor.Name} held numbers when the model was fitted, but these data hold text there.");
                    var values = Numeric(arg);
                    var index = new Dictionary<double, int>();
                    for (int i = 0; i < c.Values.Length; i++) index[c.Values[i]] = i;
                    for (int i = 0; i < codes.Length; i++)
                        codes[i] = index.TryGetValue(values[i], out int k) ? k : throw Unseen(factor, c, values[i].ToString("R", CultureInfo.InvariantCulture), i);
                }
                return new CategoricalValue(codes, c);
            }
            case NumericState { Polynomial: { } p }:
            {
                var columns = p.Evaluate(PolynomialArguments((CallExpr)factor.Expr).X);
                return new NumericValue(columns);
            }
            default:
            {
                if (IsCategorical(factor.Expr))
                    throw new FormulaException(formula.Text, factor.Position, $"{factor.Name} holds text in these data but numbers when the model was fitted.");
                var v = Numeric(factor.Expr);
                for (int i = 0; i < v.Length; i++)
                    if (!double.IsFinite(v[i]))
                        throw new FormulaException(formula.Text, factor.Position, $"{factor.Name} is {(double.IsNaN(v[i]) ? "not a number" : "infinite")} at {data.DescribeRow(i)} " +
                            "(a log or square root of a value out of its domain, a division by zero, or an overflow). Transform the column differently, or leave that row out.");
                return new NumericValue([v]);
            }
        }
    }

    private FormulaException Unseen(FactorNode factor, CategoricalState c, string level, int row) =>
        new(formula.Text, factor.Position, $"{data.DescribeRow(row)} has the category '{level}' of {factor.Name}, which the model was not fitted with " +
            $"(its levels are: {string.Join(", ", c.Levels.Select(l => $"'{l}'"))}). Predict only rows of known categories, or refit with data that hold it.");

    private string[]? TextColumn(Expr expr) => expr switch
    {
        NameExpr n when data.Contains(n.Name) && data.IsText(n.Name) => data.TextArray(n.Name),
        CallExpr { Function: "Q", Args: [StringExpr s] } when data.Contains(s.Value) && data.IsText(s.Value) => data.TextArray(s.Value),
        _ => null,
    };

    /// <summary>Evaluates numeric arithmetic, row by row.</summary>
    public double[] Numeric(Expr expr)
    {
        int n = data.Rows;
        switch (expr)
        {
            case NumberExpr num:
                return Filled(n, num.Value);
            case NameExpr name:
                return Column(name.Name, name.Position);
            case NegateExpr neg:
                return [.. Numeric(neg.Operand).Select(v => -v)];
            case BinaryExpr b:
            {
                var l = Numeric(b.Left);
                var r = Numeric(b.Right);
                var result = new double[n];
                for (int i = 0; i < n; i++)
                    result[i] = b.Op switch
                    {
                        "+" => l[i] + r[i],
                        "-" => l[i] - r[i],
                        "*" => l[i] * r[i],
                        "/" => l[i] / r[i],
                        _ => Math.Pow(l[i], r[i]),
                    };
                return result;
            }
            case StringExpr s:
                throw new FormulaException(formula.Text, s.Position, "a quoted string is not a number; to name a column write Q(\"name\").");
            case CallExpr { Function: "Q" } q:
                if (q.Args is not [StringExpr column] || q.Keywords.Count > 0)
                    throw new FormulaException(formula.Text, q.Position, "Q() takes one quoted column name: Q(\"my column\").");
                return Column(column.Value, q.Position);
            case CallExpr { Function: "I" } i:
                if (i.Args.Count != 1 || i.Keywords.Count > 0)
                    throw new FormulaException(formula.Text, i.Position, "I() takes one expression: I(x ** 2).");
                return Numeric(i.Args[0]);
            case CallExpr { Function: "C" or "poly" } whole:
                throw new FormulaException(formula.Text, whole.Position, $"{whole.Function}() must be a whole factor (a term, or joined by ':'), not part of arithmetic.");
            case CallExpr f when MathFunction(f.Function) is { } bare:
            {
                if (f.Args.Count != 1 || f.Keywords.Count > 0)
                    throw new FormulaException(formula.Text, f.Position, $"{f.Function}() takes one argument.");
                var fn = Functions[bare];
                return [.. Numeric(f.Args[0]).Select(fn)];
            }
            case CallExpr f:
                throw new FormulaException(formula.Text, f.Position, $"there is no function '{f.Function}'. The functions are: {FunctionList}.");
            default:
                throw new InvalidOperationException(expr.GetType().Name);
        }
    }

    private double[] Column(string name, int position)
    {
        if (!data.Contains(name))
            throw new FormulaException(formula.Text, position, $"the data have no column '{name}'. Their columns are: {string.Join(", ", data.Names.Select(c => $"'{c}'"))}.");
        if (data.IsText(name))
            throw new FormulaException(formula.Text, position, $"the column '{name}' holds text: it can be a category ({name} or C({name})), not part of arithmetic.");
        return data.NumberArray(name);
    }

    private static double[] Filled(int n, double v)
    {
        var a = new double[n];
        Array.Fill(a, v);
        return a;
    }
}
