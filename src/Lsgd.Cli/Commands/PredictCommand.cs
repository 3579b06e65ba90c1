using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Lsgd.Data;
using Lsgd.IO;

namespace Lsgd.Cli.Commands;

/// <summary><c>lsgd predict MODEL.json DATA.csv</c>: apply a saved model to new rows.</summary>
internal static class PredictCommand
{
    public static Command Create(CliContext context, Action<int> setExit)
    {
        var model = new Argument<string>("MODEL.json") { Description = "A model written by 'lsgd fit --output', 'lsgd classify --output' or 'lsgd curve --output'." };
        var data = new Argument<string?>("DATA.csv") { Description = "CSV file with the model's input columns (other columns are ignored), or X.npy with its features in order.", Arity = ArgumentArity.ZeroOrOne };
        var text = new Option<string[]>("--text") { Description = "Texts to predict with a head from 'lsgd finetune' (repeat for several); a head also reads its text column from DATA.csv." };
        var output = new Option<string?>("--out") { Description = "Write the predictions CSV to this file (atomically) instead of standard output." };
        var csvFlags = new CsvFlags();
        var json = new Option<bool>("--json") { Description = "Print one JSON document instead of CSV." };
        var intervals = new Option<string?>("--intervals") { Description = "Add each prediction's standard error and interval: confidence (of the mean) or prediction (of a new observation), as statsmodels' get_prediction." };
        intervals.AcceptOnlyFromAmong("confidence", "prediction");
        var level = new Option<double>("--level") { Description = "Coverage of --intervals, between 0 and 1.", DefaultValueFactory = _ => 0.95 };
        var command = new Command("predict", "Predict with a saved model; writes one CSV column per target, named as the target.") { model, data };
        command.Add(output);
        csvFlags.AddTo(command, missing: false);   // one prediction per input row: no row may be dropped
        command.Add(json);
        command.Add(text);
        command.Add(intervals);
        command.Add(level);
        command.SetAction(parse =>
        {
            if (PredictHead.TryRun(context, parse.GetValue(model)!, parse.GetValue(data), parse.GetValue(text), parse.GetValue(output), csvFlags.Read(parse), parse.GetValue(json)))
            {
                setExit(Cli.Ok);
                return;
            }
            if (CurveModelFile.TryPredict(context, parse.GetValue(model)!, parse.GetValue(data), parse.GetValue(output), csvFlags.Read(parse), parse.GetValue(json), parse.GetValue(intervals)))
            {
                setExit(Cli.Ok);
                return;
            }
            var file = ModelFile.Load(parse.GetValue(model)!);
            if (file.Converged == false)
                context.Error.WriteLine($"lsgd: warning: {parse.GetValue(model)} holds a model whose fit did not converge (see its \"training\" summary); refit it before relying on these predictions.");
            string path = parse.GetValue(data) ?? throw new LsgdException("Give the data to predict: a CSV file with the model's input columns, or X.npy.");
            if (parse.GetValue(output) is { } target)
                AtomicFile.CheckOutput(target, path, parse.GetValue(model));
            var format = csvFlags.Read(parse);
            var m = file.Model;
            double[] x;
            int n;
            if (file.Formula is { } encoding)
            {
                // A model fitted with --formula reads the formula's columns and rebuilds its design (categories, powers, poly()).
                if (path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
                    throw new LsgdException($"{parse.GetValue(model)} was fitted with the formula \"{encoding.Formula.Text}\": give a CSV file with its columns ({string.Join(", ", encoding.Formula.InputColumns)}), not a NumPy array.");
                (x, n) = FormulaDataset.Features(encoding, path, format);
            }
            else if (path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
            {
                // A NumPy array holds the model's features in order (columns by position, not by name).
                var header = NpyFile.ReadHeader(path);
                if (file.Inputs.Degree != 1 || header.Columns != m.Features)
                    throw new LsgdException($"{path} has {header.Columns} columns but the model expects {m.Features} features ({string.Join(", ", m.FeatureNames)}), in that order.");
                x = NpyFile.ReadDoubles(header);
                n = (int)header.Rows;
            }
            else
            {
                var table = CsvReader.ReadColumns(path, file.Inputs.Inputs, format);
                x = file.Inputs.Build(table);
                n = table.Rows;
            }
            var rows = new Dataset(x, new double[n * m.Outputs], n, m.Features, m.Outputs, m.FeatureNames, m.TargetNames);
            if (file.Classifier is { } classifier)
            {
                if (parse.GetValue(intervals) is not null)
                    throw new LsgdException($"--intervals is for regression models, but {parse.GetValue(model)} holds a classifier (its scores have no standard errors). Predict without --intervals.");
                PredictClassifier.Write(context, file, classifier, rows, parse.GetValue(model)!, path, parse.GetValue(output), parse.GetValue(json), Separator(format));
                setExit(Cli.Ok);
                return;
            }
            var predictions = m.Predict(rows);
            string? outPath = parse.GetValue(output);
            var names = PredictionColumns.Names(m.TargetNames, intervals: false);
            if (PredictionColumns.Intervals(file, parse.GetValue(model)!, rows, parse.GetValue(intervals), parse.GetValue(level)) is { } withIntervals)
                (names, predictions) = withIntervals;
            if (parse.GetValue(json))
            {
                context.WriteJson(new JsonObject
                {
                    ["model"] = parse.GetValue(model),
                    ["data"] = path,
                    ["rows"] = n,
                    ["columns"] = Json.Strings(names),
                    ["predictions"] = names.Length == 1
                        ? Json.Numbers(predictions)
                        : new JsonArray([.. Enumerable.Range(0, n).Select(i => (JsonNode?)Json.Numbers(predictions.AsSpan(i * names.Length, names.Length).ToArray()))]),
                    ["out"] = outPath,
                    ["model_converged"] = file.Converged,
                    ["intervals"] = parse.GetValue(intervals),
                    ["level"] = parse.GetValue(intervals) is null ? null : parse.GetValue(level),
                });
            }
            string csv = ToCsv(names, predictions, names.Length, Separator(format));
            if (outPath is not null)
            {
                AtomicFile.WriteAllText(outPath, csv);
                context.Wrote(outPath, $"{Text.Plural(n, "prediction")} ({string.Join(", ", names)})");
            }
            else if (!parse.GetValue(json))
                context.Output.Write(csv);
            setExit(Cli.Ok);
        });
        return command;
    }

    /// <summary>The separator of the predictions CSV: the one given, else ';' with decimal commas, else ','.</summary>
    private static char Separator(CsvFormat format) =>
        format.Separator is { } given && !(format.DecimalComma && given == ',') ? given : format.DecimalComma ? ';' : ',';

    private static string ToCsv(string[] names, double[] predictions, int k, char separator)
    {
        var sb = new StringBuilder();
        sb.AppendJoin(separator, names).Append('\n');
        for (int i = 0; i < predictions.Length / k; i++)
        {
            for (int o = 0; o < k; o++)
            {
                if (o > 0) sb.Append(separator);
                sb.Append(predictions[i * k + o].ToString("R", CultureInfo.InvariantCulture));
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }
}
