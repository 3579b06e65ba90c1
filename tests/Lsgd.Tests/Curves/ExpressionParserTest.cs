using Lsgd.Curves;

namespace Lsgd.Tests.Curves;

public class ExpressionParserTest
{
    [Theory]
    [InlineData("1 + 2 * 3", 7)]                 // * binds tighter than +
    [InlineData("(1 + 2) * 3", 9)]
    [InlineData("2 ^ 3 ^ 2", 512)]               // right-associative: 2^(3^2)
    [InlineData("-2 ^ 2", -4)]                   // ^ binds tighter than unary minus: −(2²)
    [InlineData("2 ^ -1", 0.5)]                  // a unary minus may start an exponent
    [InlineData("8 / 4 / 2", 1)]                 // left-associative
    [InlineData("10 - 4 - 3", 3)]
    [InlineData("--3", 3)]
    [InlineData("+3", 3)]
    [InlineData("1.5e2 + .5 + 2E-1", 150.7)]     // invariant-culture numbers
    [InlineData("pow(2, 10)", 1024)]
    [InlineData("sqrt(16) + abs(-3) + exp(0) + log(e)", 9)]
    [InlineData("cos(pi) + sin(0) + tanh(0)", -1)]
    [InlineData("2*x^2", 18)]                    // x = 3 below
    public void EvaluatesWithTheUsualPrecedence(string text, double expected)
    {
        var e = Expression.Parse(text);
        Assert.Equal(expected, e.Evaluate(3, []), 12);
    }

    [Fact]
    public void ParametersAreEveryOtherNameInOrderOfFirstAppearance()
    {
        var e = Expression.Parse("a*exp(b*x)+c + a");
        Assert.Equal(["a", "b", "c"], e.ParameterNames);
        Assert.True(e.UsesVariable);
        Assert.Equal(2 * Math.Exp(-1) + 0.5 + 2, e.Evaluate(2, [2, -0.5, 0.5]), 14);
    }

    [Fact]
    public void NamesMayHoldDigitsUnderscoresAndLetters()
    {
        var e = Expression.Parse("x_0 + k2*θ");
        Assert.Equal(["x_0", "k2", "θ"], e.ParameterNames);
        Assert.False(e.UsesVariable);
    }

    public static TheoryData<string, string> Errors() => new()
    {
        { "a*exp(b*x)+", "\"a*exp(b*x)+\": expected a number, a name or '(' at column 12 (end of input)" },
        { "", "\"\": expected a number, a name or '(' at column 1 (end of input)" },
        { "a*)", "\"a*)\": expected a number, a name or '(' at column 3, found ')'" },
        { "2x", "\"2x\": expected an operator (+ - * / ^) at column 2, found 'x'; write '*' for a product, e.g. 2*x" },
        { "(a)(b)", "\"(a)(b)\": expected an operator (+ - * / ^) at column 4, found '('; write '*' for a product, e.g. 2*x" },
        { "a (b)", "\"a (b)\": unknown function 'a' at column 1 (the functions are exp, log, sqrt, sin, cos, tanh, abs, pow, atan, asin, acos, atan2, tan, sinh, cosh, erf and log10; for a product write a*(…))" },
        { "(a+b", "\"(a+b\": expected ')' at column 5 (end of input) to close the '(' at column 1" },
        { "a+b)", "\"a+b)\": unbalanced ')' at column 4: there is no '(' for it to close" },
        { "ep(x)", "\"ep(x)\": unknown function 'ep' at column 1 (the functions are exp, log, sqrt, sin, cos, tanh, abs, pow, atan, asin, acos, atan2, tan, sinh, cosh, erf and log10; did you mean exp?)" },
        { "arctan(x)", "\"arctan(x)\": unknown function 'arctan' at column 1 (the functions are exp, log, sqrt, sin, cos, tanh, abs, pow, atan, asin, acos, atan2, tan, sinh, cosh, erf and log10; did you mean atan?)" },
        { "Exp(x)", "\"Exp(x)\": unknown function 'Exp' at column 1 (the functions are exp, log, sqrt, sin, cos, tanh, abs, pow, atan, asin, acos, atan2, tan, sinh, cosh, erf and log10; did you mean exp? (names are case-sensitive))" },
        { "gamma(x)", "\"gamma(x)\": unknown function 'gamma' at column 1 (the functions are exp, log, sqrt, sin, cos, tanh, abs, pow, atan, asin, acos, atan2, tan, sinh, cosh, erf and log10)" },
        { "exp + 1", "\"exp + 1\": 'exp' at column 1 is a function: write exp(…) with its argument in parentheses" },
        { "pow(x)", "\"pow(x)\": pow at column 1 takes 2 arguments, found 1" },
        { "1 + exp(x, 2)", "\"1 + exp(x, 2)\": exp at column 5 takes 1 argument, found 2" },
        { "pow(x 2)", "\"pow(x 2)\": expected an operator (+ - * / ^) at column 7, found '2'; write '*' for a product, e.g. 2*x" },
        { "a $ b", "\"a $ b\": unexpected character '$' at column 3 (expressions use numbers, names, + - * / ^, parentheses and commas)" },
        { "1e999*x", "\"1e999*x\": the number '1e999' at column 1 is too large" },
        { "a, b", "\"a, b\": expected an operator (+ - * / ^) at column 2, found ','" },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void ErrorSaysWhatWasExpectedAtWhichColumnAndWhatWasFound(string text, string message)
    {
        var e = Assert.Throws<ExpressionParseException>(() => Expression.Parse(text));
        Assert.Equal(message, e.Message);
        Assert.Equal(message, $"\"{text}\": {e.Reason}");
    }

    [Fact]
    public void ColumnOfAnErrorAtTheEndIsOnePastTheLastCharacter()
    {
        var e = Assert.Throws<ExpressionParseException>(() => Expression.Parse("a*exp(b*x)+"));
        Assert.Equal(12, e.Column);
        Assert.Equal("a*exp(b*x)+", e.Expression);
    }

    [Fact]
    public void WrongNumberOfParameterValuesIsRefused()
    {
        var e = Expression.Parse("a*x + b");
        var error = Assert.Throws<ArgumentException>(() => e.Evaluate(1, [1]));
        Assert.Contains("a, b", error.Message, StringComparison.Ordinal);
    }
}
