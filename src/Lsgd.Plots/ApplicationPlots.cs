using ScottPlot;

namespace Lsgd.Plots;

/// <summary>
/// Saves PNG figures for the applications: a 2-D projection of the rows (PCA scores), coloured by class, and
/// data with fitted curves (a network against a straight line). Files are written atomically.
/// </summary>
public static class ApplicationPlots
{
    /// <summary>
    /// Saves a scatter plot of the points (x, y) — e.g. the scores on the first two principal components — with
    /// one colour and legend entry per group when <paramref name="groups"/> is given (groups in order of first
    /// appearance), one colour otherwise. The image is rendered to a temporary file in the same folder, then
    /// moved onto <paramref name="path"/>.
    /// </summary>
    /// <param name="path">Where to write the PNG; an existing file is replaced. Its folder must exist.</param>
    /// <param name="x">Horizontal coordinates.</param>
    /// <param name="y">Vertical coordinates; as many as <paramref name="x"/>.</param>
    /// <param name="groups">The group (class) of each point, or null.</param>
    /// <param name="title">Title of the figure.</param>
    /// <param name="xLabel">Label of the horizontal axis.</param>
    /// <param name="yLabel">Label of the vertical axis.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    /// <exception cref="LsgdException">The folder of <paramref name="path"/> does not exist.</exception>
    public static void SaveProjection(string path, IReadOnlyList<double> x, IReadOnlyList<double> y, IReadOnlyList<string>? groups,
        string title, string xLabel, string yLabel, int width = 800, int height = 600)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count)
            throw new ArgumentException($"x and y must have the same length, but x has {x.Count} values and y has {y.Count}.", nameof(y));
        if (groups is not null && groups.Count != x.Count)
            throw new ArgumentException($"groups must have one entry per point ({x.Count}) but has {groups.Count}.", nameof(groups));
        using var plot = new Plot();
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        if (groups is null)
        {
            plot.Add.ScatterPoints(x.ToArray(), y.ToArray()).MarkerSize = 7;
        }
        else
        {
            foreach (var group in groups.Distinct())
            {
                var index = Enumerable.Range(0, x.Count).Where(i => groups[i] == group).ToArray();
                var points = plot.Add.ScatterPoints(index.Select(i => x[i]).ToArray(), index.Select(i => y[i]).ToArray());
                points.MarkerSize = 7;
                points.LegendText = group;
            }
            plot.ShowLegend();
        }
        plot.Font.Automatic();
        Save(plot, path, width, height);
    }

    /// <summary>
    /// Saves the data points (x, y) of a one-input problem with one line per fitted curve, each drawn through
    /// its values at the x of the points (sorted by x), e.g. a network's fit against a straight line's.
    /// </summary>
    /// <param name="path">Where to write the PNG (atomically); its folder must exist.</param>
    /// <param name="x">The input of each point.</param>
    /// <param name="y">The target of each point.</param>
    /// <param name="curves">Name and the fitted value at each x, per curve.</param>
    /// <param name="title">Title of the figure.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    /// <exception cref="LsgdException">The folder of <paramref name="path"/> does not exist.</exception>
    public static void SaveCurves(string path, IReadOnlyList<double> x, IReadOnlyList<double> y,
        IReadOnlyList<(string Name, IReadOnlyList<double> Values)> curves, string title, int width = 800, int height = 600)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(curves);
        if (x.Count != y.Count)
            throw new ArgumentException($"x and y must have the same length, but x has {x.Count} values and y has {y.Count}.", nameof(y));
        using var plot = new Plot();
        plot.Title(title);
        plot.XLabel("x");
        plot.YLabel("y");
        var data = plot.Add.ScatterPoints(x.ToArray(), y.ToArray());
        data.MarkerSize = 5;
        data.LegendText = "data";
        var order = Enumerable.Range(0, x.Count).OrderBy(i => x[i]).ToArray();
        foreach (var (name, values) in curves)
        {
            if (values.Count != x.Count)
                throw new ArgumentException($"The curve '{name}' has {values.Count} values but there are {x.Count} points.", nameof(curves));
            var line = plot.Add.ScatterLine(order.Select(i => x[i]).ToArray(), order.Select(i => values[i]).ToArray());
            line.LineWidth = 2;
            line.MarkerSize = 0;
            line.LegendText = name;
        }
        plot.ShowLegend(Alignment.UpperRight);
        plot.Font.Automatic();
        Save(plot, path, width, height);
    }

    private static void Save(Plot plot, string path, int width, int height)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        PlotFile.Save(path, tmp => plot.SavePng(tmp, width, height));
    }
}
