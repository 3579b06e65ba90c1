using System.Numerics.Tensors;
using Lsgd.Internals;

namespace Lsgd.Models;

/// <summary>
/// A fitted linear model ŷ = Wᵀx + b with d features and k outputs, coefficients in the user's original
/// units. Immutable.
/// </summary>
public sealed class LinearModel
{
    private readonly double[] _theta;

    /// <summary>Creates a model from a parameter vector laid out as <paramref name="layout"/> describes (copied).</summary>
    /// <param name="layout">d, k and whether there is an intercept.</param>
    /// <param name="parameters">θ, one block [w…, b] per output.</param>
    /// <param name="featureNames">The d feature names, in order.</param>
    /// <param name="targetNames">The k target names, in order.</param>
    public LinearModel(ParameterLayout layout, ReadOnlySpan<double> parameters,
        IReadOnlyList<string> featureNames, IReadOnlyList<string> targetNames)
    {
        ArgumentNullException.ThrowIfNull(featureNames);
        ArgumentNullException.ThrowIfNull(targetNames);
        if (parameters.Length != layout.Count)
            Throw.Length(nameof(parameters), parameters.Length, layout.Count, "the layout's parameter count");
        if (featureNames.Count != layout.Features)
            Throw.Length(nameof(featureNames), featureNames.Count, layout.Features, "one name per feature");
        if (targetNames.Count != layout.Outputs)
            Throw.Length(nameof(targetNames), targetNames.Count, layout.Outputs, "one name per output");
        Layout = layout;
        _theta = parameters.ToArray();
        FeatureNames = [.. featureNames];
        TargetNames = [.. targetNames];
    }

    /// <summary>d, k and whether the model has intercepts.</summary>
    public ParameterLayout Layout { get; }

    /// <summary>d, the number of features the model expects.</summary>
    public int Features => Layout.Features;

    /// <summary>k, the number of outputs.</summary>
    public int Outputs => Layout.Outputs;

    /// <summary>Whether the model has an intercept b per output.</summary>
    public bool HasIntercept => Layout.HasIntercept;

    /// <summary>Names of the features, in the order of the coefficients.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Names of the outputs.</summary>
    public IReadOnlyList<string> TargetNames { get; }

    /// <summary>θ, the flat parameter vector (see <see cref="ParameterLayout"/>).</summary>
    public ReadOnlySpan<double> Parameters => _theta;

    /// <summary>The d coefficients w of output <paramref name="output"/>.</summary>
    public ReadOnlySpan<double> Coefficients(int output = 0) => Layout.Weights((ReadOnlySpan<double>)_theta, output);

    /// <summary>The intercept b of output <paramref name="output"/> (0 when the model has none).</summary>
    public double Intercept(int output = 0) => Layout.Intercept(_theta, output);

    /// <summary>Writes the k predictions for one row of d features.</summary>
    public void Predict(ReadOnlySpan<double> x, Span<double> prediction)
    {
        if (x.Length != Features)
            Throw.Data($"The model expects {Features} features ({string.Join(", ", FeatureNames)}) but a row has {x.Length}.");
        if (prediction.Length != Outputs)
            Throw.Length(nameof(prediction), prediction.Length, Outputs, "one value per output");
        for (int o = 0; o < Outputs; o++)
            prediction[o] = TensorPrimitives.Dot(x, Coefficients(o)) + Intercept(o);
    }
}
