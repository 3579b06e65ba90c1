using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lsgd.Curves;
using Lsgd.IO;

namespace Lsgd.Cli.Commands;

/// <summary>
/// A fitted curve saved by <c>lsgd curve --output MODEL.json</c> and applied by <c>lsgd predict MODEL.json DATA.csv</c>:
/// the model's formula, its variables with the columns they come from, and the fitted parameters.
/// </summary>
internal static class CurveModelFile
{
    /// <summary>The value of the file's <c>kind</c> field.</summary>
    public const string Kind = "lsgd_curve";

    /// <summary>Writes <paramref name="fit"/> (a model in formula form) to <paramref name="path"/>, atomically.</summary>
    public static void Save(string path, CurveFit fit, IReadOnlyList<string> xColumns, string yName)
    {
        // The formula is saved as text and parsed again by predict: only models whose formula is an expression in the
        // same parameters can be saved (expressions and Gaussian peaks; not basis functions).
        var variables = fit.Model.VariableNames;
        Expression? expression = null;
        try
        {
            expression = Expression.Parse(fit.Model.Formula, variables);
        }
        catch (ExpressionParseException)
        {
        }
        if (expression is null || !expression.ParameterNames.SequenceEqual(fit.ParameterNames))
            throw new LsgdException($"--output saves a curve whose model is a formula; '{fit.Model.Formula}' is not one. Fit it with --model EXPR, or drop --output.");
        var parameters = new JsonObject();
        for (int j = 0; j < fit.ParameterNames.Count; j++) parameters[fit.ParameterNames[j]] = fit.Parameters[j];
        var root = new JsonObject
        {
            ["kind"] = Kind,
            ["model"] = fit.Model.Formula,
            ["variables"] = Json.Strings([.. variables]),
            ["x"] = Json.Strings([.. xColumns]),
            ["y"] = yName,
            ["parameters"] = parameters,
            ["converged"] = fit.Converged,
            ["sse"] = Json.Number(fit.ResidualSumOfSquares),
            ["rows"] = fit.Rows,
        };
        AtomicFile.WriteAllText(path, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>Whether <paramref name="path"/> holds a saved curve (read only as far as its kind).</summary>
    public static bool IsCurve(string path)
    {
        if (!File.Exists(path)) return false;
        try
        {
            using var stream = File.OpenRead(path);
            using var doc = JsonDocument.Parse(stream);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("kind", out var kind) && kind.ValueKind == JsonValueKind.String && kind.GetString() == Kind;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// <c>lsgd predict CURVE.json DATA.csv</c>: f(x; θ̂) at every row, reading the --x columns the curve was fitted on.
    /// Returns false, doing nothing, when the model file is not a saved curve.
    /// </summary>
    public static bool TryPredict(CliContext context, string modelPath, string? dataPath, string? outPath, CsvFormat format, bool asJson, string? intervals)
    {
        if (!IsCurve(modelPath)) return false;
        if (intervals is not null)
            throw new LsgdException($"--intervals is for linear models; {modelPath} holds a curve, whose predictions have no standard errors here. Predict without --intervals.");
        string path = dataPath ?? throw new LsgdException("Give the data to predict: a CSV file with the curve's x columns.");
        if (outPath is not null)
            AtomicFile.CheckOutput(outPath, path, modelPath);
        var root = JsonNode.Parse(File.ReadAllText(modelPath))!.AsObject();
        string Text(string field) => root[field]?.GetValue<string>() ?? throw new LsgdException($"{modelPath} is a curve file without its \"{field}\" field; save it again with lsgd curve --output.");
        string[] Strings(string field) => root[field] is JsonArray a ? [.. a.Select(v => v!.GetValue<string>())] : throw new LsgdException($"{modelPath} is a curve file without its \"{field}\" field; save it again with lsgd curve --output.");
        var variables = Strings("variables");
        var columns = Strings("x");
        var expression = Expression.Parse(Text("model"), variables);
        var given = root["parameters"] as JsonObject ?? throw new LsgdException($"{modelPath} is a curve file without its \"parameters\" field; save it again with lsgd curve --output.");
        var theta = expression.ParameterNames.Select(name => given[name]?.GetValue<double>()
            ?? throw new LsgdException($"{modelPath} gives no value for the parameter {name} of {expression.Text}; save it again with lsgd curve --output.")).ToArray();
        if (root["converged"]?.GetValue<bool>() == false)
            context.Error.WriteLine($"lsgd: warning: {modelPath} holds a curve whose fit did not converge; refit it before relying on these predictions.");
        if (path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
            throw new LsgdException($"{modelPath} holds a curve: give a CSV file with its x columns ({string.Join(", ", columns)}), not a NumPy array.");
        var table = CsvReader.ReadColumns(path, columns, format);
        int n = table.Rows, k = columns.Length;
        var points = new double[n * k];
        for (int v = 0; v < k; v++)
        {
            var column = table.Column(columns[v]);
            for (int i = 0; i < n; i++) points[i * k + v] = column[i];
        }
        var predictions = new double[n];
        ((ICurveModel)expression).Evaluate(points, theta, predictions, []);
        string name = "predicted_" + Text("y");
        if (asJson)
        {
            context.WriteJson(new JsonObject
            {
                ["model"] = modelPath,
                ["data"] = path,
                ["rows"] = n,
                ["columns"] = Json.Strings([name]),
                ["predictions"] = Json.Numbers(predictions),
                ["out"] = outPath,
                ["model_converged"] = root["converged"]?.GetValue<bool>(),
                ["intervals"] = null,
                ["level"] = null,
            });
        }
        var sb = new StringBuilder(name).Append('\n');
        foreach (double p in predictions) sb.Append(p.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        if (outPath is not null)
            AtomicFile.WriteAllText(outPath, sb.ToString());
        else if (!asJson)
            context.Output.Write(sb.ToString());
        return true;
    }
}
