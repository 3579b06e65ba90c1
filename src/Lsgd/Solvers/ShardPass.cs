using Lsgd.Data;

namespace Lsgd.Solvers;

/// <summary>Which of the exact solver's passes over the rows a <see cref="ShardPass"/> is.</summary>
public enum ShardPassKind
{
    /// <summary>The tall-skinny QR factor of the shard's centred rows [√w/√Σw, √w(x − x̄), √w(y − ȳ)].</summary>
    Factor,

    /// <summary>The shard's g = DᵀW(y − Dθ) and Σw(y − Dθ)² at θ, in twice the working precision (a refinement step).</summary>
    Residuals,
}

/// <summary>
/// One of the exact solver's passes over rows kept in shards (<see cref="IShardedRows"/>): what each shard computes
/// from its own rows (<see cref="Run"/>), wherever it is. The solver merges the shards' pieces in shard order, so the
/// result depends on the shard order only, not on which process or machine computed which piece.
/// </summary>
public sealed class ShardPass
{
    private ShardPass(ShardPassKind kind, bool fitIntercept, double[] featureMeans, double[] targetMeans, double weightSum, double[] theta)
    {
        Kind = kind;
        FitIntercept = fitIntercept;
        FeatureMeans = featureMeans;
        TargetMeans = targetMeans;
        WeightSum = weightSum;
        Theta = theta;
    }

    /// <summary>The factor pass: the rows centred on the means of all shards (zero without an intercept), weighted by √w, the intercept's column √w/√Σw.</summary>
    /// <param name="fitIntercept">Whether the design has an intercept column.</param>
    /// <param name="featureMeans">x̄ of all shards (weighted with weights).</param>
    /// <param name="targetMeans">ȳ of all shards.</param>
    /// <param name="weightSum">Σw of all shards (n when unweighted).</param>
    public static ShardPass Factor(bool fitIntercept, IReadOnlyList<double> featureMeans, IReadOnlyList<double> targetMeans, double weightSum)
    {
        ArgumentNullException.ThrowIfNull(featureMeans);
        ArgumentNullException.ThrowIfNull(targetMeans);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(weightSum);
        return new(ShardPassKind.Factor, fitIntercept, [.. featureMeans], [.. targetMeans], weightSum, []);
    }

    /// <summary>A refinement pass at <paramref name="theta"/> (every output's parameters in <see cref="Models.ParameterLayout"/> order).</summary>
    /// <param name="fitIntercept">Whether θ holds an intercept per output.</param>
    /// <param name="theta">The parameters.</param>
    public static ShardPass Residuals(bool fitIntercept, IReadOnlyList<double> theta)
    {
        ArgumentNullException.ThrowIfNull(theta);
        return new(ShardPassKind.Residuals, fitIntercept, [], [], 0, [.. theta]);
    }

    /// <summary>Which pass.</summary>
    public ShardPassKind Kind { get; }

    /// <summary>Whether the design has an intercept.</summary>
    public bool FitIntercept { get; }

    /// <summary>The factor pass's x̄ (empty for a refinement pass).</summary>
    public IReadOnlyList<double> FeatureMeans { get; }

    /// <summary>The factor pass's ȳ (empty for a refinement pass).</summary>
    public IReadOnlyList<double> TargetMeans { get; }

    /// <summary>The factor pass's Σw (0 for a refinement pass).</summary>
    public double WeightSum { get; }

    /// <summary>A refinement pass's θ (empty for the factor pass).</summary>
    public IReadOnlyList<double> Theta { get; }

    /// <summary>
    /// The shard's piece of this pass, from its rows (read chunk by chunk): for the factor pass, the rows folded and
    /// then R (m × m row-major, m = parameters + outputs); for a refinement pass, the gradient and Σwr² as
    /// double-double pairs. The values are only for <see cref="IShardedRows.Pass"/> to hand back unchanged.
    /// </summary>
    /// <param name="shard">The shard's rows.</param>
    /// <param name="cancellationToken">Stops the pass.</param>
    public double[] Run(IRowSource shard, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(shard);
        return ScaledDesign.Piece(shard, this, cancellationToken);
    }

    internal double[] FeatureMeansArray => (double[])FeatureMeans;

    internal double[] TargetMeansArray => (double[])TargetMeans;

    internal double[] ThetaArray => (double[])Theta;
}

/// <summary>
/// Rows kept in shards — files read by this process, or by the machines of a cluster — that run the exact solver's
/// passes (<see cref="ExactLeastSquares.Solve(IShardedRows, SufficientStatistics, bool, int, CancellationToken)"/>):
/// each shard computes its piece (<see cref="ShardPass.Run"/>) and the pieces come back in shard order.
/// </summary>
public interface IShardedRows
{
    /// <summary>Every shard's piece of <paramref name="pass"/> (<see cref="ShardPass.Run"/> on its rows), in shard order.</summary>
    /// <param name="pass">The pass.</param>
    /// <param name="cancellationToken">Stops the pass.</param>
    IReadOnlyList<double[]> Pass(ShardPass pass, CancellationToken cancellationToken);
}
