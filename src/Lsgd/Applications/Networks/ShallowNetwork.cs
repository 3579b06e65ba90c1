using System.Numerics.Tensors;
using Lsgd.Data;
using Lsgd.Internals;
using Lsgd.Models;

namespace Lsgd.Applications.Networks;

/// <summary>
/// A network with one hidden layer: z = φ(W₁x + b₁) (h units), ŷ = W₂z + b₂ (k outputs). Immutable; the
/// parameters are one flat vector θ so that any <see cref="Optimizers.IOptimizer"/> can train it.
/// </summary>
/// <remarks>
/// θ = [hidden block of unit 1, …, unit h, output block of output 1, …, output k], each block laid out as in
/// <see cref="ParameterLayout"/>: unit j's block is [W₁ⱼ₁ … W₁ⱼd, b₁ⱼ] (<see cref="HiddenLayout"/>) and output o's is
/// [W₂ₒ₁ … W₂ₒh, b₂ₒ] (<see cref="OutputLayout"/>). So the output layer is an ordinary <see cref="LinearModel"/> on
/// the hidden activations (<see cref="OutputLayer"/>) and can be refitted exactly by least squares
/// (<see cref="HiddenActivations(Dataset)"/>, <see cref="WithOutputLayer"/>). Weights are in the units of the data.
/// </remarks>
public sealed class ShallowNetwork
{
    private readonly double[] _theta;

    /// <summary>Creates a network from its parameters (copied).</summary>
    /// <param name="inputs">d ≥ 1.</param>
    /// <param name="hidden">h ≥ 1.</param>
    /// <param name="outputs">k ≥ 1.</param>
    /// <param name="activation">φ.</param>
    /// <param name="parameters">θ, <see cref="ParameterCount"/>(d, h, k) values.</param>
    /// <param name="inputNames">Names of the d inputs (default x1…xd).</param>
    /// <param name="outputNames">Names of the k outputs (default y, or y1…yk).</param>
    public ShallowNetwork(int inputs, int hidden, int outputs, HiddenActivation activation, ReadOnlySpan<double> parameters,
        IReadOnlyList<string>? inputNames = null, IReadOnlyList<string>? outputNames = null)
    {
        Check.AtLeast(inputs, 1, nameof(inputs), "Pass the number of input features.");
        Check.AtLeast(hidden, 1, nameof(hidden), "Try 16.");
        Check.AtLeast(outputs, 1, nameof(outputs), "Pass the number of outputs.");
        if (parameters.Length != ParameterCount(inputs, hidden, outputs))
            Throw.Length(nameof(parameters), parameters.Length, ParameterCount(inputs, hidden, outputs), $"h(d + 1) + k(h + 1) with d = {inputs}, h = {hidden}, k = {outputs}");
        Inputs = inputs;
        Hidden = hidden;
        Outputs = outputs;
        Activation = activation;
        _theta = parameters.ToArray();
        InputNames = inputNames is null ? [.. Enumerable.Range(1, inputs).Select(j => $"x{j}")] : [.. inputNames];
        OutputNames = outputNames is null ? [.. Enumerable.Range(1, outputs).Select(o => outputs == 1 ? "y" : $"y{o}")] : [.. outputNames];
        if (InputNames.Count != inputs) Throw.Length(nameof(inputNames), InputNames.Count, inputs, "one name per input");
        if (OutputNames.Count != outputs) Throw.Length(nameof(outputNames), OutputNames.Count, outputs, "one name per output");
    }

    /// <summary>The length of θ for d inputs, h hidden units and k outputs: h(d + 1) + k(h + 1).</summary>
    public static int ParameterCount(int inputs, int hidden, int outputs) => hidden * (inputs + 1) + outputs * (hidden + 1);

    /// <summary>d, the number of inputs.</summary>
    public int Inputs { get; }

    /// <summary>h, the number of hidden units.</summary>
    public int Hidden { get; }

    /// <summary>k, the number of outputs.</summary>
    public int Outputs { get; }

    /// <summary>φ.</summary>
    public HiddenActivation Activation { get; }

    /// <summary>Names of the inputs.</summary>
    public IReadOnlyList<string> InputNames { get; }

    /// <summary>Names of the outputs.</summary>
    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>θ, the flat parameter vector.</summary>
    public ReadOnlySpan<double> Parameters => _theta;

    /// <summary>Layout of the hidden part of θ: h blocks [W₁ⱼ, b₁ⱼ] over d inputs.</summary>
    public ParameterLayout HiddenLayout => new(Inputs, Hidden, true);

    /// <summary>Layout of the output part of θ (after the hidden part): k blocks [W₂ₒ, b₂ₒ] over h units.</summary>
    public ParameterLayout OutputLayout => new(Hidden, Outputs, true);

    /// <summary>Names of the hidden units: h1…hh.</summary>
    public IReadOnlyList<string> HiddenNames => [.. Enumerable.Range(1, Hidden).Select(j => $"h{j}")];

    /// <summary>Writes the h hidden activations z = φ(W₁x + b₁) of one row.</summary>
    public void HiddenActivations(ReadOnlySpan<double> x, Span<double> z)
    {
        if (x.Length != Inputs)
            Throw.Data($"The network expects {Inputs} inputs ({string.Join(", ", InputNames)}) but a row has {x.Length}.");
        if (z.Length != Hidden)
            Throw.Length(nameof(z), z.Length, Hidden, "one value per hidden unit");
        Forward(_theta, Inputs, Hidden, Activation, x, z, z);
    }

    /// <summary>Writes the k outputs ŷ of one row.</summary>
    public void Predict(ReadOnlySpan<double> x, Span<double> prediction)
    {
        if (prediction.Length != Outputs)
            Throw.Length(nameof(prediction), prediction.Length, Outputs, "one value per output");
        Span<double> z = Hidden <= 512 ? stackalloc double[Hidden] : new double[Hidden];
        HiddenActivations(x, z);
        Output(_theta, Inputs, Hidden, Outputs, z, prediction);
    }

    /// <summary>Predicts every row of <paramref name="data"/>: n·k values, row-major.</summary>
    public double[] Predict(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckInputs(data);
        var result = new double[data.Rows * Outputs];
        var row = new double[Inputs];
        for (int i = 0; i < data.Rows; i++)
        {
            for (int j = 0; j < Inputs; j++) row[j] = data.Feature(i, j);
            Predict(row, result.AsSpan(i * Outputs, Outputs));
        }
        return result;
    }

    /// <summary>
    /// The hidden activations of every row as a dataset: h features named h1…hh, and the targets of
    /// <paramref name="data"/> (copied). With the hidden layer frozen, a least-squares fit of it
    /// (<see cref="Solvers.ExactLeastSquares"/> or <see cref="Estimators.LinearRegressor"/>) is the best possible output layer.
    /// </summary>
    public Dataset HiddenActivations(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckInputs(data);
        var z = new double[data.Rows * Hidden];
        var row = new double[Inputs];
        for (int i = 0; i < data.Rows; i++)
        {
            for (int j = 0; j < Inputs; j++) row[j] = data.Feature(i, j);
            HiddenActivations(row, z.AsSpan(i * Hidden, Hidden));
        }
        return new Dataset(z, data.Y.ToArray(), data.Rows, Hidden, data.Outputs, HiddenNames, data.TargetNames);
    }

    /// <summary>The output layer as a linear model of the hidden activations (h features, k outputs, with intercepts).</summary>
    public LinearModel OutputLayer() =>
        new(OutputLayout, _theta.AsSpan(Hidden * (Inputs + 1)), HiddenNames, OutputNames);

    /// <summary>A copy of this network with the output layer replaced by <paramref name="outputLayer"/> (e.g. an exact least-squares refit on <see cref="HiddenActivations(Dataset)"/>).</summary>
    /// <exception cref="LsgdException">The model does not have h features and k outputs.</exception>
    public ShallowNetwork WithOutputLayer(LinearModel outputLayer)
    {
        ArgumentNullException.ThrowIfNull(outputLayer);
        if (outputLayer.Features != Hidden || outputLayer.Outputs != Outputs)
            Throw.Data($"The output layer must map the {Hidden} hidden units to {Outputs} outputs, but the model has {outputLayer.Features} features and {outputLayer.Outputs} outputs.");
        var theta = (double[])_theta.Clone();
        int offset = Hidden * (Inputs + 1);
        for (int o = 0; o < Outputs; o++)
        {
            outputLayer.Coefficients(o).CopyTo(theta.AsSpan(offset + o * (Hidden + 1), Hidden));
            theta[offset + o * (Hidden + 1) + Hidden] = outputLayer.Intercept(o);
        }
        return new ShallowNetwork(Inputs, Hidden, Outputs, Activation, theta, InputNames, OutputNames);
    }

    private void CheckInputs(Dataset data)
    {
        if (data.Features != Inputs)
            Throw.Data($"The network expects {Inputs} inputs ({string.Join(", ", InputNames)}) but the data has {data.Features}.");
    }

    /// <summary>a = W₁x + b₁ and z = φ(a) for one row (a and z may be the same span when a is not needed).</summary>
    internal static void Forward(ReadOnlySpan<double> theta, int d, int h, HiddenActivation activation, ReadOnlySpan<double> x, Span<double> a, Span<double> z)
    {
        for (int j = 0; j < h; j++)
        {
            var block = theta.Slice(j * (d + 1), d + 1);
            a[j] = TensorPrimitives.Dot(block[..d], x) + block[d];
        }
        Activations.Apply(activation, a, z);
    }

    /// <summary>ŷ = W₂z + b₂ for one row.</summary>
    internal static void Output(ReadOnlySpan<double> theta, int d, int h, int k, ReadOnlySpan<double> z, Span<double> y)
    {
        var output = theta[(h * (d + 1))..];
        for (int o = 0; o < k; o++)
        {
            var block = output.Slice(o * (h + 1), h + 1);
            y[o] = TensorPrimitives.Dot(block[..h], z) + block[h];
        }
    }
}
