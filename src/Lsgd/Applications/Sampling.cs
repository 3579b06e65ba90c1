namespace Lsgd.Applications;

/// <summary>Seeded draws shared by the applications (starting bases, initial weights, random features).</summary>
internal static class Sampling
{
    /// <summary>A standard normal draw (Box–Muller), so the same seed gives the same numbers on every platform.</summary>
    public static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
