using Lsgd.Curves;

namespace Lsgd.Tests.Curves;

public class CurveFitOptionsTest
{
    public static TheoryData<Func<CurveFitOptions>, string> InvalidValues() => new()
    {
        { () => new CurveFitOptions { MaxIterations = 0 }, "MaxIterations = 0 is not allowed: it must be an integer >= 1. Try 500, or leave it unset for the automatic budget." },
        { () => new CurveFitOptions { Tolerance = -1 }, "Tolerance = -1 is not allowed: it must be a finite number >= 0 (0 turns the rule off). Try 1e-12." },
        { () => new CurveFitOptions { GradientTolerance = double.NaN }, "GradientTolerance = NaN is not allowed: it must be a finite number >= 0 (0 turns the rule off). Try 1e-10." },
    };

    [Theory]
    [MemberData(nameof(InvalidValues))]
    public void InvalidValueIsRefusedWithWhatWasReceivedWhatIsAllowedAndWhatToTry(Func<CurveFitOptions> make, string message)
    {
        var e = Assert.Throws<InvalidOptionException>(make);
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void DefaultsAreLevenbergMarquardtAndLineSearchForGradientDescent()
    {
        var o = new CurveFitOptions();
        Assert.Equal(CurveFitMethod.LevenbergMarquardt, o.Method);
        Assert.True(o.GradientDescent.LineSearch);
        Assert.True(o.ScaleParameters);
    }

    [Fact]
    public void MiniBatchesAreRefusedForCurves()
    {
        var options = new CurveFitOptions
        {
            Method = CurveFitMethod.GradientDescent,
            GradientDescent = CurveFitOptions.DefaultGradientDescent with { BatchSize = 8, LineSearch = false },
        };
        var e = Assert.Throws<InvalidOptionException>(() =>
            CurveFitter.Fit(Expression.Parse("a*x"), [1, 2, 3], [2, 4, 6], [1], options));
        Assert.Equal("BatchSize = 8 is not allowed: it must be unset (curve fits use the full batch). Leave BatchSize unset.", e.Message);
    }
}
