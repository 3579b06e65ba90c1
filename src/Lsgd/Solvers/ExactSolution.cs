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
        Rank = model.Layout.BlockSize;
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
    /// The 2-norm condition number σmax/σmin of the centred, column-scaled design (the Lanczos method on RᵀR and its inverse, to rounding):
    /// how much the data's conditioning, after the scaling Lsgd does itself, amplifies relative errors.
    /// Gradient descent on standardised features needs of the order of its square iterations.
    /// </summary>
    public double ConditionNumber { get; }

    /// <summary>
    /// The numerical rank of the design D (the intercept's column included): its column count unless columns are
    /// (numerically) linearly dependent, in which case the solution is the minimum-norm one and
    /// <see cref="Aliased"/> names the coefficients it cannot tell apart.
    /// </summary>
    public int Rank { get; init; }

    /// <summary>
    /// The coefficients that are not estimable on a rank-deficient design (feature names, and
    /// <see cref="ExactLeastSquares.InterceptName"/> for the intercept): each is only determined together with the
    /// others it is aliased with, so its value is the minimum-norm one and its standard error NaN. Empty at full rank.
    /// </summary>
    public IReadOnlyList<string> Aliased { get; init; } = [];

    /// <summary>
    /// statsmodels' condition number: σmax/σmin of the design as given (the column of ones included when there is an
    /// intercept; features neither centred nor scaled), √(λmax/λmin) of the uncentred DᵀD. It mostly reflects the
    /// features' offsets and units, which the solvers remove; NaN when not computed (more than 300 parameters, or
    /// from statistics when forming DᵀD would lose its digits).
    /// </summary>
    public double UncentredConditionNumber { get; init; } = double.NaN;

    /// <summary>
    /// (DᵀD)⁻¹ (or D⁺D⁺ᵀ on a rank-deficient design, whose rows and columns of <see cref="Aliased"/> coefficients mean nothing alone), p × p
    /// row-major in the parameters' layout: the weights in feature order, then the intercept. σ̂² times it is the
    /// coefficients' covariance.
    /// </summary>
    internal double[]? UnscaledCovariance { get; init; }

    /// <summary>
    /// From sufficient statistics, the Cholesky factor of their correlation-scaled matrix (unit diagonal; centred with an
    /// intercept), whose condition number is <see cref="ConditionNumber"/>²: the matrix an optimality certificate of a fit
    /// of the same statistics factors too, unpenalised, whatever the features' shifts and scales, so it shares this one
    /// (the least-squares certificate). Null from QR.
    /// </summary>
    internal LinearAlgebra.Cholesky? ScaledFactor { get; init; }

    /// <summary>Passes the solver made over the rows (means, factor, refinement; the statistics of a stream not included), 0 from statistics.</summary>
    internal int RowPasses { get; init; }

    /// <summary>How many steps of iterative refinement were applied.</summary>
    public int RefinementSteps { get; }

    /// <summary>
    /// [(DᵀD)⁻¹]ⱼⱼ per weight, the intercept's last, when the solution came from sufficient statistics (null from QR):
    /// what <see cref="WithResidualSumOfSquares"/> needs to recompute the standard errors.
    /// </summary>
    internal double[]? UnscaledVariances { get; init; }

    /// <summary>
    /// Σᵢ(xᵢⱼ − x̄ⱼ)² per feature of the rows this solution was fitted on (unweighted), when the fit had them from its
    /// sufficient statistics: the variance inflation factors then need no pass over the rows
    /// (<see cref="Estimators.VarianceInflation.FromStandardErrors"/>). Null when not known.
    /// </summary>
    internal double[]? FeatureCentredSquares { get; set; }

    /// <summary>
    /// The same solution with the residual sums of squares measured on the rows (one pass at <see cref="Model"/>)
    /// instead of derived from the statistics as Syy − θᵀSxy, which cancels when R² is near 1; the standard
    /// errors and R² follow. Only for solutions from <see cref="ExactLeastSquares.FromStatistics"/>.
    /// </summary>
    /// <param name="sse">Σr² per output, measured at this solution.</param>
    /// <param name="totalSumOfSquares">Σ(y − ȳ)² per output (Σy² without an intercept), for R².</param>
    internal ExactSolution WithResidualSumOfSquares(IReadOnlyList<double> sse, IReadOnlyList<double> totalSumOfSquares)
    {
        var unscaled = UnscaledVariances ?? throw new InvalidOperationException("Only a solution from sufficient statistics keeps the unscaled variances.");
        int k = Model.Outputs, d = Model.Features;
        var se = new double[k][];
        var seB = new double[k];
        var newSse = new double[k];
        var r2 = new double[k];
        for (int o = 0; o < k; o++)
        {
            newSse[o] = sse[o];
            double sigma2 = DegreesOfFreedom > 0 ? sse[o] / DegreesOfFreedom : double.NaN;
            se[o] = [.. Enumerable.Range(0, d).Select(j => Math.Sqrt(sigma2 * unscaled[j]))];
            seB[o] = Model.HasIntercept ? Math.Sqrt(sigma2 * unscaled[d]) : double.NaN;
            r2[o] = totalSumOfSquares[o] > 0 ? 1 - sse[o] / totalSumOfSquares[o] : double.NaN;
        }
        return new ExactSolution(Model, se, seB, newSse, r2, DegreesOfFreedom, ConditionNumber, RefinementSteps) 
        {
            UnscaledVariances = unscaled, Rank = Rank, Aliased = Aliased, UnscaledCovariance = UnscaledCovariance,
            UncentredConditionNumber = UncentredConditionNumber, FeatureCentredSquares = FeatureCentredSquares,
        };
    }
}
