using Lsgd.Internals;

namespace Lsgd.Applications.Features;

/// <summary>The Gaussian (RBF) kernel k(x, x′) = exp(−‖x − x′‖²/(2ℓ²)), ℓ the length scale.</summary>
/// <param name="LengthScale">ℓ &gt; 0: the distance over which the function may change a lot.</param>
public sealed record RbfKernel(double LengthScale)
{
    /// <summary>ℓ.</summary>
    public double LengthScale { get; init; } = Check.Positive(LengthScale, nameof(LengthScale), "Try 1 on standardised features.");

    /// <summary>k(x, x′).</summary>
    public double Evaluate(ReadOnlySpan<double> x, ReadOnlySpan<double> other)
    {
        if (other.Length != x.Length)
            Throw.Length(nameof(other), other.Length, x.Length, "two points of the same dimension");
        double squared = 0;
        for (int j = 0; j < x.Length; j++) { double v = x[j] - other[j]; squared += v * v; }
        return Math.Exp(-squared / (2 * LengthScale * LengthScale));
    }
}
