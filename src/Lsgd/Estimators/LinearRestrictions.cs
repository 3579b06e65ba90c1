using System.Globalization;
using Lsgd.Internals;
using Lsgd.LinearAlgebra;
using Lsgd.Models;

namespace Lsgd.Estimators;

/// <summary>The Wald F test of linear restrictions Rθ = q (statsmodels' <c>f_test</c>).</summary>
/// <param name="F">[(Rθ̂ − q)ᵀ(R Cov Rᵀ)⁻¹(Rθ̂ − q)]/r, r the number of restrictions.</param>
/// <param name="NumeratorDegreesOfFreedom">r (statsmodels' <c>df_num</c>).</param>
/// <param name="DenominatorDegreesOfFreedom">n − p, the fit's residual degrees of freedom (<c>df_denom</c>).</param>
/// <param name="P">P(F' &gt; F) for F' ~ F(r, n − p).</param>
public sealed record WaldTest(double F, int NumeratorDegreesOfFreedom, int DenominatorDegreesOfFreedom, double P);

/// <summary>
/// Linear restrictions on a model's parameters, written as text: <c>"x1 = x2, x3 = 0"</c>, <c>"2*x1 - x2 = 1"</c>,
/// <c>"(intercept) = 0"</c>. Each comma-separated restriction is a linear combination of parameter names with
/// numeric coefficients (<c>2*x1</c>, <c>x1*2</c>, <c>0.5 x1</c> is not accepted), an optional <c>=</c> and a
/// right-hand side (<c>= 0</c> when omitted), as in patsy's linear constraints that statsmodels' <c>f_test</c>
/// reads. Names are the model's features and <c>(intercept)</c> (also <c>Intercept</c> or <c>const</c> when no
/// feature is so named); the longest name that fits is taken, so names may hold spaces or operators.
/// </summary>
public sealed class LinearRestrictions
{
    private readonly double[] _r;
    private readonly double[] _q;

    private LinearRestrictions(string text, IReadOnlyList<string> names, double[] r, double[] q)
    {
        Text = text; Names = names; _r = r; _q = q;
    }

    /// <summary>The restrictions as written.</summary>
    public string Text { get; }

    /// <summary>The parameters' names, in the order of the columns of R: <c>(intercept)</c> first when present, then the features.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>r, the number of restrictions (rows of R).</summary>
    public int Count => _q.Length;

    /// <summary>R, r × p row-major.</summary>
    public ReadOnlySpan<double> Matrix => _r;

    /// <summary>q, the right-hand sides.</summary>
    public ReadOnlySpan<double> Constants => _q;

    /// <summary>Parses <paramref name="text"/> against the parameters of <paramref name="model"/>.</summary>
    /// <exception cref="LsgdException">An unknown name, a malformed restriction (with its position, counting from 1), a restriction naming no parameter, or restrictions that are linearly dependent.</exception>
    public static LinearRestrictions Parse(string text, LinearModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Parse(text, model.HasIntercept ? [ParameterCovariance.InterceptName, .. model.FeatureNames] : [.. model.FeatureNames]);
    }

    /// <summary>Parses <paramref name="text"/> against parameter <paramref name="names"/> (the columns of R).</summary>
    /// <exception cref="LsgdException">An unknown name, a malformed restriction (with its position, counting from 1), a restriction naming no parameter, or restrictions that are linearly dependent.</exception>
    public static LinearRestrictions Parse(string text, IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(names);
        var parser = new Parser(text, names);
        var (r, q) = parser.Restrictions();
        int p = names.Count, count = q.Count;
        var matrix = r.SelectMany(row => row).ToArray();
        CheckIndependent(text, matrix, count, p);
        return new LinearRestrictions(text, [.. names], matrix, [.. q]);
    }

    /// <summary>
    /// The Wald F test of these restrictions for output <paramref name="output"/> of <paramref name="model"/>, with
    /// the parameters' covariance <paramref name="covariance"/>.
    /// </summary>
    /// <exception cref="LsgdException">The model and covariance do not have the parameters these restrictions were parsed for.</exception>
    public WaldTest Test(LinearModel model, ParameterCovariance covariance, int output = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(covariance);
        if (!covariance.Names.SequenceEqual(Names) || model.Features != covariance.Features || model.HasIntercept != covariance.HasIntercept)
            Throw.Data($"The restrictions were written for the parameters {string.Join(", ", Names)}, but the model has {string.Join(", ", covariance.Names)}.");
        int p = Names.Count, r = Count, off = model.HasIntercept ? 1 : 0;
        var theta = new double[p];
        if (off == 1) theta[0] = model.Intercept(output);
        model.Coefficients(output).CopyTo(theta.AsSpan(off));
        var c = covariance.Matrix(output);
        // v = Rθ − q; A = R Cov Rᵀ.
        var v = new double[r];
        var rc = new double[r * p];
        for (int i = 0; i < r; i++)
        {
            var row = _r.AsSpan(i * p, p);
            double s = 0, e = 0;
            for (int j = 0; j < p; j++) Accurate.TwoSumInto(ref s, ref e, row[j] * theta[j]);
            Accurate.TwoSumInto(ref s, ref e, -_q[i]);
            v[i] = s + e;
            for (int j = 0; j < p; j++) rc[i * p + j] = Accurate.Dot(row, c.Slice(j * p, p));
        }
        var a = new double[r * r];
        for (int i = 0; i < r; i++)
            for (int j = 0; j < r; j++) a[i * r + j] = Accurate.Dot(rc.AsSpan(i * p, p), _r.AsSpan(j * p, p));
        int dof = covariance.DegreesOfFreedom;
        if (!Cholesky.TryFactor(a, r, 0, out var chol, out _))
            return new WaldTest(double.NaN, r, dof, double.NaN);
        var z = (double[])v.Clone();
        chol.Solve(z);
        double f = Accurate.Dot(v, z) / r;
        return new WaldTest(f, r, dof, SpecialFunctions.FUpperTail(f, r, dof));
    }

    /// <summary>Fails when a restriction is (numerically) a combination of the others: Gram–Schmidt on R's rows.</summary>
    private static void CheckIndependent(string text, double[] matrix, int count, int p)
    {
        var basis = new List<double[]>();
        for (int i = 0; i < count; i++)
        {
            var v = matrix.AsSpan(i * p, p).ToArray();
            double norm0 = Math.Sqrt(Accurate.Dot(v, v));
            for (int pass = 0; pass < 2; pass++)
                foreach (var b in basis)
                {
                    double dot = Accurate.Dot(b, v);
                    for (int j = 0; j < p; j++) v[j] -= dot * b[j];
                }
            double norm = Math.Sqrt(Accurate.Dot(v, v));
            if (!(norm > 1e-10 * norm0))
                Throw.Data($"The restrictions \"{text}\" are not independent: restriction {i + 1} follows from the ones before it. Drop it (each restriction must add a condition).");
            for (int j = 0; j < p; j++) v[j] /= norm;
            basis.Add(v);
        }
    }

    /// <summary>A recursive-descent parser over the text, positions counted from 1 in messages.</summary>
    private sealed class Parser(string text, IReadOnlyList<string> names)
    {
        private int _at;
        private readonly string[] _aliases = names.Contains(ParameterCovariance.InterceptName)
            ? [.. new[] { "Intercept", "const" }.Where(a => !names.Contains(a))] : [];

        public (List<double[]> R, List<double> Q) Restrictions()
        {
            var r = new List<double[]>();
            var q = new List<double>();
            SkipSpace();
            if (_at == text.Length)
                Fail("is empty", "Write restrictions such as \"x1 = x2, x3 = 0\".");
            while (true)
            {
                int start = _at;
                var row = new double[names.Count];
                double constant = 0;
                Side(row, ref constant, +1);
                if (Peek('='))
                {
                    _at++;
                    Side(row, ref constant, -1);
                }
                if (Peek('='))
                    Fail($"has a second '=' at position {_at + 1}", "Write one '=' per restriction and separate restrictions with commas.");
                if (row.All(v => v == 0))
                    Throw.Data($"The restriction \"{text[start.._at].Trim()}\" (restriction {q.Count + 1} of \"{text}\") restricts no parameter: its names cancel or it has none. " +
                        $"Name parameters: {string.Join(", ", names)}.");
                r.Add(row);
                q.Add(-constant);
                if (_at == text.Length) break;
                if (!Peek(','))
                    Fail($"has '{Token()}' at position {_at + 1} where ',', '=', '+', '-' or the end was expected", "Separate restrictions with commas and join terms with + or -.");
                _at++;
            }
            return (r, q);
        }

        /// <summary>Adds sign·(side) to the row; constants move to <paramref name="constant"/> (row·θ + constant = 0).</summary>
        private void Side(double[] row, ref double constant, int sign)
        {
            SkipSpace();
            bool first = true;
            while (true)
            {
                int termSign = sign;
                if (Peek('+') || Peek('-'))
                {
                    if (text[_at] == '-') termSign = -sign;
                    _at++;
                    SkipSpace();
                }
                else if (!first) return;
                first = false;
                if (TryName(out int index))
                {
                    double factor = 1;
                    if (Peek('*'))
                    {
                        int star = _at++;
                        SkipSpace();
                        factor = Number() ?? Fail<double>($"has no number after the '*' at position {star + 1}", "Write a coefficient as 2*x1 or x1*2.");
                    }
                    row[index] += termSign * factor;
                }
                else if (Number() is { } value)
                {
                    if (Peek('*'))
                    {
                        int star = _at++;
                        SkipSpace();
                        if (!NameStartsHere())
                            Fail($"has no name after the '*' at position {star + 1}", "Write a coefficient as 2*x1 or x1*2.");
                        if (!TryName(out int named))
                            UnknownName();
                        row[named] += termSign * value;
                    }
                    else if (NameStartsHere())
                        UnknownName();
                    else
                        constant += termSign * value;
                }
                else if (_at == text.Length || text[_at] is ',' or '=')
                    Fail($"ends a term early at position {_at + 1}: a name or number is missing", "Write restrictions such as \"x1 = x2, x3 = 0\".");
                else
                    UnknownName();
                SkipSpace();
            }
        }

        private bool NameStartsHere() => _at < text.Length && !IsDelimiter(text[_at]);

        private bool TryName(out int index)
        {
            index = -1;
            int best = 0;
            for (int j = 0; j < names.Count + _aliases.Length; j++)
            {
                string name = j < names.Count ? names[j] : _aliases[j - names.Count];
                if (name.Length > best && string.CompareOrdinal(text, _at, name, 0, name.Length) == 0 && (_at + name.Length == text.Length || IsDelimiter(text[_at + name.Length])))
                {
                    best = name.Length;
                    index = j < names.Count ? j : 0;   // an alias of the intercept, which comes first
                }
            }
            if (index < 0) return false;
            _at += best;
            SkipSpace();
            return true;
        }

        private double? Number()
        {
            int start = _at;
            while (_at < text.Length && (char.IsAsciiDigit(text[_at]) || text[_at] == '.')) _at++;
            if (_at > start && _at < text.Length && text[_at] is 'e' or 'E')
            {
                int mark = _at++;
                if (_at < text.Length && text[_at] is '+' or '-') _at++;
                int digits = _at;
                while (_at < text.Length && char.IsAsciiDigit(text[_at])) _at++;
                if (_at == digits) _at = mark;
            }
            if (_at == start) return null;
            if (!double.TryParse(text.AsSpan(start, _at - start), NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
            {
                _at = start;
                Fail($"has a malformed number '{text[start.._at]}' at position {start + 1}", "Write numbers as 2, 0.5 or 1e-3.");
            }
            SkipSpace();
            return value;
        }

        private static bool IsDelimiter(char c) => char.IsWhiteSpace(c) || c is '+' or '-' or '*' or '=' or ',';

        /// <summary>The text from the current position to the next delimiter (at least one character).</summary>
        private string Token()
        {
            int end = _at;
            while (end < text.Length && !IsDelimiter(text[end])) end++;
            return text[_at..Math.Max(end, Math.Min(_at + 1, text.Length))];
        }

        private void UnknownName()
        {
            int start = _at;
            Throw.Data($"The restrictions \"{text}\" name '{Token()}' at position {start + 1}, which is not a parameter of the model. " +
                $"The parameters are {string.Join(", ", names)}.");
        }

        private bool Peek(char c) => _at < text.Length && text[_at] == c;

        private void SkipSpace()
        {
            while (_at < text.Length && char.IsWhiteSpace(text[_at])) _at++;
        }

        [System.Diagnostics.CodeAnalysis.DoesNotReturn]
        private void Fail(string what, string hint) => Throw.Data($"The restrictions \"{text}\" {what}. {hint}");

        private T Fail<T>(string what, string hint)
        {
            Fail(what, hint);
            return default!;
        }
    }
}
