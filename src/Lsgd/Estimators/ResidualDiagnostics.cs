namespace Lsgd.Estimators;

/// <summary>
/// The residual diagnostics of statsmodels' OLS summary, from the residuals' power sums: the Gaussian
/// log-likelihood, AIC and BIC, Durbin–Watson, the omnibus (D'Agostino–Pearson K²) and Jarque–Bera normality tests,
/// skew and kurtosis.
/// </summary>
/// <remarks>
/// <para>ln L = −n/2·(ln 2π + ln(SSE/n) + 1); AIC = −2 ln L + 2k and BIC = −2 ln L + k ln n with k the rank of the
/// design, the intercept included (statsmodels' df_model + k_constant). For weighted rows SSE = Σw r², ½Σ ln w is
/// added to ln L and the moments below are of the whitened residuals √w·r, as statsmodels' WLS computes them.</para>
/// <para>With the residuals' central moments mⱼ = Σ(r − r̄)ʲ/n: skew = m₃/m₂^1.5, kurtosis = m₄/m₂² (3 for normal
/// errors), JB = n/6·(skew² + (kurtosis − 3)²/4) with p = e^(−JB/2) (χ² with 2 degrees of freedom); the omnibus K² =
/// Z₁² + Z₂² of D'Agostino's skewness and Anscombe–Glynn's kurtosis tests (scipy's normaltest, NaN below 8 rows as in
/// statsmodels), p = e^(−K²/2); DW = Σ(rₜ − rₜ₋₁)²/Σr², the rows in their order.</para>
/// </remarks>
internal static class ResidualDiagnostics
{
    /// <summary>Fills the diagnostics of <paramref name="report"/> from n, SSE, the rank and the power sums.</summary>
    public static OutputReport With(OutputReport report, double n, double sse, int rank, ResidualSums? sums, double logWeights)
    {
        // Weighted rows (statsmodels' WLS): SSE is Σw r² and the weights add ½Σ ln w (from the rows' pass, or from the
        // sufficient statistics when the report has no rows).
        double llf = -n / 2 * (Math.Log(2 * Math.PI) + Math.Log(sse / n) + 1) + logWeights / 2;
        report = report with { LogLikelihood = llf, Aic = -2 * llf + 2 * rank, Bic = -2 * llf + rank * Math.Log(n) };
        if (sums is null) return report;
        double mu = sums.Sum / n, s2 = sse / n, s3 = sums.Cubes / n, s4 = sums.FourthPowers / n;
        double m2 = s2 - mu * mu;
        double m3 = s3 - 3 * mu * s2 + 2 * mu * mu * mu;
        double m4 = s4 - 4 * mu * s3 + 6 * mu * mu * s2 - 3 * mu * mu * mu * mu;
        double skew = m3 / Math.Pow(m2, 1.5), kurtosis = m4 / (m2 * m2);
        double jb = n / 6 * (skew * skew + (kurtosis - 3) * (kurtosis - 3) / 4);
        double omnibus = n >= 8 ? Square(SkewTest(skew, n)) + Square(KurtosisTest(kurtosis, n)) : double.NaN;
        return report with
        {
            DurbinWatson = sums.SquaredDifferences / sse,
            Skew = skew,
            Kurtosis = kurtosis,
            JarqueBera = jb,
            JarqueBeraP = Math.Exp(-jb / 2),
            Omnibus = omnibus,
            OmnibusP = Math.Exp(-omnibus / 2),
        };
    }

    private static double Square(double x) => x * x;

    /// <summary>D'Agostino's Z for the sample skewness (scipy.stats.skewtest).</summary>
    private static double SkewTest(double b2, double n)
    {
        double y = b2 * Math.Sqrt((n + 1) * (n + 3) / (6.0 * (n - 2)));
        double beta2 = 3.0 * (n * n + 27 * n - 70) * (n + 1) * (n + 3) / ((n - 2.0) * (n + 5) * (n + 7) * (n + 9));
        double w2 = -1 + Math.Sqrt(2 * (beta2 - 1));
        double delta = 1 / Math.Sqrt(0.5 * Math.Log(w2));
        double alpha = Math.Sqrt(2.0 / (w2 - 1));
        if (y == 0) y = 1;
        double ya = y / alpha;
        return delta * Math.Log(ya + Math.Sqrt(ya * ya + 1));
    }

    /// <summary>Anscombe and Glynn's Z for the sample kurtosis (scipy.stats.kurtosistest).</summary>
    private static double KurtosisTest(double b2, double n)
    {
        double e = 3.0 * (n - 1) / (n + 1);
        double varb2 = 24.0 * n * (n - 2) * (n - 3) / ((n + 1) * (n + 1.0) * (n + 3) * (n + 5));
        double x = (b2 - e) / Math.Sqrt(varb2);
        double sqrtbeta1 = 6.0 * (n * n - 5 * n + 2) / ((n + 7) * (n + 9)) * Math.Sqrt(6.0 * (n + 3) * (n + 5) / (n * (n - 2) * (n - 3)));
        double a = 6.0 + 8.0 / sqrtbeta1 * (2.0 / sqrtbeta1 + Math.Sqrt(1 + 4.0 / (sqrtbeta1 * sqrtbeta1)));
        double term1 = 1 - 2 / (9.0 * a);
        double denom = 1 + x * Math.Sqrt(2 / (a - 4.0));
        double term2 = !(denom != 0) ? double.NaN : Math.CopySign(Math.Cbrt((1 - 2.0 / a) / Math.Abs(denom)), denom);
        return (term1 - term2) / Math.Sqrt(2 / (9.0 * a));
    }
}
