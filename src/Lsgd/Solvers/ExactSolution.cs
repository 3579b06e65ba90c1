using Lsgd.Models;

namespace Lsgd.Solvers;

/// <summary>
/// The exact least-squares solution and the classical statistics that come with it, per output.
/// </summary>
/// <remarks>
/// Standard errors assume independent errors of equal variance: SE(θⱼ) = σ̂·√[(DᵀD)⁻¹]ⱼⱼ with
/// σ̂² = SSE / (n − p), D the design matrix including the column of ones when there is an intercept, and p
/// its column count. They are <see cref="double.NaN"/> when n = p. Without an intercept,
/// <see cref="RSquared"/> is the uncentred 1 − SSE/Σy² (as R and NIST define it).
/// </remarks>
public sealed class ExactSolution
{
    internal ExactSolution(LinearModel model, double[][] standardErrors, double[] interceptStandardErrors,
        double[] sse, double[] rSquared, int degreesOfFreedom, double conditionBound, int refinementSteps)
    {
        Model = model;
        StandardErrors = standardErrors;
        InterceptStandardErrors = interceptStandardErrors;
        ResidualSumOfSquares = sse;
        RSquared = rSquared;
        DegreesOfFreedom = degreesOfFreedom;
        ConditionNumber = conditionBound;
        RefinementSteps = refinementSteps;
    }

    /// <summary>The fitted model, in the data's original units.</summary>
    public LinearModel Model { get; }

    /// <summary>Standard error of each coefficient: [output][feature].</summary>
    public IReadOnlyList<double[]> StandardErrors { get; }

    /// <summary>Standard error of each output's intercept (NaN without intercept).</summary>
    public IReadOnlyList<double> InterceptStandardErrors { get; }

    /// <summary>SSE = Σ r², per output.</summary>
    public IReadOnlyList<double> ResidualSumOfSquares { get; }

    /// <summary>Coefficient of determination per output (uncentred without intercept).</summary>
    public IReadOnlyList<double> RSquared { get; }

    /// <summary>n − p, the residual degrees of freedom.</summary>
    public int DegreesOfFreedom { get; }

    /// <summary>Residual standard deviation σ̂ = √(SSE/(n − p)) of output <paramref name="output"/>.</summary>
    public double ResidualStandardDeviation(int output = 0) =>
        DegreesOfFreedom > 0 ? Math.Sqrt(ResidualSumOfSquares[output] / DegreesOfFreedom) : double.NaN;

    /// <summary>
    /// The 2-norm condition number σmax/σmin of the centred, column-scaled design (power iteration on R):
    /// how much the data's conditioning, after the scaling Lsgd does itself, amplifies relative errors.
    /// Gradient descent on standardised features needs of the order of its square iterations.
    /// </summary>
    public double ConditionNumber { get; }

    /// <summary>How many steps of iterative refinement were applied.</summary>
    public int RefinementSteps { get; }
}
