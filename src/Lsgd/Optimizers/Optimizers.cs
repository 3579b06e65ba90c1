using System.Numerics.Tensors;
using Lsgd.Internals;
using Lsgd.Models;

namespace Lsgd.Optimizers;

/// <summary>Plain gradient descent, the article's update: θ ← θ − α g.</summary>
public sealed class Sgd : IOptimizer
{
    /// <inheritdoc />
    public string Name => "gd";

    /// <summary>True: on a quadratic, a full-batch step with constant α &lt; 2/L always lowers J.</summary>
    public bool IsMonotone => true;

    /// <summary>True: the step is θ − α∇J.</summary>
    public bool SupportsLineSearch => true;

    /// <inheritdoc />
    public void Update(Span<double> theta, ReadOnlySpan<double> gradient, double learningRate, OptimizerState state, Proximal? proximal = null)
    {
        TensorPrimitives.MultiplyAdd(gradient, -learningRate, theta, theta);
        proximal?.Invoke(theta, learningRate);
        state.Step++;
    }
}

/// <summary>
/// Heavy-ball momentum, optionally Nesterov, in PyTorch's convention (no dampening):
/// v ← μ v + g;  θ ← θ − α v  (Nesterov: θ ← θ − α (g + μ v)).
/// </summary>
/// <remarks>Sutskever et al. write v ← μ v − α g, θ ← θ + v; the two agree for a constant α.</remarks>
public sealed class Momentum : IOptimizer
{
    /// <summary>Creates the optimizer.</summary>
    /// <param name="momentum">μ in [0, 1).</param>
    /// <param name="nesterov">Use Nesterov's look-ahead form.</param>
    public Momentum(double momentum = 0.9, bool nesterov = false)
    {
        if (!(momentum >= 0 && momentum < 1))
            Throw.Option("Momentum", momentum, "a number in [0, 1)", "Try 0.9.");
        Coefficient = momentum;
        Nesterov = nesterov;
    }

    /// <summary>μ.</summary>
    public double Coefficient { get; }

    /// <summary>Whether the Nesterov form is used.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc />
    public string Name => Nesterov ? "nesterov" : "momentum";

    /// <inheritdoc />
    public void Update(Span<double> theta, ReadOnlySpan<double> gradient, double learningRate, OptimizerState state, Proximal? proximal = null)
    {
        var v = state.Buffer("velocity");
        TensorPrimitives.MultiplyAdd(v, Coefficient, gradient, v);          // v ← μ v + g
        if (Nesterov)
        {
            for (int i = 0; i < theta.Length; i++)
                theta[i] -= learningRate * (gradient[i] + Coefficient * v[i]);
        }
        else
        {
            TensorPrimitives.MultiplyAdd(v, -learningRate, theta, theta);
        }
        proximal?.Invoke(theta, learningRate);
        state.Step++;
    }
}

/// <summary>
/// Adam (Kingma and Ba): m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; θ ← θ − α m̂/(√v̂ + ε),
/// with m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ).
/// </summary>
public sealed class Adam : IOptimizer
{
    /// <summary>Creates the optimizer.</summary>
    public Adam(double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        if (!(beta1 >= 0 && beta1 < 1)) Throw.Option("Beta1", beta1, "a number in [0, 1)", "Try 0.9.");
        if (!(beta2 >= 0 && beta2 < 1)) Throw.Option("Beta2", beta2, "a number in [0, 1)", "Try 0.999.");
        Check.Positive(epsilon, "Epsilon", "Try 1e-8.");
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
    }

    /// <summary>β₁, decay of the first moment.</summary>
    public double Beta1 { get; }

    /// <summary>β₂, decay of the second moment.</summary>
    public double Beta2 { get; }

    /// <summary>ε, added to √v̂.</summary>
    public double Epsilon { get; }

    /// <inheritdoc />
    public string Name => "adam";

    /// <summary>0.01: α = 0.01 × the RMS residual at the start when none is given.</summary>
    public double? AdaptiveLearningRateFactor => 0.01;

    /// <summary>False: its steps are α·m̂/(√v̂ + ε), not α times a gradient, so an L1 proximal step by α would miss the lasso solution.</summary>
    public bool SupportsProximal => false;

    /// <inheritdoc />
    public void Update(Span<double> theta, ReadOnlySpan<double> gradient, double learningRate, OptimizerState state, Proximal? proximal = null)
    {
        var m = state.Buffer("m");
        var v = state.Buffer("v");
        long t = ++state.Step;
        double c1 = 1 - Math.Pow(Beta1, t), c2 = 1 - Math.Pow(Beta2, t);
        for (int i = 0; i < theta.Length; i++)
        {
            double g = gradient[i];
            m[i] = Beta1 * m[i] + (1 - Beta1) * g;
            v[i] = Beta2 * v[i] + (1 - Beta2) * g * g;
            theta[i] -= learningRate * (m[i] / c1) / (Math.Sqrt(v[i] / c2) + Epsilon);
        }
        proximal?.Invoke(theta, learningRate);
    }
}

/// <summary>AdaGrad: s ← s + g²; θ ← θ − α g/(√s + ε).</summary>
public sealed class AdaGrad : IOptimizer
{
    /// <summary>Creates the optimizer.</summary>
    public AdaGrad(double epsilon = 1e-10) => Epsilon = Check.Positive(epsilon, "Epsilon", "Try 1e-10.");

    /// <summary>ε, added to √s.</summary>
    public double Epsilon { get; }

    /// <inheritdoc />
    public string Name => "adagrad";

    /// <summary>0.1: α = 0.1 × the RMS residual at the start when none is given.</summary>
    public double? AdaptiveLearningRateFactor => 0.1;

    /// <summary>False: its steps are scaled per coordinate, so an L1 proximal step by α would miss the lasso solution.</summary>
    public bool SupportsProximal => false;

    /// <inheritdoc />
    public void Update(Span<double> theta, ReadOnlySpan<double> gradient, double learningRate, OptimizerState state, Proximal? proximal = null)
    {
        var s = state.Buffer("sum_of_squares");
        for (int i = 0; i < theta.Length; i++)
        {
            s[i] += gradient[i] * gradient[i];
            theta[i] -= learningRate * gradient[i] / (Math.Sqrt(s[i]) + Epsilon);
        }
        proximal?.Invoke(theta, learningRate);
        state.Step++;
    }
}

/// <summary>RMSProp: s ← ρ s + (1−ρ) g²; θ ← θ − α g/(√s + ε).</summary>
public sealed class RmsProp : IOptimizer
{
    /// <summary>Creates the optimizer.</summary>
    public RmsProp(double rho = 0.99, double epsilon = 1e-8)
    {
        if (!(rho >= 0 && rho < 1)) Throw.Option("Rho", rho, "a number in [0, 1)", "Try 0.99.");
        Rho = rho;
        Epsilon = Check.Positive(epsilon, "Epsilon", "Try 1e-8.");
    }

    /// <summary>ρ, decay of the squared-gradient average.</summary>
    public double Rho { get; }

    /// <summary>ε, added to √s.</summary>
    public double Epsilon { get; }

    /// <inheritdoc />
    public string Name => "rmsprop";

    /// <summary>0.01: α = 0.01 × the RMS residual at the start when none is given.</summary>
    public double? AdaptiveLearningRateFactor => 0.01;

    /// <summary>False: its steps are scaled per coordinate, so an L1 proximal step by α would miss the lasso solution.</summary>
    public bool SupportsProximal => false;

    /// <inheritdoc />
    public void Update(Span<double> theta, ReadOnlySpan<double> gradient, double learningRate, OptimizerState state, Proximal? proximal = null)
    {
        var s = state.Buffer("square_average");
        for (int i = 0; i < theta.Length; i++)
        {
            s[i] = Rho * s[i] + (1 - Rho) * gradient[i] * gradient[i];
            theta[i] -= learningRate * gradient[i] / (Math.Sqrt(s[i]) + Epsilon);
        }
        proximal?.Invoke(theta, learningRate);
        state.Step++;
    }
}

/// <summary>
/// FISTA (Beck and Teboulle), accelerated proximal gradient. The parameters the trainer sees are the
/// extrapolated point y at which the gradient is taken:
/// xₖ = prox(y − α∇J(y)); tₖ₊₁ = (1 + √(1 + 4tₖ²))/2; y ← xₖ + ((tₖ − 1)/tₖ₊₁)(xₖ − xₖ₋₁).
/// <see cref="Finish"/> reports xₖ. Without a penalty it is Nesterov's accelerated gradient.
/// </summary>
public sealed class Fista : IOptimizer
{
    /// <inheritdoc />
    public string Name => "fista";

    /// <inheritdoc />
    public void Update(Span<double> theta, ReadOnlySpan<double> gradient, double learningRate, OptimizerState state, Proximal? proximal = null)
    {
        var previous = state.Buffer("x");
        var x = state.Buffer("x_next");
        if (state.Step == 0)
        {
            state.Scalar = 1;
            theta.CopyTo(previous);
        }
        for (int i = 0; i < theta.Length; i++)
            x[i] = theta[i] - learningRate * gradient[i];
        proximal?.Invoke(x, learningRate);
        double t = state.Scalar;
        double tNext = (1 + Math.Sqrt(1 + 4 * t * t)) / 2;
        double beta = (t - 1) / tNext;
        for (int i = 0; i < theta.Length; i++)
        {
            theta[i] = x[i] + beta * (x[i] - previous[i]);
            previous[i] = x[i];
        }
        state.Scalar = tNext;
        state.Step++;
    }

    /// <inheritdoc />
    public void Finish(Span<double> theta, OptimizerState state)
    {
        if (state.Step > 0)
            state.Buffer("x").CopyTo(theta);
    }
}
