using Lsgd.Data;

namespace Lsgd.IO;

/// <summary>Builds a <see cref="FeatureSpec"/>'s features from columns read from a file.</summary>
public static class FeatureSpecTable
{
    /// <summary>Builds the n × d feature matrix (row-major) from a table holding the spec's inputs.</summary>
    /// <exception cref="LsgdException">The spec is inconsistent, or the table lacks an input.</exception>
    public static double[] Build(this FeatureSpec spec, NumericTable table)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(table);
        spec.Validate();
        if (spec.Degree > 1)
            FeatureSpec.CheckSize(table.Path, table.Rows, spec.Degree);   // name the file before the core names "the data"
        return spec.Build(spec.Degree == 1 ? table.Select(spec.Inputs) : table.Column(spec.Inputs[0]));
    }
}
