using Lsgd.Estimators;
using Lsgd.Models;
using Lsgd.Training;

namespace Lsgd.Applications.Classification;

/// <summary>How class labels become least-squares targets.</summary>
public enum TargetEncoding
{
    /// <summary>One output per class: 1 for the row's class, 0 for the others.</summary>
    OneHot,

    /// <summary>One output per class: +1 for the row's class, −1 for the others. With an intercept the argmax is the same as one-hot's (the targets are 2·one-hot − 1).</summary>
    PlusMinusOne,
}

/// <summary>Which rows a reported accuracy was measured on.</summary>
public enum EvaluationSet
{
    /// <summary>The rows the model was fitted on: optimistic, a check of fit rather than of prediction.</summary>
    Training,

    /// <summary>Rows held out from the fit (<see cref="LeastSquaresClassifierOptions.TestFraction"/>).</summary>
    Test,
}

/// <summary>Settings of <see cref="LeastSquaresClassifier"/>. Immutable; each value is checked when set.</summary>
public sealed record LeastSquaresClassifierOptions
{
    /// <summary>One-hot (default) or ±1 targets.</summary>
    public TargetEncoding Encoding { get; init; } = TargetEncoding.OneHot;

    /// <summary>
    /// How the multi-output least-squares problem is solved. Default: <see cref="SolverMethod.Auto"/> (the exact
    /// QR solution for data of ordinary size), standardised features and the mean loss for the iterative methods.
    /// </summary>
    public LinearRegressorOptions Regression
    {
        get;
        init => field = value ?? throw new ArgumentNullException(nameof(Regression));
    } = new()
    {
        Method = SolverMethod.Auto,
        Standardize = true,
        GradientDescent = new GradientDescentOptions { LossScaling = LossScaling.Mean },
    };

    /// <summary>
    /// Fraction of each class's rows (0 ≤ f &lt; 1, default 0) held out, chosen with <see cref="Seed"/>, to measure
    /// accuracy on rows the fit did not see. Each class keeps at least one training row. With 0, accuracy is
    /// measured on the training rows (and says so).
    /// </summary>
    public double TestFraction
    {
        get;
        init => field = value is >= 0 and < 1 ? value : throw new InvalidOptionException(nameof(TestFraction), value, "a number in [0, 1)", "Try 0.3, or 0 to train on every row.");
    }

    /// <summary>Seed of the held-out split. Default 0.</summary>
    public int Seed { get; init; }
}
