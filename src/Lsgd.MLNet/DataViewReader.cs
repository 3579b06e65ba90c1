using Microsoft.ML;
using Microsoft.ML.Data;

namespace Lsgd.MLNet;

/// <summary>
/// Reads the columns a trainer fits on from an <see cref="IDataView"/>: a known-size float vector of features, a
/// label (float, or a key for the multi-class trainer) and an optional float weight per row. One cursor, one pass.
/// </summary>
internal static class DataViewReader
{
    /// <summary>The rows read: features row-major (n·d), the labels as doubles (a key's 0-based class for keys), the weights or null.</summary>
    internal sealed record Rows(double[] Features, double[] Labels, double[]? Weights, int Count, int FeatureCount, string[]? FeatureNames);

    /// <summary>
    /// The features column's slot names (what <c>Concatenate</c> of scalar columns gives: their names), when every
    /// slot has a distinct non-empty name; null otherwise (Lsgd then names the features x1…xd).
    /// </summary>
    internal static string[]? SlotNames(DataViewSchema.Column column, int size)
    {
        if (column.Annotations.Schema.GetColumnOrNull("SlotNames")?.Type is not VectorDataViewType { ItemType: TextDataViewType } type || type.Size != size)
            return null;
        VBuffer<ReadOnlyMemory<char>> names = default;
        column.Annotations.GetValue("SlotNames", ref names);
        var dense = new ReadOnlyMemory<char>[size];
        names.CopyTo(dense);
        var text = dense.Select(n => n.ToString().Trim()).ToArray();
        return text.All(n => n.Length > 0) && text.Distinct(StringComparer.Ordinal).Count() == size ? text : null;
    }

    /// <summary>The size of the features column, checked to be a known-size float vector.</summary>
    internal static int FeatureCount(DataViewSchema schema, string featureColumnName)
    {
        var column = schema.GetColumnOrNull(featureColumnName)
            ?? throw new ArgumentOutOfRangeException(nameof(schema), $"The features column '{featureColumnName}' is missing.");
        if (column.Type is not VectorDataViewType vector || vector.ItemType != NumberDataViewType.Single || !vector.IsKnownSize)
            throw new ArgumentOutOfRangeException(nameof(schema), $"The features column '{featureColumnName}' must be a known-size vector of float; it is {column.Type}.");
        return vector.Size;
    }

    /// <summary>The weight column, checked to be float, or null without one.</summary>
    internal static DataViewSchema.Column? WeightColumn(DataViewSchema schema, string? weightColumnName)
    {
        if (weightColumnName is null) return null;
        var column = schema.GetColumnOrNull(weightColumnName)
            ?? throw new ArgumentOutOfRangeException(nameof(schema), $"The example weight column '{weightColumnName}' is missing.");
        if (column.Type != NumberDataViewType.Single)
            throw new ArgumentOutOfRangeException(nameof(schema), $"The example weight column '{weightColumnName}' must be float; it is {column.Type}.");
        return column;
    }

    /// <summary>
    /// Reads every row. <paramref name="labelColumn"/> is float (<paramref name="keyLabel"/> false) or a uint key
    /// (true): a key's value k ≥ 1 is read as class k − 1, and rows with a missing key (0) are skipped, as ML.NET's
    /// trainers skip rows without a label.
    /// </summary>
    internal static Rows Read(IDataView input, string featureColumnName, DataViewSchema.Column labelColumn, bool keyLabel, string? weightColumnName)
    {
        int d = FeatureCount(input.Schema, featureColumnName);
        var featureColumn = input.Schema[featureColumnName];
        var weightColumn = WeightColumn(input.Schema, weightColumnName);
        var columns = new List<DataViewSchema.Column> { featureColumn, labelColumn };
        if (weightColumn is { } wc) columns.Add(wc);

        var labels = new List<double>();
        var features = new List<double>();
        var weights = weightColumn is null ? null : new List<double>();
        using var cursor = input.GetRowCursor(columns);
        var getFeatures = cursor.GetGetter<VBuffer<float>>(featureColumn);
        var getFloatLabel = keyLabel ? null : cursor.GetGetter<float>(labelColumn);
        var getKeyLabel = keyLabel ? cursor.GetGetter<uint>(labelColumn) : null;
        var getWeight = weightColumn is { } w ? cursor.GetGetter<float>(w) : null;
        VBuffer<float> row = default;
        var dense = new float[d];
        float label = 0, weight = 1;
        uint key = 0;
        while (cursor.MoveNext())
        {
            double value;
            if (getKeyLabel is not null)
            {
                getKeyLabel(ref key);
                if (key == 0) continue;
                value = key - 1;
            }
            else
            {
                getFloatLabel!(ref label);
                value = label;
            }
            getFeatures(ref row);
            row.CopyTo(dense);
            labels.Add(value);
            foreach (float x in dense) features.Add(x);
            if (getWeight is not null)
            {
                getWeight(ref weight);
                weights!.Add(weight);
            }
        }
        return new Rows([.. features], [.. labels], weights is null ? null : [.. weights], labels.Count, d, SlotNames(featureColumn, d));
    }
}
