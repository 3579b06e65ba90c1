using Lsgd.Models;

namespace Lsgd.Estimators;

/// <summary>
/// The validation losses along a grid of λ, as scikit-learn's <c>LassoCV.mse_path_</c> (or
/// <c>GridSearchCV.cv_results_</c>): per λ the mean squared error on each held-out fold, their mean and standard
/// deviation, the λ of least mean loss and the one-standard-error λ.
/// </summary>
public sealed class CrossValidationPath
{
    internal CrossValidationPath() { }

    /// <summary>k, the number of folds.</summary>
    public required int Folds { get; init; }

    /// <summary>The seed the folds were assigned with; null when they were given (<see cref="CrossValidationOptions.FoldOfRow"/>).</summary>
    public int? Seed { get; init; }

    /// <summary>The fold (0 … k − 1) of each row: fold f is the validation set of the f-th fit.</summary>
    public required IReadOnlyList<int> FoldOfRow { get; init; }

    /// <summary>ρ: 0 ridge, 1 lasso, in between an elastic net.</summary>
    public required double L1Ratio { get; init; }

    /// <summary>The λ tried, in decreasing order.</summary>
    public required IReadOnlyList<double> Lambdas { get; init; }

    /// <summary>
    /// <c>FoldLoss[i][f]</c>: the mean squared error of the rows of fold f (averaged over the outputs) under the model
    /// fitted at <see cref="Lambdas"/>[i] to the other folds.
    /// </summary>
    public required IReadOnlyList<IReadOnlyList<double>> FoldLoss { get; init; }

    /// <summary>Per λ, the mean over the folds of <see cref="FoldLoss"/> (each fold weighs the same, as in scikit-learn).</summary>
    public required IReadOnlyList<double> MeanLoss { get; init; }

    /// <summary>
    /// Per λ, the sample standard deviation (n − 1 in the denominator) over the folds of <see cref="FoldLoss"/>.
    /// scikit-learn's <c>std_test_score</c> divides by k instead: it is this times √((k − 1)/k).
    /// </summary>
    public required IReadOnlyList<double> SdLoss { get; init; }

    /// <summary>The index in <see cref="Lambdas"/> of the least mean loss (the largest λ among equal ones).</summary>
    public required int BestIndex { get; init; }

    /// <summary>The λ of least mean validation loss: the one the final model is refitted at.</summary>
    public double BestLambda => Lambdas[BestIndex];

    /// <summary>
    /// The one-standard-error rule's λ: the largest λ whose mean loss is at most the least mean loss plus its
    /// standard error <see cref="SdLoss"/>/√k (as R's glmnet <c>lambda.1se</c>): a simpler model about as good.
    /// </summary>
    public required double OneStandardErrorLambda { get; init; }

    /// <summary>
    /// How each fold's path was solved: <c>eigen</c> for ridge (one eigendecomposition of the training fold's XᵀX
    /// serves every λ: exact), <c>coordinate descent</c> with warm starts down the path otherwise.
    /// </summary>
    public required string Solver { get; init; }

    /// <summary>Whether every coordinate-descent solve on the path met its tolerance (always true for ridge).</summary>
    public required bool Converged { get; init; }

    /// <summary>The penalty at <paramref name="lambda"/>: <see cref="Penalty.ElasticNet"/>(λ, <see cref="L1Ratio"/>).</summary>
    public Penalty PenaltyAt(double lambda) => Penalty.ElasticNet(lambda, L1Ratio);
}

/// <summary>The outcome of <see cref="CrossValidatedRegressor"/>: the path, and the model refitted on every row at the best λ.</summary>
public sealed class CrossValidatedFit
{
    internal CrossValidatedFit(CrossValidationPath path, LinearFit fit)
    {
        Path = path;
        Fit = fit;
    }

    /// <summary>The validation losses along the grid.</summary>
    public CrossValidationPath Path { get; }

    /// <summary>The fit on all rows at <see cref="CrossValidationPath.BestLambda"/>, by the regressor's method, certified as usual.</summary>
    public LinearFit Fit { get; }
}
