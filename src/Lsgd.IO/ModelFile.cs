using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lsgd.Applications.Classification;
using Lsgd.Data;
using Lsgd.Estimators;
using Lsgd.Formulas;
using Lsgd.Models;

namespace Lsgd.IO;

/// <summary>
/// A linear model saved as JSON: its coefficients in original units, the CSV columns it reads and how they
/// become features, any standardisation used while training, and a summary of the fit.
/// </summary>
/// <remarks>
/// Format <c>lsgd.linear-model</c>, version <see cref="CurrentVersion"/>:
/// <code>
/// { "format": "lsgd.linear-model", "version": 1,
///   "inputs": ["x"], "degree": 1, "features": ["x"], "targets": ["y"], "intercept": true, "converged": true,
///   "coefficients": [[2.0]], "intercepts": [1.0],
///   "standardization": { "means": […], "scales": […] } | null,
///   "training": { … free-form summary … },
///   "inference": { "cov_type": "nonrobust", "names": ["(intercept)", "x"], "covariance": [[[…], […]]],
///                  "residual_sd": [0.5], "degrees_of_freedom": 17 } }
/// </code>
/// <c>coefficients[o][j]</c> is the weight of feature j for target o. Files are written atomically. A classifier's
/// file (<c>lsgd classify --output</c>) is the linear model of its class scores, one target per class, plus
/// <c>"classifier": { "target": "species", "classes": ["setosa", …], "encoding": "one_hot" | "plus_minus_one" }</c>.
/// The optional <c>inference</c> (see <see cref="Covariance"/>) holds, per target, the parameters' covariance (names
/// in its order, the intercept first) and σ̂, for prediction intervals; files without it (older, or of fits without
/// a least-squares report) still predict.
/// A model fitted with a formula also holds <c>"formula": { "text": "y ~ x + C(g)", "text_columns": ["g"],
/// "levels": { "C(g)": ["a", "b"] }, "poly": { "poly(x, 2)": { "alpha": […], "norm2": […] } } }</c>; its "inputs" are
/// the columns the formula reads and its "features" the design's columns. Files without it read as before.
/// </remarks>
public sealed class ModelFile
{
    /// <summary>The value of the "format" field.</summary>
    public const string Format = "lsgd.linear-model";

    /// <summary>The format version this build writes and the newest it reads.</summary>
    public const int CurrentVersion = 1;

    /// <summary>Bundles a model with what is needed to apply it to a CSV file.</summary>
    public ModelFile(LinearModel model, FeatureSpec inputs, Standardizer? standardization = null, JsonObject? training = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.FeatureNames.Count != model.Features)
            throw new ArgumentException($"The feature spec gives {inputs.FeatureNames.Count} features but the model has {model.Features}.", nameof(inputs));
        Model = model;
        Inputs = inputs;
        Standardization = standardization;
        Training = training;
    }

    /// <summary>The model.</summary>
    public LinearModel Model { get; }

    /// <summary>The CSV columns read and how they become features.</summary>
    public FeatureSpec Inputs { get; }

    /// <summary>The standardisation used in training (informative: coefficients are already in original units).</summary>
    public Standardizer? Standardization { get; }

    /// <summary>A free-form summary of how the model was fitted.</summary>
    public JsonObject? Training { get; }

    /// <summary>
    /// Whether the fit reached its certified optimum (written as "converged"; null when unknown, e.g. files written
    /// before the field existed). A model saved from a fit that did not converge says so here.
    /// </summary>
    public bool? Converged { get; init; }

    /// <summary>
    /// The classifier whose class scores <see cref="Model"/> is (written as "classifier"), or null for a regression
    /// model. Its <see cref="LeastSquaresClassifierModel.Scores"/> is <see cref="Model"/>.
    /// </summary>
    public LeastSquaresClassifierModel? Classifier
    {
        get;
        init
        {
            if (value is not null && !ReferenceEquals(value.Scores, Model))
                throw new ArgumentException("The classifier's score model must be the file's model.", nameof(Classifier));
            field = value;
        }
    }

    /// <summary>The name of the label column a classifier predicts (written in "classifier"; null for a regression model).</summary>
    public string? ClassifierTarget { get; init; }

    /// <summary>Bundles a fitted classifier (its score model, classes and encoding) with the label column it predicts and the columns it reads.</summary>
    public ModelFile(LeastSquaresClassifierModel classifier, string target, FeatureSpec inputs, JsonObject? training = null)
        : this((classifier ?? throw new ArgumentNullException(nameof(classifier))).Scores, inputs, null, training)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        Classifier = classifier;
        ClassifierTarget = target;
    }

    private static string EncodingName(TargetEncoding encoding) => encoding == TargetEncoding.OneHot ? "one_hot" : "plus_minus_one";

    /// <summary>
    /// The covariance of the parameters with σ̂ and the residual degrees of freedom (written as "inference"), for
    /// prediction intervals; null when the file has none (written before the field existed, or from a fit without a
    /// least-squares report: penalised, not converged, rank-deficient or streamed).
    /// </summary>
    public ParameterCovariance? Covariance { get; init; }

    /// <summary>
    /// The formula and its fitted encoding, for a model fitted with one (null otherwise): predicting reads
    /// <see cref="Formula.InputColumns"/> and builds the design from them. <see cref="Inputs"/> then names the design's columns.
    /// </summary>
    public FormulaEncoding? Formula { get; init; }

    /// <summary>The JSON text of this file.</summary>
    public string ToJson()
    {
        var m = Model;
        var root = new JsonObject
        {
            ["format"] = Format,
            ["version"] = CurrentVersion,
            ["inputs"] = new JsonArray([.. (Formula?.Formula.InputColumns ?? Inputs.Inputs).Select(s => (JsonNode?)s)]),
            ["degree"] = Inputs.Degree,
            ["features"] = new JsonArray([.. m.FeatureNames.Select(s => (JsonNode?)s)]),
            ["targets"] = new JsonArray([.. m.TargetNames.Select(s => (JsonNode?)s)]),
            ["intercept"] = m.HasIntercept,
            ["converged"] = Converged,
            ["coefficients"] = new JsonArray([.. Enumerable.Range(0, m.Outputs).Select(o => (JsonNode?)Numbers(m.Coefficients(o).ToArray()))]),
            ["intercepts"] = Numbers([.. Enumerable.Range(0, m.Outputs).Select(o => m.Intercept(o))]),
            ["standardization"] = Standardization is null ? null : new JsonObject
            {
                ["means"] = Numbers([.. Standardization.Means]),
                ["scales"] = Numbers([.. Standardization.Scales]),
            },
            ["training"] = Training?.DeepClone(),
        };
        if (Classifier is { } classifier)
            root["classifier"] = new JsonObject
            {
                ["target"] = ClassifierTarget,
                ["classes"] = new JsonArray([.. classifier.Classes.Select(c => (JsonNode?)c)]),
                ["encoding"] = EncodingName(classifier.Encoding),
            };
        if (Covariance is { } c)
            root["inference"] = InferenceJson(c);
        if (Formula is { } f)
            root["formula"] = FormulaJson(f);
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    /// <summary>Writes the model to <paramref name="path"/> atomically (temporary file, then rename).</summary>
    public void Save(string path) => AtomicFile.WriteAllText(path, ToJson() + "\n");

    /// <summary>Reads a model file, checking its format, version and consistency.</summary>
    /// <exception cref="LsgdException">Missing file, not JSON, not an Lsgd model, a newer version, or inconsistent content.</exception>
    public static ModelFile Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
            throw new LsgdException($"{path} is a folder. Give the model file written by 'lsgd fit --output'.");
        if (!File.Exists(path))
            throw new LsgdException($"{path} does not exist. Give the model file written by 'lsgd fit --output'.");
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new LsgdException($"{path} is not valid JSON (line {e.LineNumber + 1}): it is not an Lsgd model file, or it was damaged.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LsgdException($"{path} could not be read: {Quote.Text(e.Message)}.", e);
        }
        if (node is not JsonObject root || (string?)root["format"] != Format)
            throw new LsgdException($"{path} is not an Lsgd model file (its \"format\" is not \"{Format}\").");
        int version = Read(path, () => (int)root["version"]!);
        if (version > CurrentVersion || version < 1)
            throw new LsgdException($"{path} has model format version {version}; this lsgd reads versions 1 to {CurrentVersion}. Use a newer lsgd.");

        return Read(path, () =>
        {
            var inputs = Strings(root["inputs"]);
            int degree = (int)root["degree"]!;
            var features = Strings(root["features"]);
            var targets = Strings(root["targets"]);
            bool intercept = (bool)root["intercept"]!;
            var coefficients = root["coefficients"]!.AsArray().Select(a => Doubles(a)).ToArray();
            var intercepts = Doubles(root["intercepts"]);
            var layout = new ParameterLayout(features.Length, targets.Length, intercept);
            if (coefficients.Length != targets.Length || coefficients.Any(c => c.Length != features.Length) || intercepts.Length != targets.Length)
                throw new LsgdException($"{path} is inconsistent: it lists {features.Length} features and {targets.Length} targets but its coefficient arrays have other sizes.");
            var theta = new double[layout.Count];
            for (int o = 0; o < targets.Length; o++)
            {
                coefficients[o].CopyTo(theta, o * layout.BlockSize);
                if (intercept) theta[o * layout.BlockSize + features.Length] = intercepts[o];
            }
            if (degree < 1 || degree > FeatureSpec.MaxDegree || inputs.Length == 0 || degree > 1 && inputs.Length != 1)
                throw new LsgdException($"{path} is inconsistent: its \"degree\" is {degree} with {inputs.Length} inputs (a degree from 1 to {FeatureSpec.MaxDegree}, and above 1 only with one input). " +
                    "The file was damaged or edited; re-create it with 'lsgd fit --output'.");
            var design = root["formula"] is JsonObject formula ? ReadFormula(path, formula) : null;
            if (design is not null && (!design.FeatureNames.SequenceEqual(features) || design.HasIntercept != intercept || degree != 1))
                throw new LsgdException($"{path} is inconsistent: its formula gives features {string.Join(", ", design.FeatureNames)}{(design.HasIntercept ? "" : " without an intercept")}, but it lists {string.Join(", ", features)}. " +
                    "The file was damaged or edited; re-create it with 'lsgd fit --output'.");
            var spec = design is null ? new FeatureSpec(inputs, degree) : new FeatureSpec(features);
            if (!spec.FeatureNames.SequenceEqual(features))
                throw new LsgdException($"{path} is inconsistent: its inputs and degree give features {string.Join(", ", spec.FeatureNames)}, but it lists {string.Join(", ", features)}.");
            Standardizer? standardization = root["standardization"] is JsonObject s
                ? new Standardizer(Doubles(s["means"]), Doubles(s["scales"]))
                : null;
            var model = new LinearModel(layout, theta, features, targets);
            LeastSquaresClassifierModel? classifier = null;
            string? label = null;
            if (root["classifier"] is JsonObject c)
            {
                var classes = Strings(c["classes"]);
                if (classes.Length != targets.Length || classes.Length < 2 || classes.Distinct().Count() != classes.Length)
                    throw new LsgdException($"{path} is inconsistent: its classifier lists {classes.Length} classes for {targets.Length} score outputs (one distinct class per output, at least two). " +
                        "Re-create it with 'lsgd classify --output'.");
                string encoding = (string)c["encoding"]!;
                var parsed = encoding switch
                {
                    "one_hot" => TargetEncoding.OneHot,
                    "plus_minus_one" => TargetEncoding.PlusMinusOne,
                    _ => throw new LsgdException($"{path} has the classifier encoding '{Quote.Text(encoding)}'; this lsgd reads one_hot and plus_minus_one. Use a newer lsgd."),
                };
                label = (string)c["target"]!;
                classifier = new LeastSquaresClassifierModel(model, classes, parsed);
            }
            return new ModelFile(model, spec, standardization, root["training"]?.DeepClone() as JsonObject)
            {
                Converged = root["converged"] is JsonValue converged ? (bool)converged : null,
                Classifier = classifier,
                ClassifierTarget = label,
                Covariance = root["inference"] is JsonObject inference ? ReadInference(path, inference, model) : null,
                Formula = design,
            };
        });
    }

    private static JsonObject InferenceJson(ParameterCovariance c)
    {
        int p = c.Parameters;
        return new JsonObject
        {
            ["cov_type"] = "nonrobust",
            ["names"] = new JsonArray([.. c.Names.Select(s => (JsonNode?)s)]),
            ["covariance"] = new JsonArray([.. Enumerable.Range(0, c.Outputs).Select(o =>
                (JsonNode?)new JsonArray([.. Enumerable.Range(0, p).Select(i => (JsonNode?)Numbers(c.Matrix(o).Slice(i * p, p).ToArray()))]))]),
            ["residual_sd"] = Numbers([.. Enumerable.Range(0, c.Outputs).Select(c.ResidualStandardDeviation)]),
            ["degrees_of_freedom"] = c.DegreesOfFreedom,
        };
    }

    private static ParameterCovariance ReadInference(string path, JsonObject inference, LinearModel model)
    {
        var names = Strings(inference["names"]);
        string[] expected = model.HasIntercept ? [ParameterCovariance.InterceptName, .. model.FeatureNames] : [.. model.FeatureNames];
        if (!names.SequenceEqual(expected))
            throw new LsgdException($"{path} is inconsistent: its \"inference\" names the parameters {string.Join(", ", names)}, but the model has {string.Join(", ", expected)}. " +
                "The file was damaged or edited; re-create it with 'lsgd fit --output'.");
        var matrices = inference["covariance"]!.AsArray().Select(m => m!.AsArray().SelectMany(row => Doubles(row)).ToArray()).ToArray();
        var sigma = Doubles(inference["residual_sd"]);
        if (matrices.Length != model.Outputs || sigma.Length != model.Outputs)
            throw new LsgdException($"{path} is inconsistent: its \"inference\" has {matrices.Length} covariance matrices and {sigma.Length} residual standard deviations for {model.Outputs} targets. " +
                "The file was damaged or edited; re-create it with 'lsgd fit --output'.");
        try
        {
            return new ParameterCovariance(model.FeatureNames, model.HasIntercept, matrices, sigma, (int)inference["degrees_of_freedom"]!);
        }
        catch (LsgdException e)
        {
            throw new LsgdException($"{path} is inconsistent: {e.Message} The file was damaged or edited; re-create it with 'lsgd fit --output'.", e);
        }
    }

    private static T Read<T>(string path, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is InvalidOperationException or NullReferenceException or FormatException or InvalidCastException or ArgumentException or OverflowException or IndexOutOfRangeException)
        {
            throw new LsgdException($"{path} is missing a field or has a field of the wrong type ({Quote.Text(e.Message)}). Re-create it with 'lsgd fit --output'.");
        }
    }

    private static JsonObject FormulaJson(FormulaEncoding f) => new()
    {
        ["text"] = f.Formula.Text,
        ["text_columns"] = new JsonArray([.. f.TextColumns.Select(c => (JsonNode?)c)]),
        ["levels"] = new JsonObject(f.Levels.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)new JsonArray([.. kv.Value.Select(l => (JsonNode?)l)])))),
        ["poly"] = new JsonObject(f.Polynomials.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)new JsonObject
        {
            ["alpha"] = Numbers([.. kv.Value.Alpha]),
            ["norm2"] = Numbers([.. kv.Value.Norm2]),
        }))),
    };

    private static FormulaEncoding ReadFormula(string path, JsonObject f)
    {
        var levels = f["levels"]!.AsObject().ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)Strings(kv.Value), StringComparer.Ordinal);
        var poly = f["poly"]!.AsObject().ToDictionary(kv => kv.Key, kv => new OrthogonalPolynomial(Doubles(kv.Value!["alpha"]), Doubles(kv.Value!["norm2"])), StringComparer.Ordinal);
        if (poly.Values.Any(p => p.Norm2.Count != p.Alpha.Count + 1 || p.Norm2.Any(v => v <= 0)))
            throw new FormatException("a poly() basis needs one more positive norm2 than alpha");
        try
        {
            return FormulaEncoding.Restore((string)f["text"]!, Strings(f["text_columns"]), levels, poly);
        }
        catch (FormulaException e)
        {
            throw new LsgdException($"{path} holds a formula this lsgd cannot apply: {e.Message} Re-create it with 'lsgd fit --output'.");
        }
    }

    private static JsonArray Numbers(double[] values) =>
        new([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]);

    private static string[] Strings(JsonNode? node) => [.. node!.AsArray().Select(v => (string)v!)];

    private static double[] Doubles(JsonNode? node)
    {
        var values = node!.AsArray().Select(v => (double)v!).ToArray();
        if (values.Any(v => !double.IsFinite(v)))
            throw new FormatException("a number is not finite");
        return values;
    }

    /// <summary>Formats a number the way model files and JSON output do (round-trip, invariant).</summary>
    public static string FormatNumber(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
