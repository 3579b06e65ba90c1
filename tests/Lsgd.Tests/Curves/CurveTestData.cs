namespace Lsgd.Tests.Curves;

/// <summary>Seeded data for the curve tests.</summary>
internal static class CurveTestData
{
    /// <summary>y = 5·e^(−0.3x) + 1 + N(0, σ²) at n evenly spaced x in [0, 20], seeded.</summary>
    public static (double[] X, double[] Y) ExponentialDecay(int n = 200, double sigma = 0.1, int seed = 42)
    {
        var rng = new Random(seed);
        var x = new double[n];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = 20.0 * i / (n - 1);
            y[i] = 5 * Math.Exp(-0.3 * x[i]) + 1 + sigma * TestData.Gaussian(rng);
        }
        return (x, y);
    }

    /// <summary>
    /// NIST StRD Misra1a (lower difficulty): y = b1·(1 − exp(−b2·x)), 14 points. Certified values from
    /// https://www.itl.nist.gov/div898/strd/nls/data/misra1a.shtml.
    /// </summary>
    public static readonly double[] Misra1aX = [77.6, 114.9, 141.1, 190.8, 239.9, 289.0, 332.8, 378.4, 434.8, 477.3, 536.8, 593.1, 689.1, 760.0];

    /// <summary>Misra1a's y.</summary>
    public static readonly double[] Misra1aY = [10.07, 14.73, 17.94, 23.93, 29.61, 35.18, 40.02, 44.82, 50.76, 55.05, 61.01, 66.40, 75.47, 81.78];
}
