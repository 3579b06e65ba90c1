namespace Lsgd.Applications.Networks;

/// <summary>The non-linearity φ of the hidden layer of a <see cref="ShallowNetwork"/>.</summary>
public enum HiddenActivation
{
    /// <summary>φ(a) = tanh a, φ′(a) = 1 − tanh² a. Smooth; the default.</summary>
    Tanh,

    /// <summary>φ(a) = max(0, a), φ′(a) = 1 for a &gt; 0 and 0 otherwise (0 at the kink, as PyTorch).</summary>
    Relu,
}

/// <summary>φ and φ′ of each activation.</summary>
internal static class Activations
{
    public static void Apply(HiddenActivation activation, ReadOnlySpan<double> a, Span<double> z)
    {
        if (activation == HiddenActivation.Tanh)
            System.Numerics.Tensors.TensorPrimitives.Tanh(a, z);
        else
            System.Numerics.Tensors.TensorPrimitives.Max(a, 0.0, z);
    }

    /// <summary>φ′ at a pre-activation <paramref name="a"/> whose activation is <paramref name="z"/>.</summary>
    public static double Derivative(HiddenActivation activation, double a, double z) =>
        activation == HiddenActivation.Tanh ? 1 - z * z : (a > 0 ? 1 : 0);
}
