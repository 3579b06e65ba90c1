using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Lsgd.Applications.Classification;
using Lsgd.Cli.Binding;
using Lsgd.Data;
using Lsgd.Estimators;
using Lsgd.IO;
using Spectre.Console;

namespace Lsgd.Cli.Commands;

/// <summary><c>lsgd classify DATA.csv --target COLUMN</c>: a least-squares classifier (one-hot targets, argmax) with its accuracy and confusion matrix.</summary>
internal static class ClassifyCommand
{
    public static Command Create(CliContext context, Action<int> setExit)
    {
        var data = new Argument<string>("DATA.csv") { Description = "CSV file with a header row: numeric feature columns and a label column (text or numbers)." };
        var target = new Option<string>("--target", "-t") { Description = "The column holding each row's class (text such as 'setosa', or numbers).", Required = true };
        var features = new Option<string[]>("--features", "-f") { Description = "Feature columns (comma-separated or repeated; default: every numeric column except the target)." };
        var binder = ApplicationBinders.Classifier;
        var method = binder["Regression.Method"].Create<string>();
        var encoding = binder[nameof(LeastSquaresClassifierOptions.Encoding)].Create<string>();
        var testFraction = binder[nameof(LeastSquaresClassifierOptions.TestFraction)].Create<double>();
        var seed = binder[nameof(LeastSquaresClassifierOptions.Seed)].Create<int>();
        var maxIterations = binder["Regression.GradientDescent.MaxIterations"].Create<int>();
        var l2 = binder["Regression.Penalty.L2"].Create<double>();
        var output = new Option<string?>("--output", "-o") { Description = "Write the classifier to this JSON file (atomically), for 'lsgd predict'." };
        var csvFlags = new CsvFlags();
        var json = new Option<bool>("--json") { Description = "Print one JSON document instead of text." };
        var command = new Command("classify", "Classify rows by least squares: one output per class, the largest score wins; accuracy and confusion matrix.") { data };
        command.Add(target);
        command.Add(features);
        command.Add(method);
        command.Add(encoding);
        command.Add(testFraction);
        command.Add(seed);
        command.Add(maxIterations);
        command.Add(l2);
        command.Add(output);
        csvFlags.AddTo(command);
        command.Add(json);
        command.SetAction(parse =>
        {
            string path = parse.GetValue(data)!;
            string label = parse.GetValue(target)!;
            var sep = csvFlags.Read(parse);
            string? modelPath = parse.GetValue(output);
            if (modelPath is not null)
                AtomicFile.CheckOutput(modelPath, [path]);   // before the fit, not after
            var header = CsvReader.ReadHeader(path, sep);
            if (!header.Contains(label))
                throw new LsgdException($"{path} has no column '{label}' to use as the target. Its columns are: {string.Join(", ", header)}.");
            var featureNames = FeatureColumns(path, header, FitCommand.SplitList(parse.GetValue(features)), [label], sep);
            var table = CsvReader.ReadColumns(path, featureNames, sep);
            var (labels, values, n) = LabelColumn.Align(table, LabelColumn.ReadByLine(path, label, sep), label);
            CheckClasses(path, label, labels, n, featureNames.Count);
            var rows = new Dataset(values, new double[n], n, featureNames.Count, 1, featureNames, [label]);
            var regression = new LeastSquaresClassifierOptions().Regression;
            var options = new LeastSquaresClassifierOptions
            {
                Encoding = ApplicationBinders.Encodings.Parse(parse.GetValue(encoding)!),
                TestFraction = parse.GetValue(testFraction),
                Seed = parse.GetValue(seed),
                Regression = regression with
                {
                    Method = ApplicationBinders.ClassifierMethods.Parse(parse.GetValue(method)!),
                    GradientDescent = regression.GradientDescent with { MaxIterations = parse.GetValue(maxIterations) },
                    Penalty = Models.Penalty.Ridge(parse.GetValue(l2)),
                },
            };
            // A refused value reaches Cli.Run, which names its flag through the binder tables.
            var fit = context.WithProgress("classifying", null, _ => new LeastSquaresClassifier(options).Fit(rows, labels, context.Cancellation));
            if (modelPath is not null)
                new ModelFile(fit.Model, label, new FeatureSpec([.. featureNames], 1), ToJson(fit, path, label)) { Converged = fit.Regression.Converged }.Save(modelPath);
            if (parse.GetValue(json))
            {
                var summary = ToJson(fit, path, label);
                summary["model_file"] = modelPath;
                context.WriteJson(summary);
            }
            else
            {
                WarnIfAliased(context, fit);
                WriteText(context, fit, path, label);
                if (modelPath is not null)
                    context.Console.WriteLine($"Classifier written to {modelPath}; apply it with 'lsgd predict {modelPath} DATA.csv'.");
            }
            setExit(Cli.Ok);
        });
        return command;
    }

    /// <summary>Most classes a classification may have: one output per class, and a K × K confusion matrix.</summary>
    internal const int MaxClasses = 1000;

    /// <summary>
    /// Refuses, before anything of size n × K or K × K is allocated, a label column that is not a class: as many
    /// distinct values as rows, more than <see cref="MaxClasses"/>, or a fit whose memory would exceed half of
    /// what the process may use. The same rule for numeric and text labels (both are read as text).
    /// </summary>
    internal static void CheckClasses(string path, string label, IReadOnlyList<string> labels, int rows, int features)
    {
        int distinct = labels.Distinct(StringComparer.Ordinal).Count();
        string regression = $"Use 'lsgd fit {path} --target {label}' for regression, or put the values into a few classes first.";
        if (distinct > 10 && distinct > rows / 2)
            throw new LsgdException($"The column '{label}' has {distinct} different values in {rows} rows: it looks like a measurement, not a class. " + regression);
        // Targets and scores (n × K each), weights ((d + 1) × K), the confusion matrix (K × K), as doubles.
        double bytes = 8.0 * ((2.0 * rows + features + 1 + distinct) * distinct);
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (distinct > MaxClasses || bytes > available / 2.0)
            throw new LsgdException($"The column '{label}' has {distinct} different values in {rows} rows: one output per class would need about {Megabytes(bytes)} " +
                $"(at most {MaxClasses} classes, and half of the {Megabytes(available)} this process may use). " + regression);
    }

    private static string Megabytes(double bytes) =>
        bytes >= 1 << 30 ? $"{bytes / (1 << 30):0.#} GB" : $"{Math.Max(1, bytes / (1 << 20)):0} MB";

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    /// <summary>The named feature columns (checked), or every numeric column except the excluded ones.</summary>
    internal static IReadOnlyList<string> FeatureColumns(string path, IReadOnlyList<string> header, IReadOnlyList<string> named,
        IReadOnlyList<string> excluded, CsvFormat separator)
    {
        if (named.Count == 0)
        {
            var numeric = CsvReader.NumericColumns(path, separator).Where(c => !excluded.Contains(c)).ToArray();
            if (numeric.Length == 0)
                throw new LsgdException($"{path} has no numeric column to use as a feature besides {string.Join(", ", excluded)}. Name the features with --features.");
            return numeric;
        }
        foreach (var f in named)
        {
            if (!header.Contains(f))
                throw new LsgdException($"{path} has no column '{f}' to use as a feature. Its columns are: {string.Join(", ", header)}.");
            if (excluded.Contains(f))
                throw new LsgdException($"'{f}' is both the label and a feature. A model cannot use its label as an input; drop it from --features.");
        }
        if (named.Distinct().Count() != named.Count)
            throw new LsgdException($"A feature column is named twice ({string.Join(", ", named)}). Name each once.");
        return named;
    }

    private static JsonObject ToJson(ClassifierFit fit, string path, string label)
    {
        var e = fit.Evaluation;
        var r = fit.Regression;
        return new JsonObject
        {
            ["data"] = path,
            ["target"] = label,
            ["features"] = Json.Strings(r.Model.FeatureNames),
            ["classes"] = Json.Strings(fit.Model.Classes),
            ["rows"] = fit.TrainingRows.Count + fit.TestRows.Count,
            ["training_rows"] = fit.TrainingRows.Count,
            ["test_rows"] = fit.TestRows.Count,
            ["evaluated_on"] = fit.EvaluatedOn == EvaluationSet.Test ? "test" : "training",
            ["accuracy"] = Json.Number(e.Accuracy),
            ["correct"] = e.Correct,
            ["evaluated_rows"] = e.Count,
            ["confusion"] = new JsonArray([.. e.ConfusionMatrix().Select(row => (JsonNode?)new JsonArray([.. row.Select(v => (JsonNode?)v)]))]),
            ["recall"] = Json.Numbers(e.Recall()),
            ["training_accuracy"] = Json.Number(fit.Training.Accuracy),
            ["test_accuracy"] = fit.Test is { } t ? Json.Number(t.Accuracy) : null,
            ["encoding"] = ApplicationBinders.Encodings.Format(fit.Model.Encoding),
            ["method"] = FitCommand.MethodName(r.Method),
            ["method_choice"] = r.MethodChoice,
            ["stop_reason"] = r.StopReasonName,
            ["converged"] = r.Converged,
            ["l2"] = r.Options.Penalty.L2,
            ["r_squared"] = Json.Numbers(r.Statistics.Select(s => s.RSquared)),
            ["rank"] = r.Exact?.Rank,
            ["aliased"] = r.Exact is null ? null : Json.Strings(r.Exact.Aliased),
        };
    }

    /// <summary>
    /// As <c>fit</c> warns on a rank-deficient design: the columns the fit cannot tell apart, named (with --json the
    /// summary's rank and aliased say it), and those constant only in the training rows.
    /// </summary>
    private static void WarnIfAliased(CliContext context, ClassifierFit fit)
    {
        var r = fit.Regression;
        string onlyInTraining = fit.ConstantOnlyInTraining.Count == 0 ? ""
            : fit.ConstantOnlyInTraining.Count == 1
                ? $" {Names(fit.ConstantOnlyInTraining)} is constant in the training rows only: it varies in the held-out rows, and the fit cannot learn from that."
                : $" {Names(fit.ConstantOnlyInTraining)} are constant in the training rows only: they vary in the held-out rows, and the fit cannot learn from that.";
        if (r.Exact is { Aliased.Count: > 0 } exact)
            context.Error.WriteLine($"lsgd: warning: the columns are linearly dependent (rank {exact.Rank} of {r.Model.Layout.BlockSize} parameters per class): " +
                $"{Names(exact.Aliased)} {(exact.Aliased.Count == 1 ? "is" : "are")} aliased, so their weights are the minimum-norm ones (0 for a column that is 0 in every training row)." +
                onlyInTraining + " The fit went on without telling them apart; drop a column of each dependent group (a constant, a duplicate) to silence this.");
        else if (fit.ConstantFeatures.Count > 0)
            context.Error.WriteLine($"lsgd: warning: {Names(fit.ConstantFeatures)} {(fit.ConstantFeatures.Count == 1 ? "is" : "are")} constant in the training rows, so {(fit.ConstantFeatures.Count == 1 ? "its" : "their")} weights carry nothing the intercept does not." +
                onlyInTraining);
    }

    private static string Names(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"'{n}'"));

    private static void WriteText(CliContext context, ClassifierFit fit, string path, string label)
    {
        var c = CultureInfo.InvariantCulture;
        var console = context.Console;
        var r = fit.Regression;
        var e = fit.Evaluation;
        int k = fit.Model.Classes.Count;
        string how = r.Method switch
        {
            SolverMethod.Exact => "exact least squares (QR)",
            SolverMethod.ConjugateGradient => "conjugate gradient",
            _ => "gradient descent",
        };
        console.WriteLine($"Classified '{label}' ({k} classes) from {Plural(r.Model.FeatureNames.Count, "feature")} of {path}");
        console.WriteLine($"by {how} on {(fit.Model.Encoding == TargetEncoding.OneHot ? "one-hot" : "±1")} targets, fitted on {Plural(fit.TrainingRows.Count, "row")}; the largest of the {k} scores wins.");
        if (fit.EvaluatedOn == EvaluationSet.Test)
            console.WriteLine(string.Format(c, "Accuracy on the {0} held-out rows: {1:0.####} ({2} of {0}); on the training rows: {3:0.####}.",
                e.Count, e.Accuracy, e.Correct, fit.Training.Accuracy));
        else
        {
            console.WriteLine(string.Format(c, "Accuracy on the training rows: {0:0.####} ({1} of {2}).", e.Accuracy, e.Correct, e.Count));
            console.WriteLine("No rows were held out: add --test-fraction 0.3 to measure accuracy on rows the fit did not see.");
        }
        console.WriteLine();
        var table = new Table().Title($"Confusion matrix ({(fit.EvaluatedOn == EvaluationSet.Test ? "test" : "training")} rows): true class × predicted class");
        table.AddColumn("true \\ predicted");
        foreach (var name in fit.Model.Classes) table.AddColumn(new TableColumn(Markup.Escape(name)).RightAligned());
        table.AddColumn(new TableColumn("recall").RightAligned());
        var recall = e.Recall();
        for (int i = 0; i < k; i++)
        {
            var cells = new List<string> { Markup.Escape(fit.Model.Classes[i]) };
            for (int j = 0; j < k; j++) cells.Add(e.Confusion(i, j).ToString(c));
            cells.Add(double.IsFinite(recall[i]) ? recall[i].ToString("0.###", c) : "—");
            table.AddRow([.. cells]);
        }
        console.Write(table);
    }
}

/// <summary>Reads one column of a CSV file as text, one entry per data row (blank lines skipped as the numeric reader skips them).</summary>
internal static class LabelColumn
{
    /// <exception cref="LsgdException">Missing file or column.</exception>
    /// <exception cref="CsvFormatException">An empty label, or a row too short to have the column.</exception>
    public static IReadOnlyList<string> Read(string path, string column, CsvFormat separator) =>
        [.. ReadByLine(path, column, separator).Values];

    /// <summary>
    /// Labels to colour the rows read from <paramref name="features"/>: with <see cref="MissingValues.Drop"/>, the
    /// rows with a missing feature are left out as the numeric reader leaves them out, and a missing label is
    /// shown as "(missing)"; otherwise as <see cref="Read(string, string, CsvFormat)"/>.
    /// </summary>
    public static IReadOnlyList<string> ReadFor(string path, string column, CsvFormat separator, IReadOnlyList<string> features)
    {
        if (separator.Missing != MissingValues.Drop)
            return Read(path, column, separator);
        using var reader = CsvReader.Open(path, separator);
        if (!reader.Header.TryIndexOf(column, out int index))
            throw new LsgdException($"{path} has no column '{column}'. Its columns are: {string.Join(", ", reader.Header.ColNames)}.");
        var columns = features.Select(f => reader.Header.TryIndexOf(f, out int j) ? j : -1).Where(j => j >= 0).ToArray();
        var labels = new List<string>();
        foreach (var row in reader)
        {
            if (row.ColCount == 1 && row.Span.IsWhiteSpace()) continue;
            if (row.ColCount != reader.Header.ColNames.Count) continue;   // the numeric read reports ragged rows
            bool complete = true;
            foreach (int j in columns)
                complete &= !CsvFormat.IsMissing(row[j].Span.Trim());
            if (!complete) continue;
            string value = row[index].ToString().Trim();
            labels.Add(CsvFormat.IsMissing(value) ? "(missing)" : value);
        }
        return labels;
    }

    /// <summary>
    /// The labels by line. A missing label (empty, NA, …) is an error, or with <see cref="MissingValues.Drop"/>
    /// its row is left out.
    /// </summary>
    /// <exception cref="LsgdException">Missing file or column.</exception>
    /// <exception cref="CsvFormatException">A missing label, or a row too short to have the column.</exception>
    public static SortedDictionary<int, string> ReadByLine(string path, string column, CsvFormat separator)
    {
        using var reader = CsvReader.Open(path, separator);   // the shared checks: the file exists, is CSV, has a header
        if (!reader.Header.TryIndexOf(column, out int index))
            throw new LsgdException($"{path} has no column '{column}'. Its columns are: {string.Join(", ", reader.Header.ColNames)}.");
        var labels = new SortedDictionary<int, string>();
        foreach (var row in reader)
        {
            if (row.ColCount == 1 && row.Span.IsWhiteSpace()) continue;
            if (row.ColCount <= index)
                throw new CsvFormatException(path, row.LineNumberFrom, row.ColCount + 1, null,
                    $"the row has {row.ColCount} fields, too few to reach the column '{column}'. A value is missing, or the separator is not '{reader.Spec.Sep.Separator}'.");
            string value = row[index].ToString().Trim();
            if (CsvFormat.IsMissing(value))
            {
                if (separator.Missing == MissingValues.Drop) continue;
                throw new CsvFormatException(path, row.LineNumberFrom, index + 1, column,
                    "the label is missing. Fill it in or remove the row, or skip rows with missing values with --missing drop.");
            }
            labels.Add(row.LineNumberFrom, value);
        }
        return labels;
    }

    /// <summary>The rows of <paramref name="table"/> that have a label, with their labels, in file order.</summary>
    /// <exception cref="LsgdException">A feature row without a label (a ragged file).</exception>
    public static (IReadOnlyList<string> Labels, double[] Values, int Rows) Align(NumericTable table, SortedDictionary<int, string> byLine, string column)
    {
        int d = table.Columns.Count;
        var labels = new List<string>(table.Rows);
        var keep = new List<int>(table.Rows);
        for (int i = 0; i < table.Rows; i++)
        {
            if (byLine.TryGetValue(table.Lines[i], out var value))
            {
                labels.Add(value);
                keep.Add(i);
            }
        }
        if (keep.Count == table.Rows)
            return (labels, table.Values, table.Rows);
        if (keep.Count == 0)
            throw new LsgdException($"{table.Path}: no row has both the features and a label in '{column}'. Fill in the missing values.");
        var values = new double[keep.Count * d];
        for (int r = 0; r < keep.Count; r++)
            table.Values.AsSpan(keep[r] * d, d).CopyTo(values.AsSpan(r * d));
        return (labels, values, keep.Count);
    }
}
