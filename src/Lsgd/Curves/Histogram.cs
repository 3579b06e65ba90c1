using Lsgd.Internals;

namespace Lsgd.Curves;

/// <summary>
/// Samples counted into equal-width bins over [min, max] and scaled to a density (count / (n·width)), so a
/// mixture of densities can be fitted to it by least squares (<see cref="GaussianMixture"/>).
/// </summary>
public sealed class Histogram
{
    private Histogram(double minimum, double width, int[] counts, int samples)
    {
        Minimum = minimum;
        BinWidth = width;
        Counts = counts;
        SampleCount = samples;
        Centres = [.. Enumerable.Range(0, counts.Length).Select(b => minimum + (b + 0.5) * width)];
        Densities = [.. counts.Select(c => c / (samples * width))];
    }

    /// <summary>Counts <paramref name="samples"/> into <paramref name="bins"/> bins; the last bin includes the maximum.</summary>
    /// <param name="samples">Finite values, at least two of them different.</param>
    /// <param name="bins">Number of bins (≥ 1).</param>
    /// <exception cref="LsgdException">A non-finite sample, or every sample the same.</exception>
    public static Histogram Of(ReadOnlySpan<double> samples, int bins)
    {
        Check.AtLeast(bins, 1, nameof(bins), "Try 50, or about √n for n samples.");
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (int i = 0; i < samples.Length; i++)
        {
            double v = samples[i];
            if (!double.IsFinite(v))
                Throw.Data($"Sample {i + 1} is {Throw.Format(v)}: every sample must be a finite number.");
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        if (!(max > min))
            Throw.Data(samples.IsEmpty
                ? "There are no samples to count into a histogram."
                : $"Every sample is {Throw.Format(min)}, so a histogram has no width. Check the column.");
        double width = (max - min) / bins;
        var counts = new int[bins];
        foreach (double v in samples)
            counts[Math.Min((int)((v - min) / width), bins - 1)]++;
        return new Histogram(min, width, counts, samples.Length);
    }

    /// <summary>The left edge of the first bin (the smallest sample).</summary>
    public double Minimum { get; }

    /// <summary>The width of every bin.</summary>
    public double BinWidth { get; }

    /// <summary>Samples in each bin.</summary>
    public IReadOnlyList<int> Counts { get; }

    /// <summary>n, the number of samples.</summary>
    public int SampleCount { get; }

    /// <summary>The middle of each bin: the x to fit at.</summary>
    public IReadOnlyList<double> Centres { get; }

    /// <summary>count / (n·width) per bin, so the bars' total area is 1: the y to fit.</summary>
    public IReadOnlyList<double> Densities { get; }
}
