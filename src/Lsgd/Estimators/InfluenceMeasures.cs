using Lsgd.Data;
using Lsgd.Internals;

namespace Lsgd.Estimators;

/// <summary>The influence of each row on one output's fit (statsmodels' <c>OLSInfluence</c>), one value per row.</summary>
/// <param name="Target">The output's name.</param>
/// <param name="Residual">rᵢ = yᵢ − ŷᵢ.</param>
/// <param name="StudentizedInternal">rᵢ/(σ̂√(1 − hᵢ)), σ̂ of the whole fit (<c>resid_studentized_internal</c>).</param>
/// <param name="StudentizedExternal">rᵢ/(σ̂₍ᵢ₎√(1 − hᵢ)), σ̂₍ᵢ₎² = (SSE − rᵢ²/(1 − hᵢ))/(n − p − 1) the fit without row i
/// (<c>resid_studentized_external</c>).</param>
/// <param name="CooksDistance">Dᵢ = (internal studentized)²·hᵢ/(p(1 − hᵢ)) (<c>cooks_distance[0]</c>).</param>
/// <param name="Dffits">(external studentized)·√(hᵢ/(1 − hᵢ)) (<c>dffits[0]</c>).</param>
public sealed record OutputInfluence(string Target, double[] Residual, double[] StudentizedInternal, double[] StudentizedExternal,
    double[] CooksDistance, double[] Dffits);

/// <summary>Leverages and per-output influence measures of the rows of a least-squares fit.</summary>
/// <param name="Leverage">hᵢ = dᵢᵀ(DᵀD)⁻¹dᵢ, the diagonal of the hat matrix (<c>hat_matrix_diag</c>), shared by all outputs.</param>
/// <param name="Outputs">Per output, in output order.</param>
public sealed record InfluenceMeasures(double[] Leverage, IReadOnlyList<OutputInfluence> Outputs)
{
    /// <summary>
    /// The influence measures of <paramref name="fit"/>'s rows, as statsmodels' <c>OLSInfluence</c> (leverage,
    /// internally and externally studentized residuals, Cook's distance, DFFITS). A row with hᵢ = 1 (fitted exactly
    /// whatever its target) has NaN measures.
    /// </summary>
    /// <remarks>
    /// <para>Weighted rows (weighted least squares) are measured as R's <c>lm.influence</c> and the OLS of the whitened
    /// rows √w·y ~ √w·d: hᵢ = wᵢdᵢᵀ(DᵀWD)⁻¹dᵢ, studentized residuals of √wᵢrᵢ with σ̂² = Σwr²/(n − p), Cook's distance
    /// and DFFITS from them; <see cref="OutputInfluence.Residual"/> stays yᵢ − ŷᵢ. A row of weight 0 is not part of
    /// the fit: leverage 0 and NaN measures. (statsmodels' <c>OLSInfluence</c> on a WLS result mixes unweighted
    /// residuals with a half-whitened hat matrix, which is neither.)</para>
    /// <para>hᵢ = ‖R⁻ᵀeᵢ‖² from the QR factor of the exact solver's centred, scaled design (eᵢ row i of it), so leverages keep
    /// their digits on data far from the origin; residuals are at the fit's own coefficients, with compensated sums.</para>
    /// </remarks>
    /// <param name="fit">A fit with a <see cref="LinearFit.Report"/> (unpenalised, at the least-squares estimate).</param>
    /// <param name="data">The data it was fitted on.</param>
    /// <exception cref="LsgdException">The fit has no report, the data is not its data, its design is rank-deficient, or n − p &lt; 2.</exception>
    public static InfluenceMeasures Compute(LinearFit fit, Dataset data)
    {
        var factor = ParameterCovariance.Factor(fit, data, "the influence measures");
        var report = fit.Report!;
        data = data.ToDoublePrecision();
        int n = data.Rows, k = fit.Model.Outputs, p = factor.Parameters, dof = report[0].DegreesOfFreedom;
        if (dof < 2)
            Throw.Data($"The fit has {dof} residual degree of freedom, and the externally studentized residuals need 2 (a row left out). Add rows or use fewer features.");
        var leverage = new double[n];
        var work = new double[p];
        for (int i = 0; i < n; i++)
            leverage[i] = data.Weight(i) * factor.QuadraticForm(data.FeatureRow(i), work);
        var model = fit.Model;
        var outputs = new OutputInfluence[k];
        for (int o = 0; o < k; o++)
        {
            var w = model.Coefficients(o);
            double b = model.Intercept(o);
            var r = new double[n];
            for (int i = 0; i < n; i++)
            {
                var x = data.FeatureRow(i);
                double s = 0, c = 0;
                Accurate.TwoSumInto(ref s, ref c, data.Y[i * k + o]);
                Accurate.TwoSumInto(ref s, ref c, -b);
                for (int j = 0; j < x.Length; j++)
                {
                    double prod = -x[j] * w[j];
                    c += Math.FusedMultiplyAdd(-x[j], w[j], -prod);
                    Accurate.TwoSumInto(ref s, ref c, prod);
                }
                r[i] = s + c;
            }
            // Weighted rows: the whitened residuals √w·r of the whitened model, as R's lm.influence (r itself is reported).
            var whitened = data.IsWeighted ? [.. r.Select((v, i) => Math.Sqrt(data.Weight(i)) * v)] : r;
            double sse = Accurate.Dot(whitened, whitened), sigma = Math.Sqrt(sse / dof);
            var inside = new double[n];
            var outside = new double[n];
            var cook = new double[n];
            var dffits = new double[n];
            for (int i = 0; i < n; i++)
            {
                double h = leverage[i], rest = 1 - h, e = whitened[i];
                if (!(rest > 0) || data.Weight(i) == 0)
                {
                    inside[i] = outside[i] = cook[i] = dffits[i] = double.NaN;
                    continue;
                }
                inside[i] = e / (sigma * Math.Sqrt(rest));
                double sigmaI = Math.Sqrt(Math.Max(sse - e * e / rest, 0) / (dof - 1));
                outside[i] = e / (sigmaI * Math.Sqrt(rest));
                cook[i] = inside[i] * inside[i] * h / (p * rest);
                dffits[i] = outside[i] * Math.Sqrt(h / rest);
            }
            outputs[o] = new OutputInfluence(model.TargetNames[o], r, inside, outside, cook, dffits);
        }
        return new InfluenceMeasures(leverage, outputs);
    }
}
