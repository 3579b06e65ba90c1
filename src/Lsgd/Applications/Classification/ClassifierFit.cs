using Lsgd.Estimators;

namespace Lsgd.Applications.Classification;

/// <summary>The outcome of <c>LeastSquaresClassifier.Fit</c>: the model, the regression behind it, and its accuracy.</summary>
public sealed class ClassifierFit
{
    internal ClassifierFit(LeastSquaresClassifierModel model, LinearFit regression, int[] trainingRows, int[] testRows,
        ClassificationReport training, ClassificationReport? test, string[] constantFeatures, string[] constantOnlyInTraining)
    {
        ConstantFeatures = constantFeatures;
        ConstantOnlyInTraining = constantOnlyInTraining;
        Model = model;
        Regression = regression;
        TrainingRows = trainingRows;
        TestRows = testRows;
        Training = training;
        Test = test;
    }

    /// <summary>The fitted classifier.</summary>
    public LeastSquaresClassifierModel Model { get; }

    /// <summary>The multi-output least-squares fit of the encoded targets (R², method, optimality…).</summary>
    public LinearFit Regression { get; }

    /// <summary>
    /// The features constant over the training rows (an all-zero pixel, a column constant in the training split
    /// only): nothing in the fit can tell their weights from the intercept's, so the regression names them in
    /// <see cref="LinearFit.Exact"/>'s <c>Aliased</c> (with <c>Rank</c>) and fits on with the minimum-norm solution.
    /// </summary>
    public IReadOnlyList<string> ConstantFeatures { get; }

    /// <summary>Those of <see cref="ConstantFeatures"/> that vary in the held-out rows: the fit could not learn what they say there.</summary>
    public IReadOnlyList<string> ConstantOnlyInTraining { get; }

    /// <summary>0-based indices of the rows fitted, in increasing order.</summary>
    public IReadOnlyList<int> TrainingRows { get; }

    /// <summary>0-based indices of the rows held out (empty without a test fraction), in increasing order.</summary>
    public IReadOnlyList<int> TestRows { get; }

    /// <summary>Accuracy and confusion on the training rows.</summary>
    public ClassificationReport Training { get; }

    /// <summary>Accuracy and confusion on the held-out rows, when rows were held out.</summary>
    public ClassificationReport? Test { get; }

    /// <summary>Which rows <see cref="Evaluation"/> was measured on: the test rows when there are any.</summary>
    public EvaluationSet EvaluatedOn => Test is null ? EvaluationSet.Training : EvaluationSet.Test;

    /// <summary>The report to quote: on the held-out rows when there are any, on the training rows otherwise.</summary>
    public ClassificationReport Evaluation => Test ?? Training;
}
