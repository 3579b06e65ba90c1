using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Lsgd.Applications.Classification;
using Lsgd.Data;
using Lsgd.IO;

namespace Lsgd.Cli.Commands;

/// <summary>
/// <c>lsgd predict CLASSIFIER.json DATA.csv</c>: per row, the predicted class (the largest score) and every class's
/// score, for a model written by <c>lsgd classify --output</c>.
/// </summary>
internal static class PredictClassifier
{
    public static void Write(CliContext context, ModelFile file, LeastSquaresClassifierModel classifier, Dataset rows,
        string modelPath, string dataPath, string? outPath, bool json, char separator)
    {
        int n = rows.Rows, k = classifier.Classes.Count;
        var scores = classifier.Scores.Predict(rows);
        var predicted = ClassLabels.DecodeScores(scores, k);
        string label = file.ClassifierTarget ?? "class";
        string[] columns = ["predicted_" + label, .. classifier.Classes.Select(c => "score_" + c)];
        if (json)
            context.WriteJson(new JsonObject
            {
                ["model"] = modelPath,
                ["data"] = dataPath,
                ["rows"] = n,
                ["target"] = label,
                ["classes"] = Json.Strings(classifier.Classes),
                ["columns"] = Json.Strings(columns),
                ["predictions"] = Json.Strings(predicted.Select(i => classifier.Classes[i])),
                ["scores"] = new JsonArray([.. Enumerable.Range(0, n).Select(i => (JsonNode?)Json.Numbers(scores.AsSpan(i * k, k).ToArray()))]),
                ["out"] = outPath,
                ["model_converged"] = file.Converged,
            });
        var sb = new StringBuilder();
        sb.AppendJoin(separator, columns.Select(c => Field(c, separator))).Append('\n');
        for (int i = 0; i < n; i++)
        {
            sb.Append(Field(classifier.Classes[predicted[i]], separator));
            for (int c = 0; c < k; c++)
                sb.Append(separator).Append(scores[i * k + c].ToString("R", CultureInfo.InvariantCulture));
            sb.Append('\n');
        }
        if (outPath is not null)
        {
            AtomicFile.WriteAllText(outPath, sb.ToString());
            context.Wrote(outPath, $"{Text.Plural(n, "prediction")} ({string.Join(", ", columns)})");
        }
        else if (!json)
            context.Output.Write(sb.ToString());
    }

    /// <summary>A CSV field, quoted (RFC 4180) when it holds the separator, a quote or a line break.</summary>
    private static string Field(string value, char separator) =>
        value.IndexOfAny([separator, '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
}
