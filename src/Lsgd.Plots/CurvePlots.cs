using ScottPlot;

namespace Lsgd.Plots;

/// <summary>Saves PNG figures of a fitted curve: the data with the curve, and the residuals below.</summary>
public static class CurvePlots
{
    /// <summary>Points at which the fitted curve is drawn across the x range.</summary>
    private const int CurvePoints = 500;

    /// <summary>
    /// Saves one PNG with two panels stacked: above, the data points (x, y) as markers and the fitted curve
    /// ŷ = f(x) drawn through <see cref="CurvePoints"/> evenly spaced x across the data's range; below, the
    /// residuals y − f(x) at the data points with a line at zero, over the same x range. The file is written
    /// atomically: rendered to a temporary file in the same folder, then moved onto <paramref name="path"/>.
    /// </summary>
    /// <param name="path">Where to write the PNG; an existing file is replaced. Its folder must exist.</param>
    /// <param name="x">The x values of the data points.</param>
    /// <param name="y">The y values of the data points; as many as <paramref name="x"/>.</param>
    /// <param name="curve">The fitted curve f.</param>
    /// <param name="title">The title of the upper panel, e.g. the model with its fitted parameters.</param>
    /// <param name="xLabel">The x axis label of both panels.</param>
    /// <param name="yLabel">The y axis label of the upper panel.</param>
    /// <param name="width">Width of the image in pixels.</param>
    /// <param name="height">Height of the image in pixels.</param>
    /// <exception cref="ArgumentException">The path is empty, or x and y differ in length.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The width or height is not positive.</exception>
    /// <exception cref="LsgdException">The folder of <paramref name="path"/> does not exist.</exception>
    public static void SaveFitAndResiduals(string path, IReadOnlyList<double> x, IReadOnlyList<double> y,
        Func<double, double> curve, string title, string xLabel = "x", string yLabel = "y", int width = 1000, int height = 800)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(curve);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (x.Count != y.Count)
            throw new ArgumentException($"x and y must have the same length, but x has {x.Count} values and y has {y.Count}.", nameof(y));

        PlotFile.CheckFolder(path);

        double[] xs = [.. x];
        double[] residuals = [.. x.Select((v, i) => y[i] - curve(v))];
        using Plot dataPlot = DataPlot(xs, [.. y], curve, title);
        using Plot residualPlot = ResidualPlot(xs, residuals);
        dataPlot.XLabel(xLabel);
        dataPlot.YLabel(yLabel);
        residualPlot.XLabel(xLabel);
        residualPlot.YLabel(yLabel + " − fit");
        if (xs.Length > 0 && xs.Min() < xs.Max())
        {
            double pad = 0.03 * (xs.Max() - xs.Min());
            dataPlot.Axes.SetLimitsX(xs.Min() - pad, xs.Max() + pad);
            residualPlot.Axes.SetLimitsX(xs.Min() - pad, xs.Max() + pad);
        }
        var figure = new Multiplot(dataPlot) { Layout = new ScottPlot.MultiplotLayouts.Rows() };
        figure.AddPlot(residualPlot);

        PlotFile.Save(path, tmp => figure.SavePng(tmp, width, height));
    }

    /// <summary>The upper panel: markers for the data, a line for the curve (only where it is finite).</summary>
    private static Plot DataPlot(double[] x, double[] y, Func<double, double> curve, string title)
    {
        var plot = new Plot();
        plot.Title(title);
        var finite = x.Where(double.IsFinite).ToArray();
        if (finite.Length > 0)
        {
            double x0 = finite.Min(), x1 = finite.Max();
            var cx = new List<double>(CurvePoints);
            var cy = new List<double>(CurvePoints);
            for (int i = 0; i < CurvePoints; i++)
            {
                double v = x0 + (x1 - x0) * i / (CurvePoints - 1);
                double f = curve(v);
                if (!double.IsFinite(f)) continue;
                cx.Add(v);
                cy.Add(f);
            }
            var points = plot.Add.ScatterPoints(x, y);
            points.MarkerSize = 6;
            points.LegendText = "data";
            if (cx.Count > 0)
            {
                var line = plot.Add.ScatterLine(cx.ToArray(), cy.ToArray());
                line.LineWidth = 2;
                line.LegendText = "fit";
            }
            plot.ShowLegend(Alignment.UpperRight);
        }
        plot.Font.Automatic();
        return plot;
    }

    /// <summary>The lower panel: residuals y − f(x) as markers, with a dashed line at zero.</summary>
    private static Plot ResidualPlot(double[] x, double[] residuals)
    {
        var plot = new Plot();
        plot.Title("Residuals");
        var zero = plot.Add.HorizontalLine(0);
        zero.LinePattern = LinePattern.Dashed;
        zero.Color = Colors.Gray;
        var points = plot.Add.ScatterPoints(x, residuals);
        points.MarkerSize = 5;
        points.Color = plot.Add.Palette.GetColor(0);   // the colour of the data above
        plot.Font.Automatic();
        return plot;
    }
}
