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

    /// <summary>Reads the label and features columns, fits with Lsgd and returns the scoring transformer.</summary>
    public LeastSquaresTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        int featureCount = FeatureCount(input.Schema);
        var labels = new List<double>();
        var features = new List<double>();
        var labelColumn = input.Schema[Options.LabelColumnName];
        var featureColumn = input.Schema[Options.FeatureColumnName];
        using (var cursor = input.GetRowCursor([labelColumn, featureColumn]))
        {
            var getLabel = cursor.GetGetter<float>(labelColumn);
            var getFeatures = cursor.GetGetter<VBuffer<float>>(featureColumn);
            float label = 0;
            VBuffer<float> row = default;
            var dense = new float[featureCount];
            while (cursor.MoveNext())
            {
                getLabel(ref label);
                getFeatures(ref row);
                row.CopyTo(dense);
                labels.Add(label);
                foreach (float value in dense) features.Add(value);
            }
        }

        var data = new Dataset(features.ToArray(), labels.ToArray(), labels.Count, featureCount);
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
        // SchemaShape.Column's constructor (and SchemaShape.Create) are internal: the shape with the Score column
        // comes from the scoring mapping's own estimator.
        return LeastSquaresTransformer.Mapping(new MLContext(seed: 0), Options.FeatureColumnName, features: null, model: null)
            .GetOutputSchema(inputSchema);
    }

    private int FeatureCount(DataViewSchema schema)
    {
        var column = schema.GetColumnOrNull(Options.FeatureColumnName)
            ?? throw new ArgumentOutOfRangeException(nameof(schema), $"The features column '{Options.FeatureColumnName}' is missing.");
        if (column.Type is not VectorDataViewType { ItemType: NumberDataViewType } vector || vector.ItemType != NumberDataViewType.Single || !vector.IsKnownSize)
            throw new ArgumentOutOfRangeException(nameof(schema), $"The features column '{Options.FeatureColumnName}' must be a known-size vector of float; it is {column.Type}.");
        var label = schema.GetColumnOrNull(Options.LabelColumnName)
            ?? throw new ArgumentOutOfRangeException(nameof(schema), $"The label column '{Options.LabelColumnName}' is missing.");
        if (label.Type != NumberDataViewType.Single)
            throw new ArgumentOutOfRangeException(nameof(schema), $"The label column '{Options.LabelColumnName}' must be float; it is {label.Type}.");
        return vector.Size;
    }
}

/// <summary>
/// Scores rows with a model fitted by <see cref="LeastSquaresTrainer"/>: adds a float <c>Score</c> column.
/// Works with <c>Transform</c>, <c>mlContext.Regression.Evaluate</c> and <c>CreatePredictionEngine</c>.
/// </summary>
/// <remarks>
/// <c>mlContext.Model.Save</c> is not supported: ML.NET keeps the types a saved model is loaded through internal,
/// so a transformer from outside ML.NET cannot be loaded back. Save <see cref="Fit"/>'s model with Lsgd.IO's
/// <c>ModelFile</c> instead.
/// </remarks>
public sealed class LeastSquaresTransformer : ITransformer
{
    /// <summary>The name of the column this transformer adds.</summary>
    public const string ScoreColumnName = "Score";

    private readonly ITransformer _mapping;
    private readonly string _featureColumnName;

    internal LeastSquaresTransformer(LinearFit fit, string featureColumnName)
    {
        // The scoring is ML.NET's CustomMapping over Lsgd's model, in a context of its own (the catalog's is
        // not public); a context only carries ML.NET's logging and random seed, which scoring does not use.
        var context = new MLContext(seed: 0);
        Fit = fit;
        _featureColumnName = featureColumnName;
        LinearModel model = fit.Model;
        int features = model.Features;
        var definition = Definition(featureColumnName, features);
        // Fitting a custom mapping reads no data: it only checks the schema.
        _mapping = Mapping(context, featureColumnName, features, model)
            .Fit(context.Data.LoadFromEnumerable(Array.Empty<FeaturesRow>(), definition));
    }

    private static SchemaDefinition Definition(string featureColumnName, int? features)
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

    /// <summary>Lsgd's fit: the model, whether it converged (certified), the loss and the statistics.</summary>
    public LinearFit Fit { get; }

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
        throw new NotSupportedException($"An Lsgd least-squares model cannot be saved with mlContext.Model.Save (ML.NET cannot load transformers defined outside it); save LeastSquaresTransformer.Fit.Model with Lsgd.IO's ModelFile instead. Features column: '{_featureColumnName}'.");

    internal sealed class FeaturesRow
    {
        public float[] Features { get; set; } = [];
    }

    internal sealed class ScoreRow
    {
        public float Score { get; set; }
    }
}

/// <summary><c>mlContext.Regression.Trainers.LeastSquares(...)</c>.</summary>
public static class LeastSquaresCatalog
{
    /// <summary>A linear least-squares trainer fitted by Lsgd (by default to the certified optimum).</summary>
    public static LeastSquaresTrainer LeastSquares(this RegressionCatalog.RegressionTrainers catalog,
        string labelColumnName = "Label", string featureColumnName = "Features", LinearRegressorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new LeastSquaresTrainer(new LeastSquaresTrainerOptions
        {
            LabelColumnName = labelColumnName,
            FeatureColumnName = featureColumnName,
            Regressor = options ?? new LinearRegressorOptions { Method = SolverMethod.Auto },
        });
    }
}
