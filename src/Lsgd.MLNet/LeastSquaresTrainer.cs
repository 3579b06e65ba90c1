using Lsgd.Data;
using Lsgd.Estimators;
using Lsgd.Models;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Lsgd.MLNet;

/// <summary>Options of <see cref="LeastSquaresTrainer"/>: the columns it reads and how Lsgd fits.</summary>
public sealed record LeastSquaresTrainerOptions
{
    /// <summary>The label column (float). Default "Label".</summary>
    public string LabelColumnName { get; init; } = "Label";

    /// <summary>The features column (known-size float vector). Default "Features".</summary>
    public string FeatureColumnName { get; init; } = "Features";

    /// <summary>
    /// The example weight column (float, each ≥ 0 and finite, not all zero), or null (default) for unweighted rows.
    /// Weights are inverse variances: the fit minimises Σᵢ wᵢ(yᵢ − ŷᵢ)², as ML.NET's trainers weight examples.
    /// </summary>
    public string? ExampleWeightColumnName { get; init; }

    /// <summary>Lsgd's regressor options; by default <see cref="SolverMethod.Auto"/> to the certified optimum.</summary>
    public LinearRegressorOptions Regressor { get; init; } = new() { Method = SolverMethod.Auto };
}

/// <summary>
/// An ML.NET estimator that fits a linear least-squares model with Lsgd and returns a
/// <see cref="LeastSquaresTransformer"/>, which adds a float <c>Score</c> column.
/// </summary>
public sealed class LeastSquaresTrainer : IEstimator<LeastSquaresTransformer>
{
    /// <summary>Creates the trainer; <c>mlContext.Regression.Trainers.LeastSquares(...)</c> does the same.</summary>
    public LeastSquaresTrainer(LeastSquaresTrainerOptions? options = null)
    {
        Options = options ?? new LeastSquaresTrainerOptions();
    }

    /// <summary>The options this trainer fits with.</summary>
    public LeastSquaresTrainerOptions Options { get; }

    /// <summary>
    /// Reads the label, features and (when named) example weight columns, fits with Lsgd (weighted least squares,
    /// Σᵢ wᵢ(yᵢ − ŷᵢ)², with a weights column) and returns the scoring transformer.
    /// </summary>
    public LeastSquaresTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var label = input.Schema.GetColumnOrNull(Options.LabelColumnName)
            ?? throw new ArgumentOutOfRangeException(nameof(input), $"The label column '{Options.LabelColumnName}' is missing.");
        DataViewReader.FeatureCount(input.Schema, Options.FeatureColumnName);
        if (label.Type != NumberDataViewType.Single)
            throw new ArgumentOutOfRangeException(nameof(input), $"The label column '{Options.LabelColumnName}' must be float; it is {label.Type}.");
        var rows = DataViewReader.Read(input, Options.FeatureColumnName, label, keyLabel: false, Options.ExampleWeightColumnName);
        var data = new Dataset(rows.Features, rows.Labels, rows.Count, rows.FeatureCount, featureNames: rows.FeatureNames).WithWeights(rows.Weights);
        var fit = new LinearRegressor(Options.Regressor).Fit(data);
        return new LeastSquaresTransformer(fit, Options.FeatureColumnName);
    }

    /// <summary>The input's columns and a float <c>Score</c> column.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        if (!inputSchema.Any(c => c.Name == Options.FeatureColumnName))
            throw new ArgumentOutOfRangeException(nameof(inputSchema), $"The features column '{Options.FeatureColumnName}' is missing.");
        if (!inputSchema.Any(c => c.Name == Options.LabelColumnName))
            throw new ArgumentOutOfRangeException(nameof(inputSchema), $"The label column '{Options.LabelColumnName}' is missing.");
        if (Options.ExampleWeightColumnName is { } weights && !inputSchema.Any(c => c.Name == weights))
            throw new ArgumentOutOfRangeException(nameof(inputSchema), $"The example weight column '{weights}' is missing.");
        // SchemaShape.Column's constructor (and SchemaShape.Create) are internal: the shape with the Score column
        // comes from the scoring mapping's own estimator.
        return LeastSquaresTransformer.Mapping(new MLContext(seed: 0), Options.FeatureColumnName, features: null, model: null)
            .GetOutputSchema(inputSchema);
    }
}

/// <summary>
/// Scores rows with a model fitted by <see cref="LeastSquaresTrainer"/>: adds a float <c>Score</c> column.
/// Works with <c>Transform</c>, <c>mlContext.Regression.Evaluate</c> and <c>CreatePredictionEngine</c>.
/// </summary>
/// <remarks>
/// <c>mlContext.Model.Save</c> is not supported. ML.NET saves a transformer from outside it only as a
/// <c>CustomMapping</c> with a contract name, and that saves the name and nothing else: on loading, ML.NET builds
/// the mapping from a parameterless <c>CustomMappingFactory</c>, so the fitted coefficients (and the features
/// column's name, dotnet/machinelearning issue 3988) cannot travel in the zip; the model-parameter and prediction
/// transformer types that do save are internal to construct. Save <see cref="Model"/> with Lsgd.IO's
/// <c>ModelFile</c> instead and rebuild the transformer with <see cref="LeastSquaresTransformer(LinearModel, string)"/>.
/// </remarks>
public sealed class LeastSquaresTransformer : ITransformer
{
    /// <summary>The name of the column this transformer adds.</summary>
    public const string ScoreColumnName = "Score";

    private readonly ITransformer _mapping;
    private readonly string _featureColumnName;

    /// <summary>
    /// Scores with a model fitted before, such as one saved and loaded with Lsgd.IO's <c>ModelFile</c>: the way
    /// back into a pipeline that <c>mlContext.Model.Save</c> cannot give. <see cref="Fit"/> is then null.
    /// </summary>
    /// <param name="model">A linear model with one output.</param>
    /// <param name="featureColumnName">The features column (known-size float vector of the model's d features).</param>
    /// <exception cref="ArgumentException">The model has more than one output.</exception>
    public LeastSquaresTransformer(LinearModel model, string featureColumnName = "Features")
        : this(model, null, featureColumnName)
    {
    }

    internal LeastSquaresTransformer(LinearFit fit, string featureColumnName)
        : this(fit.Model, fit, featureColumnName)
    {
    }

    private LeastSquaresTransformer(LinearModel model, LinearFit? fit, string featureColumnName)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(featureColumnName);
        if (model.Outputs != 1)
            throw new ArgumentException($"The model has {model.Outputs} outputs; a regression Score column takes one (a classifier's scores go to LeastSquaresMulticlassTransformer).", nameof(model));
        // The scoring is ML.NET's CustomMapping over Lsgd's model, in a context of its own (the catalog's is
        // not public); a context only carries ML.NET's logging and random seed, which scoring does not use.
        var context = new MLContext(seed: 0);
        Model = model;
        Fit = fit;
        _featureColumnName = featureColumnName;
        int features = model.Features;
        var definition = Definition(featureColumnName, features);
        // Fitting a custom mapping reads no data: it only checks the schema.
        _mapping = Mapping(context, featureColumnName, features, model)
            .Fit(context.Data.LoadFromEnumerable(Array.Empty<FeaturesRow>(), definition));
    }

    internal static SchemaDefinition Definition(string featureColumnName, int? features)
    {
        var definition = SchemaDefinition.Create(typeof(FeaturesRow));
        definition[nameof(FeaturesRow.Features)].ColumnName = featureColumnName;
        if (features is int size)
            definition[nameof(FeaturesRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, size);
        return definition;
    }

    internal static IEstimator<ITransformer> Mapping(MLContext context, string featureColumnName, int? features, LinearModel? model) =>
        context.Transforms.CustomMapping<FeaturesRow, ScoreRow>(
            (input, output) =>
            {
                if (model is null) throw new InvalidOperationException("The least-squares model is not fitted yet.");
                int d = model.Features;
                Span<double> x = d <= 256 ? stackalloc double[d] : new double[d];
                for (int j = 0; j < d; j++) x[j] = input.Features[j];
                Span<double> prediction = stackalloc double[1];
                model.Predict(x, prediction);
                output.Score = (float)prediction[0];
            },
            contractName: null, inputSchemaDefinition: Definition(featureColumnName, features));

    /// <summary>The linear model that scores the rows.</summary>
    public LinearModel Model { get; }

    /// <summary>Lsgd's fit: the model, whether it converged (certified), the loss and the statistics; null for a model built from a saved one.</summary>
    public LinearFit? Fit { get; }

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
        throw new NotSupportedException($"An Lsgd least-squares model cannot be saved with mlContext.Model.Save (ML.NET cannot load transformers defined outside it); save LeastSquaresTransformer.Model with Lsgd.IO's ModelFile and rebuild it with new LeastSquaresTransformer(model). Features column: '{_featureColumnName}'.");

    internal sealed class FeaturesRow
    {
        public float[] Features { get; set; } = [];
    }

    internal sealed class ScoreRow
    {
        public float Score { get; set; }
    }
}

/// <summary><c>mlContext.Regression.Trainers.LeastSquares(...)</c> and <c>mlContext.MulticlassClassification.Trainers.LeastSquares(...)</c>.</summary>
public static class LeastSquaresCatalog
{
    /// <summary>A linear least-squares trainer fitted by Lsgd (by default to the certified optimum).</summary>
    /// <param name="catalog">The regression trainers of an <see cref="MLContext"/>.</param>
    /// <param name="labelColumnName">The label column (float).</param>
    /// <param name="featureColumnName">The features column (known-size float vector).</param>
    /// <param name="exampleWeightColumnName">The example weight column (float), or null for unweighted rows.</param>
    /// <param name="options">Lsgd's regressor options; by default <see cref="SolverMethod.Auto"/>.</param>
    public static LeastSquaresTrainer LeastSquares(this RegressionCatalog.RegressionTrainers catalog,
        string labelColumnName = "Label", string featureColumnName = "Features", string? exampleWeightColumnName = null,
        LinearRegressorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new LeastSquaresTrainer(new LeastSquaresTrainerOptions
        {
            LabelColumnName = labelColumnName,
            FeatureColumnName = featureColumnName,
            ExampleWeightColumnName = exampleWeightColumnName,
            Regressor = options ?? new LinearRegressorOptions { Method = SolverMethod.Auto },
        });
    }

    /// <summary>A multi-class trainer on Lsgd's least-squares classifier (by default fitted to the certified optimum).</summary>
    /// <param name="catalog">The multi-class trainers of an <see cref="MLContext"/>.</param>
    /// <param name="labelColumnName">The label column (a uint key: <c>MapValueToKey</c>).</param>
    /// <param name="featureColumnName">The features column (known-size float vector).</param>
    /// <param name="exampleWeightColumnName">The example weight column (float), or null for unweighted rows.</param>
    /// <param name="options">Lsgd's classifier options (encoding, solver); <c>TestFraction</c> must be 0.</param>
    public static LeastSquaresMulticlassTrainer LeastSquares(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = "Label", string featureColumnName = "Features", string? exampleWeightColumnName = null,
        Applications.Classification.LeastSquaresClassifierOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new LeastSquaresMulticlassTrainer(new LeastSquaresMulticlassTrainerOptions
        {
            LabelColumnName = labelColumnName,
            FeatureColumnName = featureColumnName,
            ExampleWeightColumnName = exampleWeightColumnName,
            Classifier = options ?? new(),
        });
    }
}
