using Lsgd.Data;
using Lsgd.Estimators;
using Lsgd.LinearAlgebra;
using Lsgd.Models;

namespace Lsgd.Tests.Estimators;

/// <summary>
/// The goodness pass's register-blocked residuals of several outputs on every vector width, against a naive row-by-row
/// double loop; and, bit for bit, against the row-at-a-time kernel where the four-by-four tiles form them (fewer than
/// <see cref="MultiOutputResiduals.PanelOutputs"/> outputs or <see cref="MultiOutputResiduals.PanelFeatures"/> features, or no vectors).
/// </summary>
public class MultiOutputResidualsTest
{
    [Theory]
    [InlineData(512)]
    [InlineData(256)]
    [InlineData(0)]
    public void ResidualsEqualRowByRowDoubleLoopOnEveryPath(int bits)
    {
        foreach (bool single in new[] { false, true })
            foreach (int d in new[] { 17, 100, 768 })
                foreach (int k in new[] { 2, 3, 5, 8, 20 })
                    foreach (int rows in new[] { 1, 4, 8, 11, 37 })
                    {
                        bool intercept = (d + k + rows) % 2 == 0;
                        int start = 3, n = start + rows + 2, bs = d + (intercept ? 1 : 0);
                        var rng = new Random(d * 1000 + k * 10 + rows);
                        var x = Enumerable.Range(0, n * d).Select(_ => TestData.Gaussian(rng)).ToArray();
                        var xs = x.Select(v => (float)v).ToArray();
                        var y = Enumerable.Range(0, n * k).Select(_ => 5 + TestData.Gaussian(rng)).ToArray();
                        var theta = Enumerable.Range(0, k * bs).Select(_ => TestData.Gaussian(rng)).ToArray();
                        var data = single ? Dataset.FromSingle(xs, y, n, d, k) : new Dataset(x, y, n, d, k);
                        var layout = new ParameterLayout(d, k, intercept);
                        var r = new double[k * rows];
                        MultiOutputResiduals.Compute(data.Storage, y, layout, theta, start, rows, r, bits);
                        var row = new double[d];
                        var sums = new double[k];
                        for (int t = 0; t < rows; t++)
                        {
                            for (int j = 0; j < d; j++) row[j] = single ? xs[(start + t) * d + j] : x[(start + t) * d + j];
                            MultiVectorKernels.Dots(row, theta, bs, k, sums, bits);
                            for (int o = 0; o < k; o++)
                            {
                                double dot = 0, scale = 0;
                                for (int j = 0; j < d; j++)
                                {
                                    dot += row[j] * theta[o * bs + j];
                                    scale += Math.Abs(row[j] * theta[o * bs + j]);
                                }
                                double b = intercept ? theta[o * bs + d] : 0, expected = y[(start + t) * k + o] - (dot + b);
                                double actual = r[o * rows + t];
                                string at = $"bits {bits}, {(single ? "float32" : "float64")}, d {d}, k {k}, rows {rows}, row {t}, output {o}";
                                Assert.True(Math.Abs(actual - expected) <= 1e-14 * (scale + Math.Abs(y[(start + t) * k + o]) + Math.Abs(b)),
                                    $"{at}: {actual:R} against {expected:R}");
                                // The four-by-four tiles form the sums as the row-at-a-time kernel forms them: the same bits.
                                bool panels = bits >= 256 && k >= MultiOutputResiduals.PanelOutputs && d >= MultiOutputResiduals.PanelFeatures && rows >= (bits == 512 ? 8 : 4);
                                if (!panels)
                                    Assert.True(actual == y[(start + t) * k + o] - (sums[o] + b), $"{at}: not the row kernel's bits");
                            }
                        }
                    }
    }
}
