namespace Lsgd.Estimators;

/// <summary>
/// How far an iterative fit stopped from the optimum of the objective it minimised: the certified bound on the
/// relative objective gap, and, when the exact unpenalised solution was computed, the distance to it.
/// </summary>
/// <param name="Loss">J at the fitted parameters (unpenalised, original units, the fit's scaling).</param>
/// <param name="OptimalLoss">J* at the exact solution; NaN when it was not computed (penalised fits).</param>
/// <param name="ObjectiveGap">The certified bound on P − P* of the objective minimised (penalty included).</param>
/// <param name="RelativeObjectiveGap">The certified bound on (P − P*)/P* (relative to a floor of 1e-8·J₀ when P* is zero within rounding).</param>
/// <param name="CoefficientDistance">‖θ − θ*‖₂ over all coefficients and intercepts; NaN without the exact solution.</param>
/// <param name="RelativeCoefficientDistance">‖θ − θ*‖₂ / ‖θ*‖₂; NaN without the exact solution.</param>
/// <param name="ExactParameters">θ*, laid out like the model's parameters; empty without the exact solution.</param>
public sealed record Optimality(double Loss, double OptimalLoss, double ObjectiveGap, double RelativeObjectiveGap,
    double CoefficientDistance, double RelativeCoefficientDistance, IReadOnlyList<double> ExactParameters)
{
    /// <summary>What the bound was derived from, for people.</summary>
    public string CertificateSource { get; init; } = "";

    /// <summary>The tolerance the bound was checked against.</summary>
    public double Tolerance { get; init; }

    /// <summary>Whether the bound holds within <see cref="Tolerance"/>.</summary>
    public bool Certified => RelativeObjectiveGap <= Tolerance;

    /// <summary>A sentence for people: how far, and whether the certificate holds.</summary>
    public string Describe()
    {
        var c = System.Globalization.CultureInfo.InvariantCulture;
        string text = string.Format(c, "Certified relative objective gap ≤ {0:G3} ({1} the tolerance {2:G3}), by {3}.",
            RelativeObjectiveGap, Certified ? "within" : "ABOVE", Tolerance, CertificateSource);
        if (double.IsFinite(CoefficientDistance))
            text += string.Format(c, " Distance to the exact least-squares solution: ‖θ − θ*‖ = {0:G3} (relative {1:G3}).",
                CoefficientDistance, RelativeCoefficientDistance);
        return text;
    }

    /// <summary>The distance and gap as one sentence (the demo's form, unchanged), with a hint when a stop that claims convergence left the coefficients more than 1e-6 (relative) off.</summary>
    public string Describe(bool converged)
    {
        var c = System.Globalization.CultureInfo.InvariantCulture;
        string gap = ObjectiveGap < 0
            ? string.Format(c, "objective gap J − J* = {0:G3} (zero within rounding)", ObjectiveGap)
            : OptimalLoss > 1e-300
                ? string.Format(c, "objective gap J − J* = {0:G3} (relative {1:G3})", ObjectiveGap, RelativeObjectiveGap)
                : string.Format(c, "objective gap J − J* = {0:G3} (J* = 0: the data lie exactly on the model)", ObjectiveGap);
        string text = string.Format(c, "Distance to the exact least-squares solution: ‖θ − θ*‖ = {0:G3} (relative {1:G3}); {2}.",
            CoefficientDistance, RelativeCoefficientDistance, gap);
        if (converged && RelativeCoefficientDistance > 1e-6)
            text += " The stopping rule fired before the coefficients converged: lower `Tolerance`, or use `GradientTolerance`.";
        return text;
    }
}
