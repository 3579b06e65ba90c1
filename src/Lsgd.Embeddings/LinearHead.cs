using Lsgd.Applications.Classification;
using Lsgd.Models;

namespace Lsgd.Embeddings;

/// <summary>
/// A trained last layer: a linear model on d features (an encoder's vectors) that predicts a number, or a class
/// (the output with the largest score, one output per class). Immutable.
/// </summary>
public sealed class LinearHead
{
    /// <summary>Wraps <paramref name="model"/> as a head.</summary>
    /// <param name="model">One output for regression; one per class for classification.</param>
    /// <param name="task">Regression or classification.</param>
    /// <param name="classes">The classes in output order (classification only).</param>
    public LinearHead(LinearModel model, HeadTask task, IReadOnlyList<string>? classes = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        Task = task;
        Classes = classes is null ? [] : [.. classes];
        if (task == HeadTask.Classification && (Classes.Count < 2 || Classes.Count != model.Outputs))
            throw new ArgumentException($"A classifier needs one output per class (at least two); the model has {model.Outputs} outputs and {Classes.Count} classes were given.", nameof(classes));
        if (task == HeadTask.Regression && (model.Outputs != 1 || Classes.Count != 0))
            throw new ArgumentException($"A regression head has one output and no classes; the model has {model.Outputs} outputs.", nameof(model));
    }

    /// <summary>The linear model, coefficients in the units of the features.</summary>
    public LinearModel Model { get; }

    /// <summary>Regression or classification.</summary>
    public HeadTask Task { get; }

    /// <summary>The classes in output order; empty for regression.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>d, the number of features the head reads.</summary>
    public int Dimension => Model.Features;

    /// <summary>The k outputs (scores) for each row of <paramref name="features"/> (n × d, row-major): n × k values.</summary>
    public double[] Scores(ReadOnlySpan<float> features)
    {
        int d = Dimension, k = Model.Outputs;
        if (features.Length % Math.Max(d, 1) != 0)
            throw new LsgdException($"The head reads {d} features per row but was given {features.Length} values, not a multiple of {d}.");
        int n = d == 0 ? 0 : features.Length / d;
        var scores = new double[n * k];
        var row = new double[d];
        for (int i = 0; i < n; i++)
        {
            var x = features.Slice(i * d, d);
            for (int j = 0; j < d; j++) row[j] = x[j];
            Model.Predict(row, scores.AsSpan(i * k, k));
        }
        return scores;
    }

    /// <summary>The predicted value of each row (regression).</summary>
    public double[] PredictValues(ReadOnlySpan<float> features)
    {
        if (Task != HeadTask.Regression)
            throw new InvalidOperationException("This head is a classifier: use PredictClasses.");
        return Scores(features);
    }

    /// <summary>The index in <see cref="Classes"/> of each row's predicted class: the first largest score (classification).</summary>
    public int[] PredictClasses(ReadOnlySpan<float> features)
    {
        if (Task != HeadTask.Classification)
            throw new InvalidOperationException("This head predicts numbers: use PredictValues.");
        return ClassLabels.DecodeScores(Scores(features), Classes.Count);
    }
}
