namespace Lsgd.IO;

/// <summary>
/// The rule every reader applies to a column of row weights (weighted least squares), so CSV, Parquet and .npy
/// files agree on it and on the message: a weight is a finite number ≥ 0 (an inverse variance; 0 leaves its row
/// out). Readers name the place (file, line or row, column) before the problem this gives.
/// </summary>
internal static class WeightColumn
{
    /// <summary>What is wrong with weight <paramref name="w"/>, or null when it is allowed.</summary>
    public static string? Problem(double w) =>
        w >= 0 && double.IsFinite(w) ? null
        : $"the weight is {w.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}: weights must be finite numbers ≥ 0 " +
          "(inverse variances; 0 leaves the row out). Correct that row's weight, or remove the row.";

    /// <summary>The index of the first weight that is not allowed, or −1.</summary>
    public static int FirstBad(ReadOnlySpan<double> w)
    {
        for (int i = 0; i < w.Length; i++)
            if (!(w[i] >= 0) || !double.IsFinite(w[i])) return i;
        return -1;
    }

    /// <summary>Throws when every weight is zero (then no row takes part in the fit).</summary>
    public static void CheckNotAllZero(string path, string name, ReadOnlySpan<double> w)
    {
        foreach (double v in w)
            if (v > 0) return;
        throw new LsgdException($"{path}: every weight in {Quote.Text(name)} is zero, so no row takes part in the fit. Give some rows a positive weight.");
    }
}
