using Lsgd.Data;
using Lsgd.Internals;
using Lsgd.Models;

namespace Lsgd.Applications.Classification;

/// <summary>
/// A fitted least-squares classifier: one linear score per class, ŝ = Wᵀx + b, and the predicted class is the
/// one with the largest score (the first of equal scores). Immutable.
/// </summary>
public sealed class LeastSquaresClassifierModel
{
    /// <summary>Creates the model from the multi-output linear model of the scores.</summary>
    /// <param name="scores">A linear model with one output per class.</param>
    /// <param name="classes">The class names, in the order of the outputs.</param>
    /// <param name="encoding">The targets the scores were fitted to.</param>
    public LeastSquaresClassifierModel(LinearModel scores, IReadOnlyList<string> classes, TargetEncoding encoding)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(classes);
        if (scores.Outputs != classes.Count)
            Throw.Length(nameof(classes), classes.Count, scores.Outputs, "one class per output of the score model");
        Scores = scores;
        Classes = [.. classes];
        Encoding = encoding;
    }

    /// <summary>The linear model of the class scores (one output per class).</summary>
    public LinearModel Scores { get; }

    /// <summary>The class names, in the order of <see cref="Scores"/>'s outputs.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>The target encoding the scores were fitted to.</summary>
    public TargetEncoding Encoding { get; }

    /// <summary>d, the number of features the model expects.</summary>
    public int Features => Scores.Features;

    /// <summary>The index in <see cref="Classes"/> of the predicted class of one row.</summary>
    public int PredictIndex(ReadOnlySpan<double> x)
    {
        Span<double> s = Classes.Count <= 256 ? stackalloc double[Classes.Count] : new double[Classes.Count];
        Scores.Predict(x, s);
        return ClassLabels.ArgMax(s);
    }

    /// <summary>The predicted class of one row.</summary>
    public string Predict(ReadOnlySpan<double> x) => Classes[PredictIndex(x)];

    /// <summary>The predicted class index of every row of <paramref name="data"/> (its features; targets are ignored).</summary>
    public int[] PredictIndices(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return ClassLabels.DecodeScores(Scores.Predict(data), Classes.Count);
    }

    /// <summary>The predicted class of every row of <paramref name="data"/>.</summary>
    public string[] Predict(Dataset data) => [.. PredictIndices(data).Select(i => Classes[i])];
}
