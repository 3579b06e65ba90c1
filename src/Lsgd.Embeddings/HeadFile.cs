using System.Text.Json;
using System.Text.Json.Nodes;
using Lsgd.Applications.Classification;
using Lsgd.Data;
using Lsgd.IO;
using Lsgd.Models;

namespace Lsgd.Embeddings;

/// <summary>
/// A head saved as JSON: an Lsgd linear model file (so <c>lsgd predict HEAD.json FEATURES.npy</c> works as for any
/// model) with a <c>"head"</c> object that says what it predicts and which encoder made its features.
/// </summary>
/// <remarks>
/// <code>
/// { "format": "lsgd.linear-model", "version": 1, "inputs": ["e1", …, "e384"], …, "coefficients": [[…], …],
///   "head": { "version": 1, "task": "classification", "classes": ["activities", …], "target": "group",
///             "text_column": "label", "encoder": "sentence-transformers/all-MiniLM-L6-v2 (…)" | null, "l2": 0.1 } }
/// </code>
/// <c>encoder</c> is null when the features came from a file (<c>--embeddings</c>): such a head cannot embed texts itself.
/// </remarks>
public sealed class HeadFile
{
    /// <summary>The version of the "head" object this build writes and the newest it reads.</summary>
    public const int CurrentVersion = 1;

    private HeadFile(LinearModel model, LeastSquaresClassifierModel? classifier, string target, string? encoder, string? textColumn, double l2, JsonObject? summary)
    {
        Model = model;
        Classifier = classifier;
        Target = target ?? throw new ArgumentNullException(nameof(target));
        Encoder = encoder;
        TextColumn = textColumn;
        L2 = l2;
        Summary = summary;
    }

    /// <summary>Bundles a regression head (one output) with how its features are made.</summary>
    /// <param name="model">The head's linear model: one output.</param>
    /// <param name="target">The name of what it predicts (the CSV column it learned).</param>
    /// <param name="encoder">The encoder's <see cref="ITextEncoder.ModelId"/>, or null for features from a file.</param>
    /// <param name="textColumn">The CSV column of texts it was trained on (read again by predict).</param>
    /// <param name="l2">The ridge penalty it was trained with.</param>
    /// <param name="summary">A free-form summary of the training run (metrics, split, baselines).</param>
    /// <exception cref="ArgumentException">The model has more than one output.</exception>
    public HeadFile(LinearModel model, string target, string? encoder, string? textColumn, double l2 = 0, JsonObject? summary = null)
        : this(model ?? throw new ArgumentNullException(nameof(model)), null, target, encoder, textColumn, l2, summary)
    {
        if (model.Outputs != 1)
            throw new ArgumentException($"A regression head has one output; the model has {model.Outputs}. Give a classifier instead.", nameof(model));
    }

    /// <summary>Bundles a classification head (the core classifier's model) with how its features are made.</summary>
    /// <param name="classifier">The head: one-hot scores, classes in output order.</param>
    /// <param name="target">The name of what it predicts.</param>
    /// <param name="encoder">The encoder's id, or null for features from a file.</param>
    /// <param name="textColumn">The CSV column of texts it was trained on.</param>
    /// <param name="l2">The ridge penalty it was trained with.</param>
    /// <param name="summary">A free-form summary of the training run.</param>
    public HeadFile(LeastSquaresClassifierModel classifier, string target, string? encoder, string? textColumn, double l2 = 0, JsonObject? summary = null)
        : this((classifier ?? throw new ArgumentNullException(nameof(classifier))).Scores, classifier, target, encoder, textColumn, l2, summary)
    {
    }

    /// <summary>The file of a trained head: its classifier or its regression, and the λ it was trained with.</summary>
    public static HeadFile FromFit(HeadFit fit, string target, string? encoder, string? textColumn, JsonObject? summary = null)
    {
        ArgumentNullException.ThrowIfNull(fit);
        return fit.Classification is { } c
            ? new HeadFile(c.Model, target, encoder, textColumn, fit.L2, summary)
            : new HeadFile(fit.Model, target, encoder, textColumn, fit.L2, summary);
    }

    /// <summary>The linear model of the head's outputs: the value, or one score per class (<see cref="Classifier"/>'s scores).</summary>
    public LinearModel Model { get; }

    /// <summary>The classifier, for a classification head; null for regression.</summary>
    public LeastSquaresClassifierModel? Classifier { get; }

    /// <summary>Regression or classification.</summary>
    public HeadTask Task => Classifier is null ? HeadTask.Regression : HeadTask.Classification;

    /// <summary>The classes in output order; empty for regression.</summary>
    public IReadOnlyList<string> Classes => Classifier?.Classes ?? [];

    /// <summary>d, the number of features the head reads.</summary>
    public int Dimension => Model.Features;

    /// <summary>The name of what the head predicts.</summary>
    public string Target { get; }

    /// <summary>The encoder whose vectors the head reads; null when they came from a file.</summary>
    public string? Encoder { get; }

    /// <summary>The CSV column of texts the head was trained on.</summary>
    public string? TextColumn { get; }

    /// <summary>The ridge penalty λ it was trained with.</summary>
    public double L2 { get; }

    /// <summary>A free-form summary of the training run.</summary>
    public JsonObject? Summary { get; }

    /// <summary>The JSON text of this file.</summary>
    public string ToJson()
    {
        var m = Model;
        var root = JsonNode.Parse(new ModelFile(m, new FeatureSpec(m.FeatureNames), null, Summary).ToJson())!.AsObject();
        root["head"] = new JsonObject
        {
            ["version"] = CurrentVersion,
            ["task"] = Task == HeadTask.Classification ? "classification" : "regression",
            ["classes"] = Task == HeadTask.Classification ? new JsonArray([.. Classes.Select(c => (JsonNode?)c)]) : null,
            ["target"] = Target,
            ["text_column"] = TextColumn,
            ["encoder"] = Encoder,
            ["l2"] = L2,
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    /// <summary>Writes the head to <paramref name="path"/> atomically.</summary>
    public void Save(string path) => AtomicFile.WriteAllText(path, ToJson() + "\n");

    /// <summary>Whether <paramref name="path"/> is an existing JSON file with a "head" object (without checking the rest).</summary>
    public static bool IsHead(string path)
    {
        if (string.IsNullOrEmpty(path) || !File.Exists(path)) return false;
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) is JsonObject root && root["head"] is JsonObject;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Reads a head file, checking the model and the head's consistency.</summary>
    /// <exception cref="LsgdException">Missing file, not a model, a model without a "head" (written by <c>lsgd fit</c>), or inconsistent content.</exception>
    public static HeadFile Load(string path)
    {
        var model = ModelFile.Load(path);
        var root = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        if (root["head"] is not JsonObject head)
            throw new LsgdException($"{path} is a linear model but not a head (it has no \"head\" object): predicting from texts needs a head written by 'lsgd finetune'.");
        try
        {
            int version = (int)head["version"]!;
            if (version > CurrentVersion || version < 1)
                throw new LsgdException($"{path} has head version {version}; this lsgd reads versions 1 to {CurrentVersion}. Use a newer lsgd.");
            string task = (string)head["task"]!;
            string target = (string)head["target"]!;
            string? encoder = (string?)head["encoder"], textColumn = (string?)head["text_column"];
            double l2 = (double?)head["l2"] ?? 0;
            // The classes are listed in output order, so a head keeps its outputs whatever order it was trained in
            // (heads written before the shared classifier ordered numeric labels as text: "1", "10", "2").
            return task switch
            {
                "regression" => new HeadFile(model.Model, target, encoder, textColumn, l2, model.Training),
                "classification" => new HeadFile(new LeastSquaresClassifierModel(model.Model, [.. head["classes"]!.AsArray().Select(c => (string)c!)], TargetEncoding.OneHot),
                    target, encoder, textColumn, l2, model.Training),
                _ => throw new LsgdException($"{path} has head task '{task}'; expected 'regression' or 'classification'."),
            };
        }
        catch (Exception e) when (e is InvalidOperationException or NullReferenceException or FormatException or ArgumentException)
        {
            throw new LsgdException($"{path} has a damaged \"head\" object ({e.Message}). Re-create it with 'lsgd finetune'.");
        }
    }
}
