using FsCheck;
using FsCheck.Fluent;
using Lsgd.Formulas;

namespace Lsgd.Tests.Formulas;

public class FormulaTest
{
    private static string Terms(string formula) => string.Join(" + ", Formula.Parse(formula).TermNames);

    [Theory]
    [InlineData("y ~ a * b", "a + b + a:b")]
    [InlineData("y ~ a:b + b:a", "a:b")]
    [InlineData("y ~ (a + b + c) ** 2", "a + b + c + a:b + a:c + b:c")]
    [InlineData("y ~ (a + b + c)^2", "a + b + c + a:b + a:c + b:c")]
    [InlineData("y ~ a / b", "a + a:b")]
    [InlineData("y ~ (a + b) / c", "a + b + a:b:c")]
    [InlineData("y ~ a * b - a:b", "a + b")]
    [InlineData("y ~ (a + b):(c + d)", "a:c + a:d + b:c + b:d")]
    [InlineData("y ~ a*b*c - a:b:c", "a + b + a:b + c + a:c + b:c")]
    [InlineData("y ~ x + x", "x")]
    [InlineData("y ~ I(x1^2) + log( x )", "I(x1 ** 2) + log(x)")]
    [InlineData("y ~ C(g,Treatment('b')) + np.sqrt(x)", "C(g, Treatment('b')) + np.sqrt(x)")]
    [InlineData("y ~ I(-x + 2*z) + I((x+1)**2)", "I(-x + 2 * z) + I((x + 1) ** 2)")]
    public void TermsExpandAsPatsyExpandsThem(string formula, string terms) => Assert.Equal(terms, Terms(formula));

    [Theory]
    [InlineData("y ~ x", true)]
    [InlineData("y ~ x - 1", false)]
    [InlineData("y ~ x + 0", false)]
    [InlineData("y ~ 0 + x", false)]
    [InlineData("y ~ -1 + x", false)]
    [InlineData("y ~ 0 + x + 1", true)]
    [InlineData("y ~ x - 0", true)]
    [InlineData("y ~ 1", true)]
    public void InterceptIsImplicitAndRemovedByMinusOneOrPlusZero(string formula, bool intercept) =>
        Assert.Equal(intercept, Formula.Parse(formula).HasIntercept);

    [Fact]
    public void ResponseAndColumnsAreNamed()
    {
        var f = Formula.Parse("log(y) + z ~ C(g, Treatment('a')) + Q(\"my x\"):w + poly(v, 2)");
        Assert.Equal(["log(y)", "z"], f.Response);
        Assert.Equal(["y", "z", "g", "my x", "w", "v"], f.Columns);
    }

    [Theory]
    [InlineData("y ~ x1 +", 8, "'+' needs a term on its right")]
    [InlineData("y ~ (x1 + x2", 5, "is not closed")]
    [InlineData("y ~ log(x1", 8, "is not closed")]
    [InlineData("y x", 3, "does not continue the expression")]
    [InlineData("y + x", 6, "needs '~'")]
    [InlineData("y ~ x1 $ x2", 8, "not part of the formula language")]
    [InlineData("y ~ 2 + x", 5, "the number 2 is not a term")]
    [InlineData("y ~ x ~ z", 7, "one '~'")]
    [InlineData("y ~ x)", 6, "closes no '('")]
    [InlineData("y ~ -x", 5, "a leading '-' applies only to 1 or 0")]
    [InlineData("y ~ (x + 1):z", 12, "intercept (1) cannot interact")]
    [InlineData("y ~ (a + b) ** c", 16, "positive integer")]
    [InlineData("y ~ ", 5, "no terms after '~'")]
    [InlineData("", 1, "it is empty")]
    [InlineData("y ~ x + y", 9, "both the response and a term")]
    [InlineData("y ~ I(x ** )", 12, "cannot start an expression")]
    public void SyntaxErrorsNameTheCharacter(string formula, int position, string problem)
    {
        var e = Assert.Throws<FormulaException>(() => Formula.Parse(formula));
        Assert.Equal(position, e.Position);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
        Assert.Contains($"character {position}", e.Message, StringComparison.Ordinal);
    }

    private static DataColumns Small() => FormulaReferenceTest.Read(FormulaReference.Small);

    [Theory]
    [InlineData("y ~ x + w", 9, "no column 'w'", "'y', 'x', 'z', 'a', 'b', 'k'")]
    [InlineData("y ~ foo(x)", 5, "no function 'foo'", "poly(x, k)")]
    [InlineData("y ~ I(a + 1)", 7, "'a' holds text", "C(a)")]
    [InlineData("y ~ C(a, Sum)", 10, "'Sum' coding is not available", "Treatment('level')")]
    [InlineData("y ~ C(a, Treatment('s'))", 20, "not a level of C(a, Treatment('s'))", "'p', 'q', 'r'")]
    [InlineData("y ~ C(k, Treatment(7))", 20, "not a level", "'1', '2', '3'")]
    [InlineData("y ~ poly(k, 3)", 5, "at least 4 distinct values", "Lower the degree")]
    [InlineData("y ~ poly(x)", 5, "a column and a degree", "poly(x, 3)")]
    [InlineData("y ~ log(z)", 5, "log(z) is not a number at line 3", "leave that row out")]
    [InlineData("a ~ x", 1, "response 'a' must be one numeric column", "")]
    [InlineData("y ~ I(C(a))", 7, "C() must be a whole factor", "")]
    public void MistakesAgainstTheDataNameTheCharacterAndSayWhatToDo(string formula, int position, string problem, string hint)
    {
        var e = Assert.Throws<FormulaException>(() => FormulaEncoding.Fit(Formula.Parse(formula), Small()).Build(Small()));
        Assert.Equal(position, e.Position);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
        Assert.Contains(hint, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RestoredEncodingBuildsTheSameMatrixOnNewRowsAndNamesAnUnseenCategory()
    {
        var encoding = FormulaEncoding.Fit(Formula.Parse("y ~ poly(x, 2) + C(k) * a + log(x):b"), Small());
        var restored = FormulaEncoding.Restore(encoding.Formula.Text, encoding.TextColumns, encoding.Levels, encoding.Polynomials);
        Assert.Equal(encoding.FeatureNames, restored.FeatureNames);
        Assert.Equal(["a", "b"], restored.TextColumns);
        var fresh = new DataColumns(2, i => $"new.csv, line {i + 2}")
            .Add("x", [0.75, 7.0]).Add("k", [2.0, 3.0]).Add("a", ["r", "p"]).Add("b", ["v", "u"]);
        Assert.Equal(encoding.Build(fresh, response: false).Features, restored.Build(fresh, response: false).Features);
        var unseen = new DataColumns(2, i => $"new.csv, line {i + 2}")
            .Add("x", [0.75, 7.0]).Add("k", [2.0, 3.0]).Add("a", ["r", "s"]).Add("b", ["v", "u"]);
        var e = Assert.Throws<FormulaException>(() => restored.Build(unseen, response: false));
        Assert.Contains("new.csv, line 3 has the category 's' of a, which the model was not fitted with (its levels are: 'p', 'q', 'r')", e.Message, StringComparison.Ordinal);
        var level = new DataColumns(1).Add("x", [1.0]).Add("k", [4.0]).Add("a", ["r"]).Add("b", ["v"]);
        Assert.Contains("row 1 has the category '4' of C(k)", Assert.Throws<FormulaException>(() => restored.Build(level, response: false)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PolynomialFollowsTheThreeTermRecurrenceOnNewValues()
    {
        // x = 1, 2, 4, 7, 11 by hand: α0 = 5, N0 = 5; p1 = x − 5, N1 = 66, α1 = Σ x p1² / N1 = 462 / 66 = 7;
        // p2 = (x − 7)(x − 5) − 66/5 = 10.8, 1.8, −10.2, −13.2, 10.8, N2 = 514.8. At x = 3: p1 = −2, p2 = 8 − 13.2.
        var basis = OrthogonalPolynomial.Fit([1, 2, 4, 7, 11], 2);
        Assert.Equal([5, 7], basis.Alpha.Select(v => Math.Round(v, 12)));
        Assert.Equal([5, 66, 514.8], basis.Norm2.Select(v => Math.Round(v, 10)));
        var at3 = basis.Evaluate([3]);
        Assert.Equal(-2 / Math.Sqrt(66), at3[0][0], 14);
        Assert.Equal(-5.2 / Math.Sqrt(514.8), at3[1][0], 13);
    }

    private static readonly string[] Atoms = ["x1", "x2", "C(g)", "log(x3)", "I(x1 ** 2)", "poly(x2, 2)", "1", "0"];

    private static string RandomFormula(Random rng, int depth)
    {
        if (depth == 0 || rng.Next(3) == 0)
            return Atoms[rng.Next(Atoms.Length - (depth == 0 ? 2 : 0))];
        string op = new[] { "+", "-", "*", "/", ":", "+", ":" }[rng.Next(7)];
        string left = RandomFormula(rng, depth - 1), right = RandomFormula(rng, depth - 1);
        string text = rng.Next(5) == 0 ? $"({left} + {right}) ** {rng.Next(1, 4)}" : $"{left} {op} {right}";
        return rng.Next(3) == 0 ? $"({text})" : text;
    }

    [Fact]
    public void PrintingAParsedFormulaAndParsingItAgainGivesTheSameFormula()
    {
        // Property: for random formulas that parse, parse(print(f)) prints the same, with the same terms and intercept.
        int parsed = 0;
        var property = Prop.ForAll(
            Gen.Choose(0, 1_000_000).ToArbitrary(),
            seed =>
            {
                var rng = new Random(seed);
                string text = "y ~ " + RandomFormula(rng, 4);
                Formula f;
                try
                {
                    f = Formula.Parse(text);
                }
                catch (FormulaException)
                {
                    return true;   // e.g. an intercept inside an interaction: not a formula
                }
                parsed++;
                var again = Formula.Parse(f.ToString());
                return again.ToString() == f.ToString() && again.TermNames.SequenceEqual(f.TermNames) && again.HasIntercept == f.HasIntercept;
            });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300).WithReplay(Replay(11)), property);
        Assert.True(parsed > 100, $"only {parsed} of 300 random formulas parsed");
    }

    private static readonly string[] Pieces =
    [
        "y", "~", "x", "z", "a", "b", "k", "+", "-", "*", "/", ":", "**", "^", "(", ")", "0", "1", "2", "C(", "I(", "log(", "poly(",
        ",", "Treatment(", "'p'", "\"", "'", "Q(", "=", "reference", "np.exp(", "[", "]", " ", "1e999", ".", "foo(", "`",
    ];

    [Fact]
    public void RandomTextIsAFormulaOrAFormulaErrorNeverACrash()
    {
        // Property: any string of formula pieces parses and fits, or fails with a FormulaException (or LsgdException) naming a character.
        var data = Small();
        int fitted = 0;
        var property = Prop.ForAll(
            Gen.Choose(0, 1_000_000).ToArbitrary(),
            seed =>
            {
                var rng = new Random(seed);
                string text = string.Concat(Enumerable.Range(0, rng.Next(1, 14)).Select(_ => Pieces[rng.Next(Pieces.Length)]));
                if (rng.Next(2) == 0) text = "y ~ " + text;
                try
                {
                    var encoding = FormulaEncoding.Fit(Formula.Parse(text), data);
                    encoding.Build(data);
                    fitted++;
                }
                catch (FormulaException e)
                {
                    return e.Position >= 1 && e.Position <= text.Length + 1 && !e.Message.Contains('\n', StringComparison.Ordinal);
                }
                catch (LsgdException)
                {
                }
                return true;
            });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(2000).WithReplay(Replay(5)), property);
        Assert.True(fitted > 10, $"only {fitted} of 2000 random formulas fitted");   // most random strings are not formulas: the point is that none crashes
    }

    private static Microsoft.FSharp.Core.FSharpOption<Replay> Replay(ulong seed) =>
        Microsoft.FSharp.Core.FSharpOption<Replay>.Some(new Replay(new Rnd(seed, 0x9E3779B97F4A7C15UL), Microsoft.FSharp.Core.FSharpOption<int>.None));
}
