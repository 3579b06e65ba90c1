using Lsgd.Formulas;
using Lsgd.IO;

namespace Lsgd.IO.Tests;

public class FormulaDatasetTest
{
    private const string Csv = "y,x,region,size\n1.5,1,north,3\n2.5,2,south,1\n3.5,4, east ,2\n4.0,8,north,3\n6.0,16,south,1\n";

    [Fact]
    public void TextColumnsAreCategoriesAndNumbersStayNumbers()
    {
        using var t = new TempFolder();
        string path = t.File("d.csv", Csv);
        var (data, encoding) = FormulaDataset.Load(path, Formula.Parse("y ~ region + C(size) + log(x)"));
        Assert.Equal(["region[T.north]", "region[T.south]", "C(size)[T.2]", "C(size)[T.3]", "log(x)"], data.FeatureNames);
        Assert.Equal(["region"], encoding.TextColumns);
        Assert.Equal(["east", "north", "south"], encoding.Levels["region"]);   // cells are trimmed
        Assert.Equal([1.0, 0, 0, 1, 0], data.X.ToArray()[..5]);
        Assert.Equal(Math.Log(16), data.X[4 * 5 + 4], 15);
        Assert.Equal([1.5, 2.5, 3.5, 4.0, 6.0], data.Y.ToArray());
    }

    [Fact]
    public void ATextCellInANumericColumnNamesItsLineAndColumn()
    {
        using var t = new TempFolder();
        string path = t.File("d.csv", "y,x\n1,2\n2,oops\n");
        var e = Assert.Throws<CsvFormatException>(() => FormulaDataset.Load(path, Formula.Parse("y ~ x")));
        Assert.Equal(3, e.Line);
        Assert.Equal(2, e.Column);
    }

    [Fact]
    public void AnUnknownColumnListsTheFilesColumns()
    {
        using var t = new TempFolder();
        string path = t.File("d.csv", Csv);
        var e = Assert.Throws<FormulaException>(() => FormulaDataset.Load(path, Formula.Parse("y ~ x + Region")));
        Assert.Equal(9, e.Position);
        Assert.Contains($"{path} has no column 'Region'. Its columns are: 'y', 'x', 'region', 'size'.", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ModelFileKeepsTheEncodingAndPredictsNewRowsAsFitted()
    {
        using var t = new TempFolder();
        string path = t.File("d.csv", Csv);
        var (data, encoding) = FormulaDataset.Load(path, Formula.Parse("y ~ poly(x, 2) + region:size"));
        var layout = new Lsgd.Models.ParameterLayout(data.Features, 1, true);
        var theta = Enumerable.Range(1, layout.Count).Select(i => i / 7.0).ToArray();
        var model = new Lsgd.Models.LinearModel(layout, theta, data.FeatureNames, data.TargetNames);
        string file = t.File("m.json");
        new ModelFile(model, new Lsgd.Data.FeatureSpec(data.FeatureNames)) { Formula = encoding }.Save(file);
        var json = File.ReadAllText(file);
        Assert.Contains("\"text\": \"y ~ poly(x, 2) + region:size\"", json, StringComparison.Ordinal);
        Assert.Contains("\"inputs\": [\n    \"x\",\n    \"region\",\n    \"size\"\n  ]", json.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        var back = ModelFile.Load(file);
        Assert.NotNull(back.Formula);
        Assert.Equal(encoding.FeatureNames, back.Formula!.FeatureNames);
        Assert.Equal(encoding.Polynomials["poly(x, 2)"].Alpha, back.Formula.Polynomials["poly(x, 2)"].Alpha);
        // Predicting reads only the inputs, and builds what fitting built (poly with the saved coefficients).
        string rows = t.File("new.csv", "size,region,x\n3,north,1\n1,south,16\n");
        var (x, n) = FormulaDataset.Features(back.Formula, rows);
        Assert.Equal(2, n);
        int d = data.Features;
        Assert.Equal(data.X.ToArray()[..d], x[..d]);
        Assert.Equal(data.X.ToArray()[(4 * d)..(5 * d)], x[d..]);
    }

    [Fact]
    public void AModelFileWithoutAFormulaStillReads()
    {
        using var t = new TempFolder();
        string path = t.File("old.json", """
            { "format": "lsgd.linear-model", "version": 1, "inputs": ["x"], "degree": 1, "features": ["x"], "targets": ["y"],
              "intercept": true, "coefficients": [[2.0]], "intercepts": [1.0], "standardization": null, "training": null }
            """);
        var file = ModelFile.Load(path);
        Assert.Null(file.Formula);
        Assert.Equal(["x"], file.Inputs.Inputs);
    }

    [Fact]
    public void AnEditedFormulaThatNoLongerMatchesTheFeaturesIsRefused()
    {
        using var t = new TempFolder();
        string path = t.File("m.json", """
            { "format": "lsgd.linear-model", "version": 1, "inputs": ["x"], "degree": 1, "features": ["x"], "targets": ["y"],
              "intercept": true, "coefficients": [[2.0]], "intercepts": [1.0], "standardization": null, "training": null,
              "formula": { "text": "y ~ x + z", "text_columns": [], "levels": {}, "poly": {} } }
            """);
        var e = Assert.Throws<LsgdException>(() => ModelFile.Load(path));
        Assert.Contains("is inconsistent: its formula gives features x, z", e.Message, StringComparison.Ordinal);
    }
}
