using System.Globalization;

namespace Lsgd.Formulas;

/// <summary>
/// A <see cref="Formula"/> fitted to data: which columns are categories and their levels, the coefficients of
/// every <c>poly()</c>, and the design's columns. It builds the same design matrix for new data (as patsy's
/// <c>build_design_matrices</c> with a saved <c>DesignInfo</c>), so a saved model predicts as it was fitted.
/// </summary>
/// <remarks>
/// Columns and names follow patsy: terms are grouped by the numeric factors they hold (terms with none first) and
/// ordered by degree within a group; a categorical factor is coded by treatment contrasts (reference = its first
/// level in sorted order, or <c>Treatment('b')</c>) where a lower-order term already spans its intercept, by one
/// indicator per level where not (so <c>y ~ 0 + C(g)</c> has a column per level). Names read <c>C(g)[T.b]</c>,
/// <c>C(g)[b]</c>, <c>x1:x2</c>, <c>x:C(g)[T.b]</c> and, for a factor of several columns, <c>poly(x, 2)[0]</c>
/// (patsy numbers a factor's columns from 0; that is R's <c>poly(x, 2)1</c>). The intercept is not a column
/// here: <see cref="HasIntercept"/> says whether the model has one.
/// </remarks>
public sealed class FormulaEncoding
{
    private readonly Dictionary<string, FactorState> _states;
    private readonly List<Subterm> _subterms;

    private FormulaEncoding(Formula formula, Dictionary<string, FactorState> states, IReadOnlyList<string> textColumns)
    {
        Formula = formula;
        _states = states;
        TextColumns = textColumns;
        _subterms = Layout(formula, states);
        FeatureNames = [.. _subterms.SelectMany(s => s.Names)];
    }

    /// <summary>The formula.</summary>
    public Formula Formula { get; }

    /// <summary>The names of the design's columns (the coefficients), the intercept excluded.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>The response's names (one per output).</summary>
    public IReadOnlyList<string> TargetNames => Formula.Response;

    /// <summary>Whether the model has an intercept.</summary>
    public bool HasIntercept => Formula.HasIntercept;


    /// <summary>The columns the formula reads that were text when fitted (read them as text to predict).</summary>
    public IReadOnlyList<string> TextColumns { get; }

    /// <summary>The levels of each categorical factor (by factor name), sorted: numbers by value, text by ordinal comparison.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Levels =>
        _states.Where(kv => kv.Value is CategoricalState).ToDictionary(kv => kv.Key, kv => ((CategoricalState)kv.Value).Levels, StringComparer.Ordinal);

    /// <summary>The fitted basis of each <c>poly()</c> factor, by factor name.</summary>
    public IReadOnlyDictionary<string, OrthogonalPolynomial> Polynomials =>
        _states.Where(kv => kv.Value is NumericState { Polynomial: not null }).ToDictionary(kv => kv.Key, kv => ((NumericState)kv.Value).Polynomial!, StringComparer.Ordinal);

    /// <summary>Learns the encoding from <paramref name="data"/>: categories and their levels, polynomial bases.</summary>
    /// <exception cref="FormulaException">An unknown column, a misuse of a text column, an unknown function, a bad argument, a reference level that does not occur.</exception>
    public static FormulaEncoding Fit(Formula formula, DataColumns data)
    {
        ArgumentNullException.ThrowIfNull(formula);
        ArgumentNullException.ThrowIfNull(data);
        formula.CheckColumns(data.Names, "The data");
        var states = new Dictionary<string, FactorState>(StringComparer.Ordinal);
        var evaluator = new Evaluator(formula, data);
        foreach (var name in formula.Response)
        {
            var f = formula.Factors[name];
            if (evaluator.IsCategorical(f.Expr) || f.Expr is CallExpr { Function: "poly" })
                throw new FormulaException(formula.Text, f.Position, $"the response '{name}' must be one numeric column (or arithmetic on one).");
            states[name] = new NumericState(1, null);
        }
        foreach (var name in formula.Terms.SelectMany(t => t).Distinct())
        {
            var f = formula.Factors[name];
            if (evaluator.IsCategorical(f.Expr))
                states[name] = evaluator.FitCategory(f);
            else if (f.Expr is CallExpr { Function: "poly" } poly)
                states[name] = new NumericState(0, evaluator.FitPolynomial(poly));
            else
                states[name] = new NumericState(1, null);
        }
        var text = formula.Columns.Where(data.IsText).ToArray();
        return new FormulaEncoding(formula, states, text);
    }

    /// <summary>Rebuilds a saved encoding (from <see cref="Levels"/>, <see cref="Polynomials"/> and <see cref="TextColumns"/>).</summary>
    /// <exception cref="FormulaException">The formula does not parse, or the saved state does not match it.</exception>
    public static FormulaEncoding Restore(string formula, IReadOnlyList<string> textColumns,
        IReadOnlyDictionary<string, IReadOnlyList<string>> levels, IReadOnlyDictionary<string, OrthogonalPolynomial> polynomials)
    {
        ArgumentNullException.ThrowIfNull(textColumns);
        ArgumentNullException.ThrowIfNull(levels);
        ArgumentNullException.ThrowIfNull(polynomials);
        var parsed = Formula.Parse(formula);
        var states = new Dictionary<string, FactorState>(StringComparer.Ordinal);
        foreach (var name in parsed.Response)
            states[name] = new NumericState(1, null);
        foreach (var name in parsed.Terms.SelectMany(t => t).Distinct())
        {
            var f = parsed.Factors[name];
            if (levels.TryGetValue(name, out var l))
            {
                bool numeric = !IsTextCategory(f.Expr, textColumns);
                states[name] = CategoricalState.Create(parsed, f, [.. l], numeric);
            }
            else if (polynomials.TryGetValue(name, out var p))
                states[name] = new NumericState(0, p);
            else if (f.Expr is CallExpr { Function: "C" } || f.Expr is CallExpr { Function: "poly" } || IsTextCategory(f.Expr, textColumns))
                throw new FormulaException(formula, f.Position, $"the saved encoding has no levels or coefficients for '{name}'; the model file was damaged or edited.");
            else
                states[name] = new NumericState(1, null);
        }
        return new FormulaEncoding(parsed, states, [.. textColumns]);
    }

    private static bool IsTextCategory(Expr expr, IReadOnlyList<string> textColumns) => expr switch
    {
        CallExpr { Function: "C", Args.Count: > 0 } c => IsTextCategory(c.Args[0], textColumns),
        NameExpr n => textColumns.Contains(n.Name),
        CallExpr { Function: "Q", Args: [StringExpr s] } => textColumns.Contains(s.Value),
        _ => false,
    };

    /// <summary>Builds the design matrix of <paramref name="data"/> (and its response, when <paramref name="response"/> and the formula has one).</summary>
    /// <exception cref="FormulaException">A missing column, a category not seen when fitting (naming the row), a value that is not finite (naming the row).</exception>
    public DesignMatrix Build(DataColumns data, bool response = true)
    {
        ArgumentNullException.ThrowIfNull(data);
        response &= Formula.Response.Count > 0;
        Formula.CheckColumns(data.Names, "The data", response);
        var evaluator = new Evaluator(Formula, data);
        int n = data.Rows, d = FeatureNames.Count;
        var values = new Dictionary<string, FactorValue>(StringComparer.Ordinal);
        FactorValue Value(string name) => values.TryGetValue(name, out var v) ? v : values[name] = evaluator.Evaluate(Formula.Factors[name], _states[name]);
        var x = new double[checked(n * d)];
        int column = 0;
        foreach (var subterm in _subterms)
        {
            var factors = subterm.Factors.Select(f => Value(f.Name)).ToArray();
            var widths = subterm.Factors.Select(f => f.Width).ToArray();
            var index = new int[factors.Length];
            for (int c = 0; c < subterm.Names.Count; c++, column++)
            {
                for (int i = 0; i < n; i++)
                {
                    double v = 1;
                    for (int k = 0; k < factors.Length; k++)
                        v *= factors[k].Column(subterm.Factors[k].FullRank, index[k], i);
                    x[i * d + column] = v;
                }
                for (int k = 0; k < index.Length; k++)   // the left-most factor varies fastest, as in R and patsy
                {
                    if (++index[k] < widths[k]) break;
                    index[k] = 0;
                }
            }
        }
        double[]? y = null;
        if (response)
        {
            int k = Formula.Response.Count;
            y = new double[n * k];
            for (int o = 0; o < k; o++)
            {
                var v = ((NumericValue)Value(Formula.Response[o])).Columns[0];
                for (int i = 0; i < n; i++) y[i * k + o] = v[i];
            }
        }
        return new DesignMatrix(x, y, n, FeatureNames, y is null ? [] : TargetNames);
    }

    // ---- layout: patsy's redundancy elimination (patsy/redundancy.py, patsy/build.py _make_subterm_infos) ----

    /// <summary>A factor as it enters a subterm: numeric (all its columns), or categorical coded with or without its reference column.</summary>
    private sealed record SubtermFactor(string Name, FactorState State, bool FullRank)
    {
        public int Width => State is CategoricalState c ? (FullRank ? c.Levels.Count : c.Levels.Count - 1) : ((NumericState)State).Width;

        public string Piece(int j) => State switch
        {
            CategoricalState c => FullRank ? $"{Name}[{c.Levels[j]}]" : $"{Name}[T.{c.Levels[c.Coded(j)]}]",
            NumericState s when s.Width == 1 => Name,
            _ => $"{Name}[{j.ToString(CultureInfo.InvariantCulture)}]",
        };
    }

    private sealed record Subterm(IReadOnlyList<SubtermFactor> Factors, IReadOnlyList<string> Names);

    private static List<Subterm> Layout(Formula formula, Dictionary<string, FactorState> states)
    {
        var terms = new List<IReadOnlyList<string>>();
        if (formula.HasIntercept) terms.Add([]);
        terms.AddRange(formula.Terms);
        bool Numeric(string f) => states[f] is NumericState;
        // Group terms by the set of numeric factors they hold; the group without numeric factors first.
        var buckets = new List<(List<string> Key, List<IReadOnlyList<string>> Terms)>();
        foreach (var term in terms)
        {
            var key = term.Where(Numeric).ToList();
            var bucket = buckets.FirstOrDefault(b => Formula.SameTerm(b.Key, key));
            if (bucket.Key is null)
                buckets.Add((key, [term]));
            else
                bucket.Terms.Add(term);
        }
        int empty = buckets.FindIndex(b => b.Key.Count == 0);
        if (empty > 0)
        {
            var b = buckets[empty];
            buckets.RemoveAt(empty);
            buckets.Insert(0, b);
        }
        var result = new List<Subterm>();
        foreach (var (_, bucketTerms) in buckets)
        {
            var used = new List<HashSet<string>>();
            foreach (var term in bucketTerms.OrderBy(t => t.Count))   // stable: ties keep the formula's order
            {
                foreach (var coding in PickContrasts(term.Where(f => !Numeric(f)).ToList(), used))
                {
                    var factors = new List<SubtermFactor>();
                    foreach (var f in term)
                    {
                        if (Numeric(f))
                            factors.Add(new SubtermFactor(f, states[f], false));
                        else if (coding.TryGetValue(f, out bool full))
                            factors.Add(new SubtermFactor(f, states[f], full));
                    }
                    result.Add(new Subterm(factors, Names(factors)));
                }
            }
        }
        return result;
    }

    private static List<string> Names(List<SubtermFactor> factors)
    {
        if (factors.Count == 0) return [];   // the intercept: not a feature column
        var names = new List<string>();
        var widths = factors.Select(f => f.Width).ToArray();
        int total = widths.Aggregate(1, (a, w) => a * w);
        var index = new int[factors.Count];
        for (int c = 0; c < total; c++)
        {
            names.Add(string.Join(":", factors.Select((f, k) => f.Piece(index[k]))));
            for (int k = 0; k < index.Length; k++)
            {
                if (++index[k] < widths[k]) break;
                index[k] = 0;
            }
        }
        return names;
    }

    /// <summary>
    /// patsy's <c>pick_contrasts_for_term</c>: the subterms of a term's categorical factors not yet spanned, merged
    /// greedily (a- and a-:b- become a-:b+); each result maps a factor to whether it is coded at full rank.
    /// </summary>
    private static List<Dictionary<string, bool>> PickContrasts(List<string> categorical, List<HashSet<string>> used)
    {
        var subsets = new List<int[]>();
        for (int mask = 0; mask < 1 << categorical.Count; mask++)
            subsets.Add([.. Enumerable.Range(0, categorical.Count).Where(i => (mask & (1 << i)) != 0)]);
        subsets.Sort((a, b) =>
        {
            if (a.Length != b.Length) return a.Length.CompareTo(b.Length);
            for (int i = 0; i < a.Length; i++)
                if (a[i] != b[i]) return a[i].CompareTo(b[i]);
            return 0;
        });
        var subterms = new List<HashSet<(string Factor, bool Full)>>();
        foreach (var subset in subsets)
        {
            var names = subset.Select(i => categorical[i]).ToHashSet(StringComparer.Ordinal);
            if (used.Any(u => u.SetEquals(names))) continue;
            subterms.Add([.. names.Select(f => (f, false))]);
        }
        used.AddRange(subterms.Select(s => s.Select(e => e.Factor).ToHashSet(StringComparer.Ordinal)));
        bool merged = true;
        while (merged)
        {
            merged = false;
            for (int s = 0; s < subterms.Count && !merged; s++)
            {
                for (int l = s + 1; l < subterms.Count && !merged; l++)
                {
                    var shortTerm = subterms[s];
                    var longTerm = subterms[l];
                    if (longTerm.Count - shortTerm.Count == 1 && longTerm.IsSupersetOf(shortTerm))
                    {
                        var extra = longTerm.Except(shortTerm).Single();
                        subterms[l] = [.. shortTerm, (extra.Factor, true)];
                        subterms.RemoveAt(s);
                        merged = true;
                    }
                }
            }
        }
        return [.. subterms.Select(s => s.ToDictionary(e => e.Factor, e => e.Full, StringComparer.Ordinal))];
    }
}

/// <summary>A design matrix built by a <see cref="FormulaEncoding"/>.</summary>
/// <param name="Features">n × d values, row-major (no intercept column).</param>
/// <param name="Targets">n × k response values, row-major; null when not built.</param>
/// <param name="Rows">n.</param>
/// <param name="FeatureNames">The d column names.</param>
/// <param name="TargetNames">The k response names.</param>
public sealed record DesignMatrix(double[] Features, double[]? Targets, int Rows, IReadOnlyList<string> FeatureNames, IReadOnlyList<string> TargetNames);
