using System.Globalization;
using Lsgd.Data;
using Lsgd.Estimators;
using Lsgd.Formulas;

namespace Lsgd.Tests.Formulas;

/// <summary>
/// Design matrices and fits against patsy and statsmodels (numbers from tests/Lsgd.Tests/Reference/formulas.py,
/// embedded in <see cref="FormulaReference"/>).
/// </summary>
public class FormulaReferenceTest
{
    /// <summary>Reads a CSV text: a column whose every cell is a number is numeric, any other is text.</summary>
    internal static DataColumns Read(string csv)
    {
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split(',');
        var cells = lines.Skip(1).Select(l => l.Split(',')).ToArray();
        var data = new DataColumns(cells.Length, i => $"line {i + 2}");
        for (int j = 0; j < header.Length; j++)
        {
            var column = cells.Select(r => r[j]).ToArray();
            if (column.All(c => double.TryParse(c, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
                data.Add(header[j], [.. column.Select(c => double.Parse(c, CultureInfo.InvariantCulture))]);
            else
                data.Add(header[j], column);
        }
        return data;
    }

    public static TheoryData<int> DesignCases() => [.. Enumerable.Range(0, FormulaReference.Designs.Length)];

    public static TheoryData<int> FitCases() => [.. Enumerable.Range(0, FormulaReference.Fits.Length)];

    [Theory]
    [MemberData(nameof(DesignCases))]
    public void DesignMatrixMatchesPatsyNamesAndValues(int index)
    {
        var (formula, names, values) = FormulaReference.Designs[index];
        var data = Read(FormulaReference.Small);
        var encoding = FormulaEncoding.Fit(Formula.Parse(formula), data);
        bool intercept = names[0] == "Intercept";
        Assert.Equal(intercept, encoding.HasIntercept);
        Assert.Equal(names.Skip(intercept ? 1 : 0), encoding.FeatureNames);
        var design = encoding.Build(data);
        int width = names.Length, d = encoding.FeatureNames.Count, offset = intercept ? 1 : 0;
        for (int i = 0; i < data.Rows; i++)
            for (int j = 0; j < d; j++)
                Assert.True(Math.Abs(design.Features[i * d + j] - values[i * width + j + offset]) <= 1e-13 * Math.Max(1, Math.Abs(values[i * width + j + offset])),
                    $"{formula}: row {i}, column {names[j + offset]}: {design.Features[i * d + j]:R} vs patsy {values[i * width + j + offset]:R}");
        Assert.Equal(data.NumberArray("y"), design.Targets);
    }

    [Theory]
    [MemberData(nameof(FitCases))]
    public void ExactFitMatchesStatsmodelsToTenDigits(int index)
    {
        var (formulaText, names, coefficients) = FormulaReference.Fits[index];
        // R's spelling of a power inside I() gives patsy's name.
        var formula = Formula.Parse(formulaText.Replace("I(value ** 2)", "I(value^2)", StringComparison.Ordinal));
        var data = Read(FormulaReference.Grunfeld);
        var encoding = FormulaEncoding.Fit(formula, data);
        var design = encoding.Build(data);
        bool intercept = names[0] == "Intercept";
        Assert.Equal(names.Skip(intercept ? 1 : 0), encoding.FeatureNames);
        var dataset = new Dataset(design.Features, design.Targets!, design.Rows, design.FeatureNames.Count, 1, design.FeatureNames, design.TargetNames);
        var fit = new LinearRegressor(new LinearRegressorOptions { Method = SolverMethod.Exact, FitIntercept = encoding.HasIntercept }).Fit(dataset);
        var ours = (intercept ? new[] { fit.Model.Intercept() } : []).Concat(fit.Model.Coefficients().ToArray()).ToArray();
        double scale = coefficients.Max(Math.Abs);
        for (int j = 0; j < ours.Length; j++)
            Assert.True(Math.Abs(ours[j] - coefficients[j]) <= 1e-10 * Math.Max(Math.Abs(coefficients[j]), 1e-3 * scale),
                $"{formulaText}: {names[j]} = {ours[j]:R}, statsmodels {coefficients[j]:R}");
    }

    [Fact]
    public void PolynomialColumnsAreOrthonormalAndOrthogonalToTheConstant()
    {
        var x = Enumerable.Range(0, 30).Select(i => Math.Exp(i / 10.0)).ToArray();
        var basis = OrthogonalPolynomial.Fit(x, 4);
        var columns = basis.Evaluate(x);
        for (int a = 0; a < 4; a++)
        {
            Assert.Equal(0, columns[a].Sum(), 1e-12);
            for (int b = 0; b < 4; b++)
                Assert.Equal(a == b ? 1 : 0, columns[a].Zip(columns[b], (u, v) => u * v).Sum(), 1e-12);
        }
    }
}
