using Lsgd.Curves;

namespace Lsgd.Tests.Curves;

/// <summary>Automatic derivatives checked against central finite differences and against derivatives worked by hand.</summary>
public class ExpressionDerivativeTest
{
    [Theory]
    [InlineData("a*exp(b*x)+c", new[] { 5.0, -0.3, 1.0 })]
    [InlineData("a/(1+exp(-k*(x-x0)))", new[] { 3.0, 1.5, 0.4 })]
    [InlineData("a1*exp(-(x-m1)^2/(2*s1^2)) + a2*exp(-(x-m2)^2/(2*s2^2))", new[] { 1.0, -0.5, 0.7, 0.4, 1.2, 0.3 })]
    [InlineData("pow(a, b) + a^x + (x+2)^b", new[] { 1.7, 2.3 })]
    [InlineData("sqrt(a*x + b) - log(a + x^2) * sin(b*x) / cos(a)", new[] { 0.8, 2.0 })]
    [InlineData("tanh(a*x) * abs(b - x) - -a", new[] { 0.6, -1.0 })]
    [InlineData("a*a*a - a/b + 2^(a*b)", new[] { 1.1, 0.9 })]
    public void GradientMatchesCentralDifferences(string text, double[] theta)
    {
        var e = Expression.Parse(text);
        var gradient = new double[theta.Length];
        foreach (double x in new[] { -1.3, 0.25, 0.9, 2.0 })
        {
            double value = e.Evaluate(x, theta, gradient);
            Assert.Equal(e.Evaluate(x, theta), value, 15);
            for (int j = 0; j < theta.Length; j++)
            {
                // Central difference with h ∝ ε^(1/3): truncation and rounding errors both about 1e-10 relative.
                double h = 1e-5 * Math.Max(1, Math.Abs(theta[j]));
                var up = (double[])theta.Clone();
                var down = (double[])theta.Clone();
                up[j] += h;
                down[j] -= h;
                double numeric = (e.Evaluate(x, up) - e.Evaluate(x, down)) / (2 * h);
                Assert.True(Math.Abs(gradient[j] - numeric) <= 1e-7 * Math.Max(1, Math.Abs(numeric)),
                    $"{text}, x = {x}, ∂/∂{e.ParameterNames[j]}: automatic {gradient[j]:R}, numeric {numeric:R}");
            }
        }
    }

    [Fact]
    public void ExponentialDecayGradientIsTheOneWorkedByHand()
    {
        // f = a·e^(bx) + c: ∂f/∂a = e^(bx), ∂f/∂b = a·x·e^(bx), ∂f/∂c = 1.
        var e = Expression.Parse("a*exp(b*x)+c");
        var g = new double[3];
        double f = e.Evaluate(2, [5, -0.3, 1], g);
        double ebx = Math.Exp(-0.6);
        Assert.Equal(5 * ebx + 1, f, 15);
        Assert.Equal(ebx, g[0], 15);
        Assert.Equal(5 * 2 * ebx, g[1], 14);
        Assert.Equal(1, g[2]);
    }

    [Fact]
    public void ConstantSubexpressionsCarryNoDerivative()
    {
        var e = Expression.Parse("a*exp(-x^2/2) + 2*pi");
        var g = new double[1];
        double f = e.Evaluate(1, [3], g);
        Assert.Equal(3 * Math.Exp(-0.5) + 2 * Math.PI, f, 14);
        Assert.Equal(Math.Exp(-0.5), g[0], 15);
    }

    [Fact]
    public void BatchEvaluationFillsAColumnMajorJacobian()
    {
        var e = Expression.Parse("a*x + b*x^2");
        double[] x = [1, 2, 3];
        var values = new double[3];
        var jacobian = new double[6];
        e.Evaluate(x, [2, 0.5], values, jacobian);
        Assert.Equal([2.5, 6, 10.5], values);
        Assert.Equal([1, 2, 3, 1, 4, 9], jacobian);
    }
}
