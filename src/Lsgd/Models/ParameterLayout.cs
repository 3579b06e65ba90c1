namespace Lsgd.Models;

/// <summary>
/// How the parameters θ of a linear model with d features and k outputs are laid out in one flat vector.
/// </summary>
/// <remarks>
/// θ holds one block per output: block <c>o</c> is <c>[w_o1, …, w_od, b_o]</c> (or <c>[w_o1, …, w_od]</c>
/// without an intercept), so <c>θ[o*B + j]</c> is the weight of feature j for output o and
/// <c>θ[o*B + d]</c> its intercept, with B = <see cref="BlockSize"/>. With k = 1 the vector is the article's
/// (w, b).
/// </remarks>
/// <param name="Features">d, the number of features.</param>
/// <param name="Outputs">k, the number of outputs.</param>
/// <param name="HasIntercept">Whether each output has an intercept b.</param>
public readonly record struct ParameterLayout(int Features, int Outputs, bool HasIntercept)
{
    /// <summary>Length of one output's block: d + 1 with an intercept, d without.</summary>
    public int BlockSize => Features + (HasIntercept ? 1 : 0);

    /// <summary>Total number of parameters, k·(d + 1) or k·d.</summary>
    public int Count => Outputs * BlockSize;

    /// <summary>The weights of output <paramref name="output"/> inside θ.</summary>
    public Span<double> Weights(Span<double> theta, int output) => theta.Slice(output * BlockSize, Features);

    /// <summary>The weights of output <paramref name="output"/> inside θ.</summary>
    public ReadOnlySpan<double> Weights(ReadOnlySpan<double> theta, int output) => theta.Slice(output * BlockSize, Features);

    /// <summary>The intercept of output <paramref name="output"/>, or 0 without intercepts.</summary>
    public double Intercept(ReadOnlySpan<double> theta, int output) =>
        HasIntercept ? theta[output * BlockSize + Features] : 0.0;
}
