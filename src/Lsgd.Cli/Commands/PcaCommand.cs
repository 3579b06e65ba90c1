using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Lsgd.Applications.Pca;
using Lsgd.Cli.Binding;
using Lsgd.Data;
using Lsgd.IO;
using Spectre.Console;

namespace Lsgd.Cli.Commands;

/// <summary><c>lsgd pca DATA.csv --components K</c>: principal components by gradient methods, explained variance, a 2-D projection plot.</summary>
internal static class PcaCommand
{
    public static Command Create(CliContext context, Action<int> setExit)
    {
        var data = new Argument<string>("DATA.csv") { Description = "CSV file with a header row." };
        var binder = ApplicationBinders.Pca;
        var components = binder[nameof(PcaOptions.Components)].Create<int>();
        var features = new Option<string[]>("--features", "-f") { Description = "Feature columns (comma-separated or repeated; default: every numeric column except --label)." };
        var standardize = binder[nameof(PcaOptions.Standardize)].Create<bool>();
        var method = binder[nameof(PcaOptions.Method)].Create<string>();
        var maxIterations = binder[nameof(PcaOptions.MaxIterations)].Create<int>();
        var tolerance = binder[nameof(PcaOptions.Tolerance)].Create<double>();
        var learningRate = binder[nameof(PcaOptions.LearningRate)].Create<double>();
        var batchSize = binder[nameof(PcaOptions.BatchSize)].Create<int>();
        var seed = binder[nameof(PcaOptions.Seed)].Create<int>();
        var stream = new Option<bool>("--stream") { Description = "Read the file again on every pass instead of loading it (for files larger than memory)." };
        var plot = new Option<string?>("--plot") { Description = "Draw the rows on the first two components to this PNG file." };
        var label = new Option<string?>("--label") { Description = "Colour the plot by this column (e.g. a class); it is never used as a feature." };
        var csvFlags = new CsvFlags();
        var json = new Option<bool>("--json") { Description = "Print one JSON document instead of text." };
        var command = new Command("pca", "Principal components by gradient methods (checked by the angle between passes); explained variance; a 2-D projection plot.") { data };
        command.Add(components);
        command.Add(features);
        command.Add(standardize);
        command.Add(method);
        command.Add(maxIterations);
        command.Add(tolerance);
        command.Add(learningRate);
        command.Add(batchSize);
        command.Add(seed);
        command.Add(stream);
        command.Add(plot);
        command.Add(label);
        csvFlags.AddTo(command);
        command.Add(json);
        command.SetAction(parse =>
        {
            string path = parse.GetValue(data)!;
            var sep = csvFlags.Read(parse);
            string? labelColumn = parse.GetValue(label);
            var header = CsvReader.ReadHeader(path, sep);
            if (labelColumn is not null && !header.Contains(labelColumn))
                throw new LsgdException($"{path} has no column '{labelColumn}' for --label. Its columns are: {string.Join(", ", header)}.");
            var featureNames = ClassifyCommand.FeatureColumns(path, header, FitCommand.SplitList(parse.GetValue(features)),
                labelColumn is null ? [] : [labelColumn], sep);
            // A refused value reaches Cli.Run, which names its flag through the binder tables.
            var options = new PcaOptions
            {
                Components = parse.GetValue(components),
                Standardize = parse.GetValue(standardize),
                Method = ApplicationBinders.PcaMethods.Parse(parse.GetValue(method)!),
                MaxIterations = parse.GetValue(maxIterations),
                Tolerance = parse.GetValue(tolerance),
                LearningRate = parse.GetValue(learningRate),
                BatchSize = parse.GetValue(batchSize),
                Seed = parse.GetValue(seed),
            };
            IRowSource source = parse.GetValue(stream) ? StreamedColumns.Open(path, featureNames, sep) : Load(path, featureNames, sep);
            var fit = context.WithProgress("finding the principal components", null, _ => new PrincipalComponentAnalysis(options).Fit(source, context.Cancellation));
            string? plotPath = parse.GetValue(plot);
            if (plotPath is not null)
                Plot(plotPath, fit, source, path, labelColumn, sep, featureNames);
            if (parse.GetValue(json))
                context.WriteJson(ToJson(fit, path, plotPath));
            else
                WriteText(context, fit, path, plotPath);
            setExit(Cli.Ok);
        });
        return command;
    }

    private static DatasetRowSource Load(string path, IReadOnlyList<string> features, CsvFormat separator)
    {
        var table = CsvReader.ReadColumns(path, features, separator);
        return new DatasetRowSource(new Dataset(table.Values, new double[table.Rows], table.Rows, features.Count, 1, features, ["none"]));
    }

    /// <summary>The scores on the first two components (or the first and zero), coloured by the label column.</summary>
    private static void Plot(string plotPath, PcaFit fit, IRowSource source, string path, string? labelColumn, CsvFormat separator,
        IReadOnlyList<string> features)
    {
        var x = new List<double>();
        var y = new List<double>();
        var scores = new double[fit.Count];
        var row = new double[fit.Features];
        foreach (var chunk in source.ReadChunks(PrincipalComponentAnalysis.ChunkRows))
            for (int i = 0; i < chunk.Rows; i++)
            {
                chunk.X.AsSpan(i * fit.Features, fit.Features).CopyTo(row);
                fit.Transform(row, scores);
                x.Add(scores[0]);
                y.Add(fit.Count > 1 ? scores[1] : 0);
            }
        IReadOnlyList<string>? groups = null;
        if (labelColumn is not null)
        {
            groups = LabelColumn.ReadFor(path, labelColumn, separator, features);
            if (groups.Count != x.Count)
                throw new LsgdException($"{path}: the --label column '{labelColumn}' has {groups.Count} rows but the feature columns have {x.Count}. Check for ragged rows.");
        }
        var c = CultureInfo.InvariantCulture;
        string Axis(int i) => i < fit.Count
            ? string.Format(c, "PC{0} ({1:0.#} % of the variance)", i + 1, 100 * fit.ExplainedVarianceRatio[i])
            : "(only one component)";
        Lsgd.Plots.ApplicationPlots.SaveProjection(plotPath, x, y, groups,
            $"{Path.GetFileName(path)} on its first principal components{(labelColumn is null ? "" : $", coloured by {labelColumn}")}", Axis(0), Axis(1));
    }

    private static string MethodName(PcaMethod method) => ApplicationBinders.PcaMethods.Format(method);

    private static string StopName(PcaStopReason reason) => reason switch
    {
        PcaStopReason.AngleChangeBelowTolerance => "angle_change_below_tolerance",
        PcaStopReason.Cancelled => "cancelled",
        _ => "max_iterations",
    };

    private static JsonObject ToJson(PcaFit fit, string path, string? plotPath)
    {
        double cumulative = 0;
        return new JsonObject
        {
            ["data"] = path,
            ["rows"] = fit.Rows,
            ["features"] = Json.Strings(fit.FeatureNames),
            ["components"] = new JsonArray([.. fit.Components().Select(c => (JsonNode?)Json.Numbers(c))]),
            ["explained_variance"] = Json.Numbers(fit.ExplainedVariance),
            ["explained_variance_ratio"] = Json.Numbers(fit.ExplainedVarianceRatio),
            ["cumulative_variance_ratio"] = Json.Numbers(fit.ExplainedVarianceRatio.Select(r => cumulative += r)),
            ["total_variance"] = Json.Number(fit.TotalVariance),
            ["residual_variance"] = Json.Number(fit.ResidualVariance),
            ["means"] = Json.Numbers(fit.Means),
            ["scales"] = fit.Standardized ? Json.Numbers(fit.Scales) : null,
            ["standardized"] = fit.Standardized,
            ["method"] = MethodName(fit.Options.Method),
            ["iterations"] = fit.Iterations,
            ["data_passes"] = Json.Number(fit.DataPasses),
            ["stop_reason"] = StopName(fit.StopReason),
            ["converged"] = fit.Converged,
            ["last_angle_change"] = fit.AngleHistory.Count > 0 ? Json.Number(fit.AngleHistory[^1]) : null,
            ["plot"] = plotPath,
        };
    }

    private static void WriteText(CliContext context, PcaFit fit, string path, string? plotPath)
    {
        var c = CultureInfo.InvariantCulture;
        var console = context.Console;
        string how = fit.Options.Method switch
        {
            PcaMethod.GradientDescent => "gradient descent on the reconstruction error",
            PcaMethod.Oja => string.Format(c, "Oja's rule (mini-batches of {0})", fit.Options.BatchSize),
            _ => "subspace iteration",
        };
        console.WriteLine($"Principal components of {fit.Rows} rows × {fit.Features} features of {path} ({(fit.Standardized ? "standardised: correlation" : "centred: covariance")} PCA)");
        string last = fit.AngleHistory.Count > 0 ? fit.AngleHistory[^1].ToString("G3", c) : "—";
        console.WriteLine(fit.Converged
            ? string.Format(c, "by {0}: converged in {1} passes (last move {2} rad < {3:G3}).", how, fit.Iterations, last, fit.Options.Tolerance)
            : string.Format(c, "by {0}: stopped after {1} passes ({2}, last move {3} rad).", how, fit.Iterations, StopName(fit.StopReason), last));
        if (!fit.Converged && fit.Options.Method != PcaMethod.Oja)
            console.WriteLine("Raise --max-iterations, or use --method subspace, which needs far fewer passes.");
        console.WriteLine();
        var table = new Table();
        table.AddColumns("component", "variance", "ratio", "cumulative");
        foreach (var name in fit.FeatureNames) table.AddColumn(new TableColumn(Markup.Escape(name)).RightAligned());
        double cumulative = 0;
        for (int i = 0; i < fit.Count; i++)
        {
            cumulative += fit.ExplainedVarianceRatio[i];
            var cells = new List<string>
            {
                $"PC{i + 1}", fit.ExplainedVariance[i].ToString("G6", c), fit.ExplainedVarianceRatio[i].ToString("0.0000", c), cumulative.ToString("0.0000", c),
            };
            foreach (double v in fit.Component(i)) cells.Add(v.ToString("0.0000", c));
            table.AddRow([.. cells]);
        }
        console.Write(table);
        console.WriteLine(string.Format(c, "Total variance {0:G6}; the {1} components leave {2:G4} ({3:0.##} %) unexplained.",
            fit.TotalVariance, fit.Count, fit.ResidualVariance, 100 * fit.ResidualVariance / fit.TotalVariance));
        if (plotPath is not null)
            console.WriteLine($"Plot written to {plotPath}.");
    }
}

/// <summary>
/// A CSV file's numeric columns read in chunks on every pass (through <see cref="CsvRowSource"/>, which
/// wants a target: the last column plays it and is put back as the last feature).
/// </summary>
internal sealed class StreamedColumns(CsvRowSource inner, IReadOnlyList<string> columns) : IRowSource
{
    public static IRowSource Open(string path, IReadOnlyList<string> columns, CsvFormat separator)
    {
        if (columns.Count < 2)
            throw new LsgdException("--stream needs at least two feature columns; one column has one component, itself.");
        return new StreamedColumns(new CsvRowSource(path, [columns[^1]], columns.Take(columns.Count - 1).ToArray(), separator), columns);
    }

    public int Features => columns.Count;

    public int Outputs => 1;

    public IReadOnlyList<string> FeatureNames => columns;

    public IReadOnlyList<string> TargetNames => ["none"];

    public long? RowCount => inner.RowCount;

    public IEnumerable<RowChunk> ReadChunks(int chunkRows, CancellationToken cancellationToken = default)
    {
        int d = columns.Count;
        foreach (var chunk in inner.ReadChunks(chunkRows, cancellationToken))
        {
            var x = new double[chunk.Rows * d];
            for (int i = 0; i < chunk.Rows; i++)
            {
                chunk.X.AsSpan(i * (d - 1), d - 1).CopyTo(x.AsSpan(i * d, d - 1));
                x[i * d + d - 1] = chunk.Y[i];
            }
            yield return new RowChunk(x, new double[chunk.Rows], chunk.Rows, chunk.FirstRow);
        }
    }
}
