using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace Lsgd.Plots;

/// <summary>
/// Saves PNG figures of a fit: the data with the fitted line, and the loss curve of gradient descent.
/// </summary>
public static class FitPlots
{
    /// <summary>
    /// Saves one PNG with two panels side by side: left, the data points (x, y) as markers and the fitted
    /// line ŷ = w·x + b drawn across the x range; right, the loss J(k) for k = 0..K on a log10 y axis
    /// (entries that are not finite or not positive are skipped). The file is written atomically:
    /// the image is rendered to a temporary file in the same folder and then moved onto <paramref name="path"/>.
    /// </summary>
    /// <param name="path">Where to write the PNG; an existing file is replaced. Its folder must exist.</param>
    /// <param name="x">The x values of the data points.</param>
    /// <param name="y">The y values of the data points; as many as <paramref name="x"/>.</param>
    /// <param name="w">The fitted slope.</param>
    /// <param name="b">The fitted intercept.</param>
    /// <param name="lossHistory">The loss J(k) for iterations k = 0..K.</param>
    /// <param name="width">Width of the whole image in pixels.</param>
    /// <param name="height">Height of the whole image in pixels.</param>
    /// <exception cref="ArgumentException">The path is empty, or x and y differ in length.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The width or height is not positive.</exception>
    /// <exception cref="LsgdException">The folder of <paramref name="path"/> does not exist.</exception>
    public static void SaveLineFitAndLoss(string path, IReadOnlyList<double> x, IReadOnlyList<double> y,
        double w, double b, IReadOnlyList<double> lossHistory, int width = 1200, int height = 500)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(lossHistory);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (x.Count != y.Count)
            throw new ArgumentException($"x and y must have the same length, but x has {x.Count} values and y has {y.Count}.", nameof(y));

        PlotFile.CheckFolder(path);

        using Plot dataPlot = DataPlot(x, y, w, b);
        using Plot lossPlot = LossPlot(lossHistory);
        var figure = new Multiplot(dataPlot) { Layout = new ScottPlot.MultiplotLayouts.Columns() };
        figure.AddPlot(lossPlot);

        PlotFile.Save(path, tmp => figure.SavePng(tmp, width, height));
    }

    /// <summary>Builds the left panel: data markers and the fitted line across the finite x range.</summary>
    private static Plot DataPlot(IReadOnlyList<double> x, IReadOnlyList<double> y, double w, double b)
    {
        var plot = new Plot();
        string sign = b < 0 ? "-" : "+";
        plot.Title(string.Create(CultureInfo.InvariantCulture, $"Data and fitted line  ŷ = {w:G6}·x {sign} {Math.Abs(b):G6}"));
        plot.XLabel("x");
        plot.YLabel("y");

        double[] finiteX = x.Where(double.IsFinite).ToArray();
        if (finiteX.Length > 0 && double.IsFinite(w) && double.IsFinite(b))
        {
            double x0 = finiteX.Min(), x1 = finiteX.Max();
            var line = plot.Add.Line(x0, w * x0 + b, x1, w * x1 + b);
            line.LineWidth = 2;
        }

        // Added after the line so the markers are drawn on top of it.
        plot.Add.ScatterPoints(x.ToArray(), y.ToArray()).MarkerSize = 10;
        plot.Font.Automatic();
        return plot;
    }

    /// <summary>Builds the right panel: log10 J(k) against k, with decade ticks labelled 1eN.</summary>
    private static Plot LossPlot(IReadOnlyList<double> lossHistory)
    {
        var plot = new Plot();
        plot.Title("Loss");
        plot.XLabel("iteration");
        plot.YLabel("J (log10)");

        var ks = new List<double>();
        var logJ = new List<double>();
        for (int k = 0; k < lossHistory.Count; k++)
        {
            double j = lossHistory[k];
            if (double.IsFinite(j) && j > 0)
            {
                ks.Add(k);
                logJ.Add(Math.Log10(j));
            }
        }

        if (ks.Count > 0)
        {
            var curve = plot.Add.ScatterLine(ks.ToArray(), logJ.ToArray());
            curve.LineWidth = 2;
            curve.MarkerSize = ks.Count == 1 ? 8 : 0; // a lone point has no line to show it
            // Whole decades below and above the data (plus a little room), so at least two ticks are labelled.
            double lo = Math.Floor(logJ.Min()), hi = Math.Max(Math.Ceiling(logJ.Max()), lo + 1);
            double pad = 0.03 * (hi - lo);
            plot.Axes.SetLimitsY(lo - pad, hi + pad);
        }

        plot.Axes.Bottom.TickGenerator = new NumericAutomatic { IntegerTicksOnly = true };
        plot.Axes.Left.TickGenerator = new NumericAutomatic
        {
            IntegerTicksOnly = true,
            MinorTickGenerator = new LogMinorTickGenerator(),
            LabelFormatter = v => string.Create(CultureInfo.InvariantCulture, $"1e{Math.Round(v):0}"),
        };
        plot.Font.Automatic();
        return plot;
    }
}
