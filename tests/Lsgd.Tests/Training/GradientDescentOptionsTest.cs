using Lsgd.Training;

namespace Lsgd.Tests.Training;

public class GradientDescentOptionsTest
{
    public static TheoryData<Func<GradientDescentOptions>, string> InvalidValues() => new()
    {
        { () => new GradientDescentOptions { LearningRate = -0.1 }, "LearningRate = -0.1 is not allowed: it must be a finite number > 0. Try 0.01, or a value below 2/L where L is the largest eigenvalue of the Hessian, or leave it unset for automatic." },
        { () => new GradientDescentOptions { LearningRate = 0 }, "LearningRate = 0 is not allowed: it must be a finite number > 0. Try 0.01, or a value below 2/L where L is the largest eigenvalue of the Hessian, or leave it unset for automatic." },
        { () => new GradientDescentOptions { LearningRate = double.NaN }, "LearningRate = NaN is not allowed: it must be a finite number > 0. Try 0.01, or a value below 2/L where L is the largest eigenvalue of the Hessian, or leave it unset for automatic." },
        { () => new GradientDescentOptions { MaxIterations = 0 }, "MaxIterations = 0 is not allowed: it must be an integer >= 1. Try 10000." },
        { () => new GradientDescentOptions { Tolerance = -1e-9 }, "Tolerance = -1E-09 is not allowed: it must be a finite number >= 0 (0 turns the rule off). Try 1e-12." },
        { () => new GradientDescentOptions { GradientTolerance = double.PositiveInfinity }, "GradientTolerance = Infinity is not allowed: it must be a finite number >= 0 (0 turns the rule off). Try 1e-8." },
        { () => new GradientDescentOptions { TraceIterations = -1 }, "TraceIterations = -1 is not allowed: it must be an integer >= 0. Try 10." },
    };

    [Theory]
    [MemberData(nameof(InvalidValues))]
    public void InvalidValueIsRefusedWithWhatWasReceivedWhatIsAllowedAndWhatToTry(Func<GradientDescentOptions> make, string message)
    {
        var e = Assert.Throws<InvalidOptionException>(make);
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void DefaultsAreTheArticlesSettingsExceptAnAutomaticLearningRate()
    {
        var o = new GradientDescentOptions();
        Assert.Null(o.LearningRate);
        Assert.Null(o.Optimizer);
        Assert.Null(o.BatchSize);
        Assert.Equal(Lsgd.Models.LossScaling.Sum, o.LossScaling);
        Assert.Equal(Initialization.Zeros, o.Initialization);
    }
}
