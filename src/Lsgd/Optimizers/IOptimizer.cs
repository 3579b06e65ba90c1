using Lsgd.Models;

namespace Lsgd.Optimizers;

/// <summary>
/// Turns gradients into steps. The maths is stateless; whatever it remembers between steps (velocity,
/// moment estimates) lives in an <see cref="OptimizerState"/> kept apart from the model, as in PyTorch.
/// </summary>
/// <remarks>
/// An optimizer says what it can do through the capability members below (with the defaults of a plain
/// first-order method); the trainer reads them and never tests an optimizer's type. <see cref="OptimizerCatalog"/>
/// maps the names used on the command line to optimizers.
/// </remarks>
public interface IOptimizer
{
    /// <summary>Short name, e.g. <c>adam</c>.</summary>
    string Name { get; }

    /// <summary>
    /// How α is chosen when none is given. Null (the default): α = 1/L, L the largest curvature of the objective,
    /// right for methods whose step is α times a gradient. A number c: α = c × the root-mean-square residual at the
    /// start, for adaptive methods that move each coordinate by about α per step whatever the gradient's size.
    /// </summary>
    double? AdaptiveLearningRateFactor => null;

    /// <summary>
    /// Whether full-batch steps with a constant α &lt; 2/L lower a quadratic objective at every step (plain gradient
    /// descent). The trainer then reads a rise of J as proof that α is too large. Default false.
    /// </summary>
    bool IsMonotone => false;

    /// <summary>Whether the step is exactly θ − α∇J, so an Armijo line search on α applies. Default false.</summary>
    bool SupportsLineSearch => false;

    /// <summary>
    /// Whether the update applies a proximal step correctly (its step is α times a gradient, possibly extrapolated),
    /// so non-smooth penalties such as L1 are minimised exactly. Default true; false for per-coordinate adaptive methods.
    /// </summary>
    bool SupportsProximal => true;

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

    /// <summary>Makes this state equal to <paramref name="saved"/> again (rolls back a diverging step); buffers created since are zeroed.</summary>
    internal void RestoreFrom(OptimizerState saved)
    {
        Step = saved.Step;
        Scalar = saved.Scalar;
        foreach (var (name, buffer) in _buffers)
        {
            if (saved._buffers.TryGetValue(name, out var source)) source.CopyTo(buffer, 0);
            else Array.Clear(buffer);
        }
    }

    /// <summary>A deep copy (to roll back after a diverging step).</summary>
    public OptimizerState Clone()
    {
        var copy = new OptimizerState(ParameterCount) { Step = Step, Scalar = Scalar };
        foreach (var (name, buffer) in _buffers)
            copy._buffers[name] = (double[])buffer.Clone();
        return copy;
    }
}
