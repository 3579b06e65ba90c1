using System.Reflection;
using Lsgd.Applications.Classification;
using Lsgd.Data;
using Lsgd.Estimators;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Lsgd.MLNet;

/// <summary>Options of <see cref="LeastSquaresMulticlassTrainer"/>: the columns it reads and how Lsgd fits.</summary>
public sealed record LeastSquaresMulticlassTrainerOptions
{
    /// <summary>The label column: a key (uint), as ML.NET's multi-class trainers take it (<c>MapValueToKey</c>). Default "Label".</summary>
    public string LabelColumnName { get; init; } = "Label";

    /// <summary>The features column (known-size float vector). Default "Features".</summary>
    public string FeatureColumnName { get; init; } = "Features";

    /// <summary>
    /// The example weight column (float, each ≥ 0 and finite, not all zero), or null (default) for unweighted rows:
    /// the fit minimises Σᵢ wᵢ‖tᵢ − ŝᵢ‖² over the rows' encoded targets tᵢ.
    /// </summary>
    public string? ExampleWeightColumnName { get; init; }

    /// <summary>
    /// Lsgd's classifier options: the target encoding and the least-squares solver (by default
    /// <see cref="SolverMethod.Auto"/>, to the certified optimum). <see cref="LeastSquaresClassifierOptions.TestFraction"/>
    /// must be 0: in ML.NET the split is made with <c>mlContext.Data.TrainTestSplit</c>.
    /// </summary>
    public LeastSquaresClassifierOptions Classifier { get; init; } = new();
}

/// <summary>
/// An ML.NET multi-class trainer on Lsgd's least-squares classifier: each class of the key-typed label becomes a
/// target column (one-hot or ±1), one multi-output linear model is fitted to them by least squares, and the
/// predicted class is the argmax of the scores. Returns a <see cref="LeastSquaresMulticlassTransformer"/>, which adds
/// a float vector <c>Score</c> (one score per key value) and a key <c>PredictedLabel</c> column.
/// </summary>
public sealed class LeastSquaresMulticlassTrainer : IEstimator<LeastSquaresMulticlassTransformer>
{
    /// <summary>Creates the trainer; <c>mlContext.MulticlassClassification.Trainers.LeastSquares(...)</c> does the same.</summary>
    /// <exception cref="ArgumentException">The classifier options hold out a test fraction.</exception>
    public LeastSquaresMulticlassTrainer(LeastSquaresMulticlassTrainerOptions? options = null)
    {
        Options = options ?? new LeastSquaresMulticlassTrainerOptions();
        if (Options.Classifier.TestFraction != 0)
            throw new ArgumentException($"The classifier's TestFraction is {Options.Classifier.TestFraction}: in an ML.NET pipeline the trainer fits every row it is given; hold rows out with mlContext.Data.TrainTestSplit and leave TestFraction 0.", nameof(options));
    }

    /// <summary>The options this trainer fits with.</summary>
    public LeastSquaresMulticlassTrainerOptions Options { get; }

    /// <summary>
    /// Reads the key label, features and (when named) example weight columns and fits the classifier's scores to
    /// the encoded classes with Lsgd. There is one class per key value, in key order, named by the label's key
    /// values when it has them; rows with a missing key are skipped; a class no row has gets scores fitted to its
    /// encoding's "other" value.
    /// </summary>
    public LeastSquaresMulticlassTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var label = LabelColumn(input.Schema);
        int classes = ClassCount(label);
        DataViewReader.FeatureCount(input.Schema, Options.FeatureColumnName);
        var keyValues = KeyValues.Of(label, classes);
        var rows = DataViewReader.Read(input, Options.FeatureColumnName, label, keyLabel: true, Options.ExampleWeightColumnName);
        if (rows.Count == 0)
            throw new ArgumentException($"No row of the input has a label in '{Options.LabelColumnName}' (every key is missing).", nameof(input));

        var indices = Array.ConvertAll(rows.Labels, l => (int)l);
        var targets = ClassLabels.EncodeTargets(indices, classes, Options.Classifier.Encoding);
        var data = new Dataset(rows.Features, targets, rows.Count, rows.FeatureCount, classes, rows.FeatureNames, keyValues.Names).WithWeights(rows.Weights);
        var regression = new LinearRegressor(Options.Classifier.Regression).Fit(data);
        var model = new LeastSquaresClassifierModel(regression.Model, keyValues.Names, Options.Classifier.Encoding);
        return new LeastSquaresMulticlassTransformer(model, regression, Options.FeatureColumnName, keyValues);
    }

    /// <summary>The input's columns, a float vector <c>Score</c> and a key <c>PredictedLabel</c> column.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        if (!inputSchema.Any(c => c.Name == Options.FeatureColumnName))
            throw new ArgumentOutOfRangeException(nameof(inputSchema), $"The features column '{Options.FeatureColumnName}' is missing.");
        var label = inputSchema.FirstOrDefault(c => c.Name == Options.LabelColumnName);
        if (label.Name is null)
            throw new ArgumentOutOfRangeException(nameof(inputSchema), $"The label column '{Options.LabelColumnName}' is missing.");
        if (!label.IsKey)
            throw new ArgumentOutOfRangeException(nameof(inputSchema), NotAKey($"{label.Kind} of {label.ItemType}"));
        if (Options.ExampleWeightColumnName is { } weights && !inputSchema.Any(c => c.Name == weights))
            throw new ArgumentOutOfRangeException(nameof(inputSchema), $"The example weight column '{weights}' is missing.");
        // The shape carries no vector sizes or key counts: two classes stand for any number, and the key values
        // are announced when the label has them (so MapKeyToValue on PredictedLabel passes the pipeline's check).
        bool hasKeyValues = label.Annotations.Any(a => a.Name == AnnotationKinds.KeyValues);
        var placeholder = KeyValues.Placeholder(2, hasKeyValues);
        return LeastSquaresMulticlassTransformer.Mapping(new MLContext(seed: 0), Options.FeatureColumnName, features: null, model: null, placeholder)
            .GetOutputSchema(inputSchema);
    }

    private DataViewSchema.Column LabelColumn(DataViewSchema schema)
    {
        var label = schema.GetColumnOrNull(Options.LabelColumnName)
            ?? throw new ArgumentOutOfRangeException(nameof(schema), $"The label column '{Options.LabelColumnName}' is missing.");
        if (label.Type is not KeyDataViewType key || key.RawType != typeof(uint))
            throw new ArgumentOutOfRangeException(nameof(schema), NotAKey(label.Type.ToString() ?? "unknown"));
        return label;
    }

    private int ClassCount(DataViewSchema.Column label)
    {
        ulong count = ((KeyDataViewType)label.Type).Count;
        if (count < 2 || count > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(label), $"The label column '{Options.LabelColumnName}' has {count} key values: a classifier needs at least two classes.");
        return (int)count;
    }

    private string NotAKey(string type) =>
        $"The label column '{Options.LabelColumnName}' must be a key (uint), as ML.NET's multi-class trainers take it; it is {type}. " +
        $"Map it first: mlContext.Transforms.Conversion.MapValueToKey(\"{Options.LabelColumnName}\").";
}

/// <summary>The annotation kinds this package reads and writes (ML.NET's own names).</summary>
internal static class AnnotationKinds
{
    internal const string KeyValues = "KeyValues";
    internal const string SlotNames = "SlotNames";
}

/// <summary>
/// The class names of a key-typed label (its key values as text, or "1".."K" without key values) and how to put
/// the label's key values, with their own type, on the output <c>PredictedLabel</c> column.
/// </summary>
internal sealed class KeyValues
{
    private KeyValues(string[] names, Action<SchemaDefinition.Column>? annotate)
    {
        Names = names;
        Annotate = annotate;
    }

    /// <summary>One name per class, in key order.</summary>
    internal string[] Names { get; }

    /// <summary>Adds the label's key values to a column definition, or null when the label has none.</summary>
    internal Action<SchemaDefinition.Column>? Annotate { get; }

    internal static KeyValues Of(DataViewSchema.Column label, int classes)
    {
        var type = label.Annotations.Schema.GetColumnOrNull(AnnotationKinds.KeyValues)?.Type as VectorDataViewType;
        if (type is null || type.Size != classes)
            return new KeyValues([.. Enumerable.Range(1, classes).Select(k => k.ToString(System.Globalization.CultureInfo.InvariantCulture))], null);
        var read = typeof(KeyValues).GetMethod(nameof(Read), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(type.ItemType.RawType);
        return (KeyValues)read.Invoke(null, [label, type])!;
    }

    internal static KeyValues Placeholder(int classes, bool withKeyValues)
    {
        var names = Enumerable.Range(1, classes).Select(k => k.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return withKeyValues ? Text(names) : new KeyValues(names, null);
    }

    /// <summary>Class names that are also the key values, as text.</summary>
    internal static KeyValues Text(IReadOnlyList<string> names)
    {
        var text = new VBuffer<ReadOnlyMemory<char>>(names.Count, [.. names.Select(n => n.AsMemory())]);
        var type = new VectorDataViewType(TextDataViewType.Instance, names.Count);
        return new KeyValues([.. names], column => column.AddAnnotation(AnnotationKinds.KeyValues, text, type));
    }

    private static KeyValues Read<T>(DataViewSchema.Column label, VectorDataViewType type)
    {
        VBuffer<T> values = default;
        label.Annotations.GetValue(AnnotationKinds.KeyValues, ref values);
        var dense = new T[type.Size];
        values.CopyTo(dense);
        var copy = new VBuffer<T>(dense.Length, dense);
        var names = dense.Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "").ToArray();
        return new KeyValues(names, column => column.AddAnnotation(AnnotationKinds.KeyValues, copy, type));
    }
}

/// <summary>
/// Scores rows with a classifier fitted by <see cref="LeastSquaresMulticlassTrainer"/>: adds a float vector
/// <c>Score</c> column (the least-squares score of each class, with the class names as slot names) and a key
/// <c>PredictedLabel</c> column (the class of the largest score, with the label's key values). Works with
/// <c>Transform</c>, <c>mlContext.MulticlassClassification.Evaluate</c>, <c>MapKeyToValue</c> and <c>CreatePredictionEngine</c>.
/// </summary>
/// <remarks>
/// The scores are least-squares fits to the encoded classes, not probabilities: with one-hot targets and an
/// intercept they sum to 1 but may fall outside [0, 1], so the evaluator's accuracy and confusion matrix are
/// meaningful while its log-loss figures are not. <c>mlContext.Model.Save</c> is not supported (see
/// <see cref="LeastSquaresTransformer"/>): save <see cref="Model"/> with Lsgd.IO's <c>ModelFile</c> and rebuild
/// the transformer with <see cref="LeastSquaresMulticlassTransformer(LeastSquaresClassifierModel, string)"/>.
/// </remarks>
public sealed class LeastSquaresMulticlassTransformer : ITransformer
{
    /// <summary>The name of the score vector column this transformer adds.</summary>
    public const string ScoreColumnName = "Score";

    /// <summary>The name of the predicted key column this transformer adds.</summary>
    public const string PredictedLabelColumnName = "PredictedLabel";

    private readonly ITransformer _mapping;
    private readonly string _featureColumnName;

    /// <summary>
    /// Scores with a classifier fitted before, such as one saved and loaded with Lsgd.IO's <c>ModelFile</c>: the
    /// way back into a pipeline that <c>mlContext.Model.Save</c> cannot give. <c>PredictedLabel</c>'s key values are
    /// the class names as text; <see cref="Regression"/> is null.
    /// </summary>
    /// <param name="model">The classifier (one score per class).</param>
    /// <param name="featureColumnName">The features column (known-size float vector of the model's d features).</param>
    public LeastSquaresMulticlassTransformer(LeastSquaresClassifierModel model, string featureColumnName = "Features")
        : this(model ?? throw new ArgumentNullException(nameof(model)), null, featureColumnName, KeyValues.Text(model.Classes))
    {
    }

    internal LeastSquaresMulticlassTransformer(LeastSquaresClassifierModel model, LinearFit? regression, string featureColumnName, KeyValues keyValues)
    {
        ArgumentException.ThrowIfNullOrEmpty(featureColumnName);
        var context = new MLContext(seed: 0);   // as LeastSquaresTransformer: scoring uses no logging or randomness
        Model = model;
        Regression = regression;
        _featureColumnName = featureColumnName;
        var input = LeastSquaresTransformer.Definition(featureColumnName, model.Features);
        _mapping = Mapping(context, featureColumnName, model.Features, model, keyValues)
            .Fit(context.Data.LoadFromEnumerable(Array.Empty<LeastSquaresTransformer.FeaturesRow>(), input));
    }

    internal static IEstimator<ITransformer> Mapping(MLContext context, string featureColumnName, int? features,
        LeastSquaresClassifierModel? model, KeyValues keyValues)
    {
        int classes = keyValues.Names.Length;
        var output = SchemaDefinition.Create(typeof(ClassScoresRow), SchemaDefinition.Direction.Write);
        var score = output[nameof(ClassScoresRow.Score)];
        score.ColumnType = new VectorDataViewType(NumberDataViewType.Single, classes);
        score.AddAnnotation(AnnotationKinds.SlotNames, new VBuffer<ReadOnlyMemory<char>>(classes, [.. keyValues.Names.Select(n => n.AsMemory())]),
            new VectorDataViewType(TextDataViewType.Instance, classes));
        var predicted = output[nameof(ClassScoresRow.PredictedLabel)];
        predicted.ColumnType = new KeyDataViewType(typeof(uint), classes);
        keyValues.Annotate?.Invoke(predicted);

        return context.Transforms.CustomMapping<LeastSquaresTransformer.FeaturesRow, ClassScoresRow>(
            (row, result) =>
            {
                if (model is null) throw new InvalidOperationException("The least-squares classifier is not fitted yet.");
                int d = model.Features;
                Span<double> x = d <= 256 ? stackalloc double[d] : new double[d];
                for (int j = 0; j < d; j++) x[j] = row.Features[j];
                Span<double> s = classes <= 256 ? stackalloc double[classes] : new double[classes];
                model.Scores.Predict(x, s);
                if (result.Score.Length != classes) result.Score = new float[classes];
                int best = 0;   // the first of the largest scores, as LeastSquaresClassifierModel.PredictIndex
                for (int c = 0; c < classes; c++)
                {
                    result.Score[c] = (float)s[c];
                    if (s[c] > s[best]) best = c;
                }
                // ML.NET reads a key from a class member 0-based (0 ↦ the first key value) and stores it 1-based.
                result.PredictedLabel = (uint)best;
            },
            contractName: null, inputSchemaDefinition: LeastSquaresTransformer.Definition(featureColumnName, features), outputSchemaDefinition: output);
    }

    /// <summary>The fitted classifier: the score model, the class names (the label's key values) and the encoding.</summary>
    public LeastSquaresClassifierModel Model { get; }

    /// <summary>Lsgd's multi-output least-squares fit of the encoded classes: whether it converged (certified), the loss, the statistics; null for a classifier built from a saved one.</summary>
    public LinearFit? Regression { get; }

    /// <inheritdoc />
    public bool IsRowToRowMapper => _mapping.IsRowToRowMapper;

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => _mapping.GetOutputSchema(inputSchema);

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => _mapping.GetRowToRowMapper(inputSchema);

    /// <inheritdoc />
    public IDataView Transform(IDataView input) => _mapping.Transform(input);

    /// <summary>Not supported (see the remarks): throws <see cref="NotSupportedException"/>.</summary>
    void ICanSaveModel.Save(ModelSaveContext ctx) =>
        throw new NotSupportedException($"An Lsgd least-squares classifier cannot be saved with mlContext.Model.Save (ML.NET cannot load transformers defined outside it); save LeastSquaresMulticlassTransformer.Model with Lsgd.IO's ModelFile and rebuild it with new LeastSquaresMulticlassTransformer(model). Features column: '{_featureColumnName}'.");

    internal sealed class ClassScoresRow
    {
        public float[] Score { get; set; } = [];

        public uint PredictedLabel { get; set; }
    }
}
