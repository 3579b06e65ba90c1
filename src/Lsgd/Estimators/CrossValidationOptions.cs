using Lsgd.Internals;

namespace Lsgd.Estimators;

/// <summary>
/// Settings of <see cref="CrossValidatedRegressor"/>: how many folds, which penalty's λ is chosen, and the grid of λ.
/// Immutable; each value is checked when set.
/// </summary>
/// <remarks>
/// <para>The penalty at λ is <see cref="Models.Penalty.ElasticNet"/>(λ, <see cref="L1Ratio"/>): λ₁ = ρλ, λ₂ = (1 − ρ)λ,
/// added to the fit's scaled loss as <see cref="Models.Penalty"/> says (on standardised weights when
/// <see cref="LinearRegressorOptions.Standardize"/> is on). With <see cref="Models.LossScaling.Mean"/> (the CLI's
/// default) λ is scikit-learn's <c>alpha</c> of <c>Lasso</c> and <c>ElasticNet</c> (same <c>l1_ratio</c>) on the same
/// features, and <c>Ridge</c>'s <c>alpha</c> is n·λ (n the rows fitted); with <see cref="Models.LossScaling.Sum"/>,
/// λ is <c>Ridge</c>'s <c>alpha</c> and n times <c>Lasso</c>'s.</para>
/// <para>The default grid (when <see cref="Grid"/> is null) has <see cref="Lambdas"/> values, log-spaced and
/// decreasing, computed from all the rows' statistics in the posed units (standardised when the fit standardises,
/// divided by n under the mean loss): for ρ &gt; 0 scikit-learn's: from λ_max = maxⱼ ‖(Xᵀy)ⱼ‖ / (c·ρ), the smallest λ
/// whose solution is all zeros (X centred with an intercept, c = n for the mean loss, 1 for the sum), down to
/// 10⁻³·λ_max (its <c>eps</c>); for ridge (ρ = 0) from 10³·τ down to 10⁻³·τ, τ = trace(XᵀX)/(c·d) the mean
/// eigenvalue of the loss's Hessian, so the path runs from nearly all-zero weights to nearly least squares.</para>
/// </remarks>
public sealed record CrossValidationOptions
{
    /// <summary>k, the number of folds (≥ 2, default 5); at most the number of rows.</summary>
    public int Folds
    {
        get;
        init => field = Check.AtLeast(value, 2, nameof(Folds), "Use 5 or 10: with one fold nothing is left to validate on.");
    } = 5;

    /// <summary>
    /// ρ in [0, 1]: 0 (default) chooses the ridge λ₂, 1 the lasso λ₁, in between an elastic net's λ (as
    /// scikit-learn's <c>l1_ratio</c>).
    /// </summary>
    public double L1Ratio
    {
        get;
        init => field = value is >= 0 and <= 1 ? value : throw new InvalidOptionException(nameof(L1Ratio), value, "a number in [0, 1]", "Try 0.5 for an elastic net, 1 for the lasso.");
    }

    /// <summary>How many λ the default grid has (≥ 1, default 100, scikit-learn's <c>n_alphas</c>).</summary>
    public int Lambdas
    {
        get;
        init => field = Check.AtLeast(value, 1, nameof(Lambdas), "Use 100, scikit-learn's default.");
    } = 100;

    /// <summary>The λ to try instead of the default grid (each ≥ 0; tried in decreasing order); null for the default grid.</summary>
    public IReadOnlyList<double>? Grid
    {
        get;
        init
        {
            if (value is not null)
            {
                if (value.Count == 0) Throw.Option(nameof(Grid), "[]", "at least one λ", "Leave it null for the default grid.");
                foreach (double v in value) Check.NonNegative(v, nameof(Grid), "Give each λ as a finite number >= 0.");
            }
            field = value is null ? null : [.. value];
        }
    }

    /// <summary>
    /// The fold (0 … <see cref="Folds"/> − 1) of each row, to reproduce a split made elsewhere (e.g. scikit-learn's
    /// <c>KFold</c>); null (default) assigns them with <see cref="CrossValidatedRegressor.AssignFolds"/> and the fit's
    /// seed (<see cref="Training.GradientDescentOptions.Seed"/>). Every fold must have a row.
    /// </summary>
    public IReadOnlyList<int>? FoldOfRow { get; init => field = value is null ? null : [.. value]; }
}
