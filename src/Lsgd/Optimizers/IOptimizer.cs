namespace Lsgd.Optimizers;

/// <summary>
/// A proximal operator applied after a step: θ ← prox_{s·g}(θ), e.g. soft-thresholding for an L1 penalty.
/// </summary>
/// <param name="theta">Parameters, updated in place.</param>
/// <param name="stepSize">The step size s of the update just made.</param>
public delegate void Proximal(Span<double> theta, double stepSize);

/// <summary>
/// Turns gradients into steps. The maths is stateless; whatever it remembers between steps (velocity,
/// moment estimates) lives in an <see cref="OptimizerState"/> kept apart from the model, as in PyTorch.
/// </summary>
public interface IOptimizer
{
    /// <summary>Short name, e.g. <c>adam</c>.</summary>
    string Name { get; }

    /// <summary>Makes one update of <paramref name="theta"/> from the gradient at the current point.</summary>
    /// <param name="theta">Parameters, updated in place.</param>
    /// <param name="gradient">∇J at <paramref name="theta"/> (full or mini-batch).</param>
    /// <param name="learningRate">α for this step (after any schedule).</param>
    /// <param name="state">This optimizer's memory; <see cref="OptimizerState.Step"/> is advanced by the call.</param>
    /// <param name="proximal">Applied after the update with the step size used, for non-smooth penalties.</param>
    void Update(Span<double> theta, ReadOnlySpan<double> gradient, double learningRate, OptimizerState state, Proximal? proximal = null);

    /// <summary>
    /// Writes the point to report at the end into <paramref name="theta"/>. Most optimizers report their
    /// current iterate and do nothing here; FISTA reports its last proximal point rather than the extrapolation.
    /// </summary>
    void Finish(Span<double> theta, OptimizerState state) { }
}

/// <summary>An optimizer's memory between steps: the step count and named buffers, one per kind of history.</summary>
public sealed class OptimizerState
{
    private readonly Dictionary<string, double[]> _buffers = [];

    /// <summary>Creates empty state for <paramref name="parameterCount"/> parameters.</summary>
    public OptimizerState(int parameterCount) => ParameterCount = parameterCount;

    /// <summary>Number of parameters the buffers cover.</summary>
    public int ParameterCount { get; }

    /// <summary>Steps taken so far (the bias corrections of Adam use it).</summary>
    public long Step { get; set; }

    /// <summary>A scalar the optimizer keeps (e.g. FISTA's t); 0 until set.</summary>
    public double Scalar { get; set; }

    /// <summary>The buffer called <paramref name="name"/>, created as zeros on first use.</summary>
    public double[] Buffer(string name)
    {
        if (!_buffers.TryGetValue(name, out var buffer))
            _buffers[name] = buffer = new double[ParameterCount];
        return buffer;
    }

    /// <summary>Names of the buffers in use.</summary>
    public IEnumerable<string> BufferNames => _buffers.Keys;

    /// <summary>A deep copy (to roll back after a diverging step).</summary>
    public OptimizerState Clone()
    {
        var copy = new OptimizerState(ParameterCount) { Step = Step, Scalar = Scalar };
        foreach (var (name, buffer) in _buffers)
            copy._buffers[name] = (double[])buffer.Clone();
        return copy;
    }
}
