using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Lsgd.Embeddings;
using Lsgd.IO;

namespace Lsgd.Cli.Commands;

/// <summary>The part of <c>lsgd predict</c> that applies a head written by <c>lsgd finetune</c> to texts or to their features.</summary>
internal static class PredictHead
{
    /// <summary>
    /// <c>lsgd predict HEAD.json --text …</c> (or a CSV of texts, or features in a .npy file) when the model file is a
    /// head written by <c>finetune</c>. Returns false, doing nothing, for other model files without <c>--text</c>,
    /// so that predict carries on as for any linear model.
    /// </summary>
    public static bool TryRun(CliContext context, string modelPath, string? dataPath, string[]? texts, string? outPath, CsvFormat format, bool asJson)
    {
        bool haveTexts = texts is { Length: > 0 };
        if (!HeadFile.IsHead(modelPath))
        {
            if (haveTexts)
                HeadFile.Load(modelPath);   // says why this model cannot predict from texts
            return false;
        }
        if (haveTexts && dataPath is not null)
            throw new LsgdException($"Give either texts with --text or a data file ({dataPath}), not both.");
        var file = HeadFile.Load(modelPath);
        using var predictor = new HeadPredictor(file);   // no cache: texts to predict are mostly new, and encoding them is fast
        IReadOnlyList<string>? inputTexts = texts;
        HeadPredictions predictions;
        if (!haveTexts && dataPath is not null && dataPath.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
        {
            var (features, _) = FinetuneInput.ReadFeatures(dataPath, null, null, file.Dimension);
            predictions = predictor.PredictFeatures(features);
            inputTexts = null;
        }
        else
        {
            if (!haveTexts)
            {
                if (dataPath is null)
                    throw new LsgdException("Give the texts to predict: --text \"…\" (repeat it for several), or a CSV file with the column '" + (file.TextColumn ?? "text") + "'.");
                string column = file.TextColumn ?? throw new LsgdException($"{modelPath} does not record its text column; use --text.");
                var table = TextTable.Read(dataPath, [column], FinetuneInput.Separator(dataPath, format));
                inputTexts = table.Column(column);
                for (int i = 0; i < inputTexts.Count; i++)
                    if (string.IsNullOrWhiteSpace(inputTexts[i]))
                        throw new LsgdException($"{dataPath}, line {table.Lines[i]}: the text in column '{column}' is empty. Fill it in or remove the row.");
            }
            predictions = context.WithProgress("embedding", Math.Max(1, inputTexts!.Count), line => predictor.PredictTexts(inputTexts!,
                line.As<EmbeddingProgress>((l, p) => l.Report(p.Encoded, Math.Max(1, p.Total), $"embedding {p.Encoded}/{p.Total}")), context.Cancellation));
        }

        var head = file;
        string predicted = "predicted_" + file.Target;
        if (asJson)
        {
            context.WriteJson(new JsonObject
            {
                ["model"] = modelPath,
                ["data"] = dataPath,
                ["task"] = head.Task == HeadTask.Classification ? "classification" : "regression",
                ["rows"] = predictions.Rows,
                ["texts"] = inputTexts is null ? null : Json.Strings(inputTexts),
                ["predictions"] = head.Task == HeadTask.Classification ? Json.Strings(predictions.Labels!) : Json.Numbers(predictions.Scores),
                ["classes"] = head.Task == HeadTask.Classification ? Json.Strings(head.Classes) : null,
                ["scores"] = head.Task == HeadTask.Classification
                    ? new JsonArray([.. Enumerable.Range(0, predictions.Rows).Select(i => (JsonNode?)Json.Numbers(predictions.Scores.Skip(i * head.Classes.Count).Take(head.Classes.Count)))])
                    : null,
                ["texts_per_second"] = predictions.Embeddings is { } e ? Json.Number(e.TextsPerSecond) : null,
                ["out"] = outPath,
            });
        }
        var csv = new StringBuilder();
        var columns = new List<string>();
        if (inputTexts is not null) columns.Add(file.TextColumn ?? "text");
        columns.Add(predicted);
        if (head.Task == HeadTask.Classification) columns.Add("score");
        csv.AppendJoin(',', columns).Append('\n');
        for (int i = 0; i < predictions.Rows; i++)
        {
            if (inputTexts is not null) csv.Append(Quote(inputTexts[i])).Append(',');
            if (head.Task == HeadTask.Classification)
            {
                int c = predictions.ClassIndices![i];
                csv.Append(Quote(head.Classes[c])).Append(',').Append(Number(predictions.Scores[i * head.Classes.Count + c]));
            }
            else
                csv.Append(Number(predictions.Scores[i]));
            csv.Append('\n');
        }
        if (outPath is not null)
        {
            AtomicFile.WriteAllText(outPath, csv.ToString());
            context.Wrote(outPath, $"{Text.Plural(predictions.Rows, "prediction")} ({string.Join(", ", columns)})");
        }
        else if (!asJson)
            context.Output.Write(csv.ToString());
        return true;
    }

    private static string Quote(string s) => s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;

    private static string Number(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
