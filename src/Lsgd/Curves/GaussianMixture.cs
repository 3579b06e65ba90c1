namespace Lsgd.Curves;

/// <summary>One Gaussian component of a fitted mixture, with standard errors.</summary>
/// <param name="Weight">w = a·s·√(2π), the area under the peak: the mixture weight when y is a density.</param>
/// <param name="Mean">μ, the peak's centre.</param>
/// <param name="StandardDeviation">σ = |s|, the peak's width.</param>
/// <param name="WeightError">SE(w), by the delta method from Cov(a, s).</param>
/// <param name="MeanError">SE(μ).</param>
/// <param name="StandardDeviationError">SE(σ).</param>
public sealed record MixtureComponent(double Weight, double Mean, double StandardDeviation,
    double WeightError, double MeanError, double StandardDeviationError);

/// <summary>A Gaussian mixture fitted by least squares: the components (ordered by mean) and the curve fit behind them.</summary>
public sealed class GaussianMixtureFit
{
    internal GaussianMixtureFit(CurveFit fit, IReadOnlyList<MixtureComponent> components)
    {
        Fit = fit;
        Components = components;
        TotalWeight = components.Sum(c => c.Weight);
    }

    /// <summary>The underlying fit of <see cref="GaussianPeaks"/> (parameters a1, m1, s1, … in the fitted order).</summary>
    public CurveFit Fit { get; }

    /// <summary>The components, ordered by mean.</summary>
    public IReadOnlyList<MixtureComponent> Components { get; }

    /// <summary>Σ w: close to 1 when a density was fitted well (least squares does not force it).</summary>
    public double TotalWeight { get; }
}

/// <summary>
/// Parameter estimation for Gaussian mixtures by least squares: Σₖ wₖ N(x; μₖ, σₖ) fitted to a histogram or a
/// density curve by Levenberg–Marquardt, from starting values taken at the data's quantiles.
/// </summary>
/// <remarks>
/// Least squares on a histogram is not maximum likelihood: it gives the bins equal weight although their counts'
/// variances grow with the density, and its standard errors (from σ̂ and the Jacobian) assume equal variances.
/// With many samples and bins narrower than the components it recovers the parameters well, and it is the
/// method of choice when only a density curve (not samples) is available.
/// </remarks>
public static class GaussianMixture
{
    /// <summary>Fits <paramref name="components"/> Gaussian peaks to (x, density) and reads them as a mixture.</summary>
    /// <param name="x">Bin centres (or any x).</param>
    /// <param name="density">The density at each x (e.g. <see cref="Histogram.Densities"/>).</param>
    /// <param name="components">K ≥ 1.</param>
    /// <param name="options">Fit settings (default Levenberg–Marquardt).</param>
    /// <param name="cancellationToken">Stops the iterations, keeping the parameters reached.</param>
    public static GaussianMixtureFit FitDensity(ReadOnlySpan<double> x, ReadOnlySpan<double> density, int components,
        CurveFitOptions? options = null, CancellationToken cancellationToken = default)
    {
        var model = new GaussianPeaks(components);
        var start = model.InitialValues(x, density);
        return Describe(CurveFitter.Fit(model, x, density, start, options, cancellationToken));
    }

    /// <summary>Reads a fit of <see cref="GaussianPeaks"/> as mixture components (weight, mean, SD, with standard errors).</summary>
    /// <exception cref="ArgumentException">The fit is not of <see cref="GaussianPeaks"/>.</exception>
    public static GaussianMixtureFit Describe(CurveFit fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        if (fit.Model is not GaussianPeaks peaks)
            throw new ArgumentException($"The fit is of {fit.Model.Formula}, not of Gaussian peaks.", nameof(fit));
        double root = Math.Sqrt(2 * Math.PI);
        var components = new List<MixtureComponent>(peaks.Components);
        for (int k = 0; k < peaks.Components; k++)
        {
            int ia = 3 * k, im = ia + 1, js = ia + 2;
            double a = fit.Parameters[ia], s = fit.Parameters[js];
            // w = a|s|√(2π): ∂w/∂a = |s|√(2π), ∂w/∂s = a·sign(s)·√(2π).
            double da = Math.Abs(s) * root, ds = a * (s < 0 ? -root : root);
            double variance = da * da * fit.Covariance(ia, ia) + 2 * da * ds * fit.Covariance(ia, js) + ds * ds * fit.Covariance(js, js);
            components.Add(new MixtureComponent(a * Math.Abs(s) * root, fit.Parameters[im], Math.Abs(s),
                Math.Sqrt(variance), fit.StandardErrors[im], fit.StandardErrors[js]));
        }
        return new GaussianMixtureFit(fit, [.. components.OrderBy(c => c.Mean)]);
    }
}
