using Lsgd.Internals;
using Lsgd.Models;

namespace Lsgd.Data;

/// <summary>Predictions of a <see cref="LinearModel"/> over a whole <see cref="Dataset"/>.</summary>
/// <remarks>An extension, so the model (shared vocabulary) does not depend on the data layer.</remarks>
public static class LinearModelPredictions
{
    /// <summary>Predicts every row of <paramref name="data"/>: n·k values, row-major.</summary>
    public static double[] Predict(this LinearModel model, Dataset data)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Features != model.Features)
            Throw.Data($"The model expects {model.Features} features ({string.Join(", ", model.FeatureNames)}) but the data has {data.Features}.");
        var result = new double[data.Rows * model.Outputs];
        // Rows are independent, so blocks of them go to different cores with the same result.
        const int blockRows = 8192;
        int blocks = (data.Rows + blockRows - 1) / blockRows;
        Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = blocks > 1 ? Environment.ProcessorCount : 1 }, b =>
        {
            var row = new double[model.Features];
            int end = Math.Min(data.Rows, (b + 1) * blockRows);
            for (int i = b * blockRows; i < end; i++)
            {
                data.Storage.CopyRow(i, row);
                model.Predict(row, result.AsSpan(i * model.Outputs, model.Outputs));
            }
        });
        return result;
    }
}
