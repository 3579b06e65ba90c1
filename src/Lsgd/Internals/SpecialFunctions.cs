namespace Lsgd.Internals;

/// <summary>
/// The special functions behind regression inference: log-gamma, log-beta, the regularized incomplete beta
/// function and the Student-t and F distributions built on it.
/// </summary>
/// <remarks>
/// <para>Tail probabilities are always evaluated as the small side of the incomplete beta function, never as
/// 1 − CDF, so tiny p-values keep their relative accuracy (until they underflow below about 1e-308).</para>
/// <para>Invalid arguments (NaN, a degree of freedom that is not a finite number &gt; 0, a probability outside
/// [0, 1]) give <see cref="double.NaN"/> rather than an exception, so that a degenerate fit (n = p) propagates
/// NaN through its report.</para>
/// </remarks>
internal static class SpecialFunctions
{
    /// <summary>½·ln(2π).</summary>
    private const double HalfLogTwoPi = 0.918938533204672741780329736406;

    /// <summary>Relative tolerance of the continued fraction (about one unit in the last place).</summary>
    private const double Tolerance = 3e-16;

    /// <summary>Lanczos coefficients for g = 7, n = 9 (about 15 significant digits).</summary>
    private static readonly double[] Lanczos =
    [
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
        -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
        1.5056327351493116e-7,
    ];

    /// <summary>ln Γ(x) for x &gt; 0 (NaN otherwise).</summary>
    /// <remarks>
    /// Lanczos: Γ(z + 1) = √(2π)·(z + g + ½)^(z + ½)·e^−(z + g + ½)·A_g(z) with g = 7; below ½ the reflection
    /// Γ(x)Γ(1 − x) = π / sin(πx) is used.
    /// </remarks>
    public static double LogGamma(double x)
    {
        if (!(x > 0)) return double.NaN;
        if (double.IsPositiveInfinity(x)) return x;
        if (x < 0.5) return Math.Log(Math.PI / Math.Sin(Math.PI * x)) - LogGamma(1 - x);
        double z = x - 1, sum = Lanczos[0], t = z + 7.5;
        for (int i = 1; i < Lanczos.Length; i++) sum += Lanczos[i] / (z + i);
        return HalfLogTwoPi + (z + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }

    /// <summary>ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b) for a, b &gt; 0, without cancellation for large arguments.</summary>
    /// <remarks>
    /// With Stirling's correction δ(x) = ln Γ(x) − [(x − ½)ln x − x + ½ln 2π] and s = a + b, exactly
    /// ln B = ½ln 2π − ½ln s + (a − ½)ln(a/s) + (b − ½)ln(b/s) + δ(a) + δ(b) − δ(s); every term stays moderate
    /// when a or b is large (the t distribution with many degrees of freedom), where the plain sum of
    /// log-gammas would lose about log₁₀(a·ln a) digits.
    /// </remarks>
    public static double LogBeta(double a, double b)
    {
        if (!(a > 0) || !(b > 0)) return double.NaN;
        double s = a + b, big = Math.Max(a, b), small = Math.Min(a, b);
        return HalfLogTwoPi - 0.5 * Math.Log(s) + (big - 0.5) * Log1P(-small / s)
            + (small - 0.5) * Math.Log(small / s) + StirlingCorrection(a) + StirlingCorrection(b) - StirlingCorrection(s);
    }

    /// <summary>δ(x) = ln Γ(x) − [(x − ½)ln x − x + ½ln 2π]: the asymptotic series from 10 on, Lanczos below.</summary>
    private static double StirlingCorrection(double x)
    {
        if (x < 10) return LogGamma(x) - ((x - 0.5) * Math.Log(x) - x + HalfLogTwoPi);
        double r = 1 / x, r2 = r * r;
        return r * (1.0 / 12 - r2 * (1.0 / 360 - r2 * (1.0 / 1260 - r2 * (1.0 / 1680
            - r2 * (1.0 / 1188 - r2 * (691.0 / 360360 - r2 / 156))))));
    }

    /// <summary>The regularized incomplete beta function I_x(a, b) = B(x; a, b) / B(a, b).</summary>
    public static double RegularizedBeta(double x, double a, double b)
    {
        if (!(x >= 0 && x <= 1) || !(a > 0) || !(b > 0)) return double.NaN;
        return BetaTails(a, b, x, 1 - x, Math.Log(x), Log1P(-x)).Lower;
    }

    /// <summary>P(T ≤ t) for Student's t with <paramref name="dof"/> (any finite real &gt; 0) degrees of freedom.</summary>
    public static double StudentTCdf(double t, double dof)
    {
        double half = StudentTTwoSidedP(t, dof) / 2;
        return t < 0 ? half : 1 - half;
    }

    /// <summary>The two-sided p-value P(|T| ≥ |t|) of Student's t with <paramref name="dof"/> degrees of freedom.</summary>
    /// <remarks>P(|T| ≥ |t|) = I_x(ν/2, ½) with x = ν/(ν + t²) = 1/(1 + t²/ν), never as 1 − CDF.</remarks>
    public static double StudentTTwoSidedP(double t, double dof)
    {
        if (double.IsNaN(t) || !IsDof(dof)) return double.NaN;
        double s = Math.Abs(t) / Math.Sqrt(dof);
        return BetaTailsAtOdds(dof / 2, 0.5, s * s, LogOddsOfT(t, dof)).Lower;
    }

    /// <summary>ln of Student's t density Γ((ν+1)/2) / (Γ(ν/2)√(νπ)) · (1 + t²/ν)^−(ν+1)/2, finite where the density underflows.</summary>
    private static double LogStudentTDensity(double t, double dof)
    {
        // Γ((ν+1)/2) / (Γ(ν/2)√π) = 1 / B(ν/2, ½); ln(1 + s²) = ln s² to double precision once s exceeds 1e150.
        double s = Math.Abs(t) / Math.Sqrt(dof), log1PS2 = s < 1e150 ? Log1P(s * s) : LogOddsOfT(t, dof);
        return -LogBeta(dof / 2, 0.5) - 0.5 * Math.Log(dof) - (dof + 1) / 2 * log1PS2;
    }

    /// <summary>ln(t²/ν), finite even where t²/ν overflows.</summary>
    private static double LogOddsOfT(double t, double dof) => 2 * Math.Log(Math.Abs(t)) - Math.Log(dof);

    /// <summary>The quantile t with P(T ≤ t) = <paramref name="p"/> of Student's t with <paramref name="dof"/> degrees of freedom.</summary>
    /// <remarks>
    /// Solves ln P(|T| ≥ t) = ln(2α), α = min(p, 1 − p), by Newton's method in ln t (the log tail is nearly
    /// linear in ln t for heavy tails, so far tails are reached in a few steps), safeguarded by bisection of
    /// the bracket; converged to about 1e-15 relative, limited by the tail's own accuracy.
    /// </remarks>
    public static double StudentTQuantile(double p, double dof)
    {
        if (!(p >= 0 && p <= 1) || !IsDof(dof)) return double.NaN;
        if (p == 0.5) return 0;
        if (p == 0) return double.NegativeInfinity;
        if (p == 1) return double.PositiveInfinity;
        double alpha = p < 0.5 ? p : 1 - p; // exact for p ≥ ½ (Sterbenz)
        double target = Math.Log(2 * alpha), lo = 0, hi = double.PositiveInfinity, t = 1;
        for (int iteration = 0; iteration < 200; iteration++)
        {
            double logTail = Math.Log(StudentTTwoSidedP(t, dof)), f = logTail - target;
            if (f == 0) break;
            if (f > 0 && t == double.MaxValue) { t = double.PositiveInfinity; break; } // beyond the doubles
            if (f > 0) lo = t; else hi = t;
            // Newton in ln t: d ln P / d ln t = −2t·density / P.
            double next = t * Math.Exp(f / (2 * Math.Exp(Math.Log(t) + LogStudentTDensity(t, dof) - logTail)));
            if (!(next > lo && next < hi)) // grow fast while unbounded, then bisect geometrically
                next = double.IsPositiveInfinity(hi) ? Math.Min(Math.Max(2 * t, t * t), double.MaxValue)
                    : lo > 0 ? Math.Sqrt(lo) * Math.Sqrt(hi) : hi / 2;
            bool done = Math.Abs(next - t) <= 1e-15 * next || hi - lo <= 1e-16 * lo;
            t = next;
            if (done) break;
        }
        return p < 0.5 ? -t : t;
    }

    /// <summary>The 0.975 quantile of the standard normal distribution.</summary>
    public const double NormalQuantile975 = 1.959963984540054;

    /// <summary>The two-sided p-value P(|Z| ≥ |z|) = erfc(|z|/√2) of the standard normal distribution.</summary>
    /// <remarks>
    /// erfc(x) for x &lt; 1 as 1 − erf(x) with erf from the series 2/√π·e^−x²·Σ 2ⁿx^(2n+1)/(1·3···(2n+1)) (all terms
    /// positive); for x ≥ 1 from the continued fraction e^−x²/√π · 1/(x + ½/(x + 1/(x + 3/2/(x + …)))) by Lentz's
    /// method, so small tails keep their relative accuracy.
    /// </remarks>
    public static double NormalTwoSidedP(double z)
    {
        if (double.IsNaN(z)) return double.NaN;
        double x = Math.Abs(z) / Math.Sqrt(2);
        if (x > 27.3) return 0;
        if (x < 1) return 1 - Erf(x);
        // Lentz: f = x + a₁/(x + a₂/(x + …)) with aₖ = k/2.
        const double tiny = 1e-300;
        double f = x, c = x, d = 0;
        for (int k = 1; k < 5000; k++)
        {
            double a = k / 2.0;
            d = x + a * d;
            d = d == 0 ? tiny : d;
            c = x + a / c;
            c = c == 0 ? tiny : c;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1) < 1e-16) break;
        }
        // e^−x² with x² = z²/2 split exactly (FMA), so far tails keep their digits: x² ≈ 450 would cost 450ε.
        double zz = z * z, zzLow = Math.FusedMultiplyAdd(z, z, -zz);
        return Math.Exp(-zz / 2) * Math.Exp(-zzLow / 2) / Math.Sqrt(Math.PI) / f;
    }

    /// <summary>The error function erf(x) = 2/√π ∫₀ˣ e^−t² dt.</summary>
    /// <remarks>
    /// For |x| &lt; 1 the series of <see cref="NormalTwoSidedP"/> (all terms positive, full relative accuracy near 0);
    /// beyond, 1 − erfc(|x|) from its continued fraction, with the sign of x.
    /// </remarks>
    public static double Erf(double x)
    {
        if (double.IsNaN(x)) return double.NaN;
        double a = Math.Abs(x);
        if (a < 1)
        {
            double term = a, sum = a;
            for (int k = 1; k < 200 && term > 1e-17 * sum; k++)
            {
                term *= 2 * a * a / (2 * k + 1);
                sum += term;
            }
            return Math.CopySign(2 / Math.Sqrt(Math.PI) * Math.Exp(-a * a) * sum, x);
        }
        return Math.CopySign(1 - NormalTwoSidedP(a * Math.Sqrt(2)), x);
    }

    /// <summary>The upper tail P(F &gt; f) of the F distribution with <paramref name="d1"/> and <paramref name="d2"/> degrees of freedom.</summary>
    /// <remarks>P(F &gt; f) = I_x(d₂/2, d₁/2) with x = d₂/(d₂ + d₁f) = 1/(1 + d₁f/d₂), never as 1 − CDF.</remarks>
    public static double FUpperTail(double f, double d1, double d2)
    {
        if (double.IsNaN(f) || !IsDof(d1) || !IsDof(d2)) return double.NaN;
        if (f <= 0) return 1;
        double ratio = d1 / d2;
        return BetaTailsAtOdds(d2 / 2, d1 / 2, ratio * f, Math.Log(ratio) + Math.Log(f)).Lower;
    }

    /// <summary>ln(1 + x), accurate for small x (Goldberg's trick; .NET's LogP1 is a plain Log(1 + x)).</summary>
    private static double Log1P(double x)
    {
        double u = 1 + x;
        if (u == 1) return x;
        if (double.IsPositiveInfinity(u)) return u;
        return Math.Log(u) * x / (u - 1);
    }

    private static bool IsDof(double dof) => dof > 0 && !double.IsPositiveInfinity(dof);

    /// <summary>
    /// <see cref="BetaTails"/> at x = 1/(1 + r), y = r/(1 + r) for odds r ≥ 0 with ln r = <paramref name="logOdds"/>;
    /// the logarithm is used when r is too large for x to be represented.
    /// </summary>
    private static (double Lower, double Upper) BetaTailsAtOdds(double a, double b, double odds, double logOdds)
    {
        if (!(odds < 1e300)) return BetaTails(a, b, 0, 1, -logOdds, 0); // ln x = −ln(1 + r) = −ln r to double precision
        double x = 1 / (1 + odds), y = odds / (1 + odds);
        return BetaTails(a, b, x, y, x < 0.5 ? Math.Log(x) : Log1P(-y), y < 0.5 ? Math.Log(y) : Log1P(-x));
    }

    /// <summary>(I_x(a, b), 1 − I_x(a, b)) given x, y = 1 − x and their logarithms, each computed by the caller without rounding loss.</summary>
    /// <remarks>
    /// I_x(a, b) = x^a y^b / B(a, b) · CF(a, b, x, y) when x ≤ a/(a + b) (λ = a − (a + b)x ≥ 0), otherwise the
    /// symmetry I_x(a, b) = 1 − I_y(b, a) is used. Whichever side is computed directly is accurate to its last
    /// digits however small it is.
    /// </remarks>
    private static (double Lower, double Upper) BetaTails(double a, double b, double x, double y, double logX, double logY)
    {
        if (double.IsNegativeInfinity(logX)) return (0, 1);
        if (double.IsNegativeInfinity(logY)) return (1, 0);
        // λ = a − (a + b)x = (a + b)y − b, in the form that cancels less.
        double lambda = a > b ? (a + b) * y - b : a - (a + b) * x;
        double prefactor = Math.Exp(LogPrefactor(a, b, logX, logY, lambda));
        if (lambda >= 0)
        {
            double lower = Math.Min(1, prefactor * ContinuedFraction(a, b, x, y, lambda));
            return (lower, 1 - lower);
        }
        double upper = Math.Min(1, prefactor * ContinuedFraction(b, a, y, x, -lambda));
        return (1 - upper, upper);
    }

    /// <summary>ln[x^a y^b / B(a, b)] given λ = a − (a + b)x, without cancellation when a and b are large.</summary>
    /// <remarks>
    /// With s = a + b, x₀ = a/s and y₀ = b/s, x/x₀ = 1 + e₁ (e₁ = −λ/a) and y/y₀ = 1 + e₂ (e₂ = λ/b), and
    /// a·e₁ + b·e₂ = 0, so exactly (as in TOMS 708's BRCOMP)
    /// ln[x^a y^b / B] = a·[ln(1 + e₁) − e₁] + b·[ln(1 + e₂) − e₂] + ½ln(ab/s) − ½ln 2π − δ(a) − δ(b) + δ(s).
    /// Both brackets are ≤ 0 and come from log1p when |e| ≤ 0.6, so nothing of the size of a·ln x cancels.
    /// </remarks>
    private static double LogPrefactor(double a, double b, double logX, double logY, double lambda)
    {
        double s = a + b;
        return a * Deviation(-lambda / a, logX, a / s) + b * Deviation(lambda / b, logY, b / s)
            + 0.5 * Math.Log(a / s * b) - HalfLogTwoPi - StirlingCorrection(a) - StirlingCorrection(b) + StirlingCorrection(s);

        // ln(1 + e) − e with 1 + e = z/z₀, from log1p near 1 and from ln z further out.
        static double Deviation(double e, double logZ, double z0) => (Math.Abs(e) <= 0.6 ? Log1P(e) : logZ - Math.Log(z0)) - e;
    }

    /// <summary>
    /// The continued fraction of I_x(a, b) / (x^a y^b / B(a, b)) for λ = a − (a + b)x ≥ 0, in the form of
    /// Didonato and Morris (ACM TOMS 708, BFRAC).
    /// </summary>
    /// <remarks>
    /// x enters only as a factor and 1 − x only through y and λ, so nothing cancels when x is close to 1
    /// (large a, as for Student's t with many degrees of freedom), where the textbook form
    /// 1/(1 − (a + b)x/(a + 1) + …) loses about log₁₀(a) digits. The convergents are renormalised each step.
    /// </remarks>
    private static double ContinuedFraction(double a, double b, double x, double y, double lambda)
    {
        double c = 1 + lambda, c0 = b / a, c1 = 1 + 1 / a, yp1 = y + 1;
        double p = 1, s = a + 1, an = 0, bn = 1, anp1 = 1, bnp1 = c / c1, r = c1 / c;
        for (int n = 1; n <= 1_000_000; n++)
        {
            double t = n / a, w = n * (b - n) * x, e = a / s;
            double alpha = p * (p + c0) * e * e * (w * x);
            e = (1 + t) / (c1 + t + t);
            double beta = n + w / s + e * (c + n * yp1);
            p = 1 + t;
            s += 2;
            (an, anp1) = (anp1, alpha * an + beta * anp1);
            (bn, bnp1) = (bnp1, alpha * bn + beta * bnp1);
            double previous = r;
            r = anp1 / bnp1;
            if (Math.Abs(r - previous) <= Tolerance * r) break;
            an /= bnp1;
            bn /= bnp1;
            anp1 = r;
            bnp1 = 1;
        }
        return r;
    }
}
