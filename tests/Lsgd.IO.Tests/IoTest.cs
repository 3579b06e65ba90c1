using Lsgd.IO;

namespace Lsgd.IO.Tests;

public class IoTest
{
    [Fact]
    public void NistNumberFormsParseInTheInvariantCulture()
    {
        using var t = new TempFolder();
        string csv = t.File("forms.csv", "y,x\n.11019,150000\n760.,83.0\n-0.358191792925910E-01,1e3\n");
        var table = CsvReader.ReadColumns(csv, ["y", "x"]);
        Assert.Equal([0.11019, 150000, 760, 83, -0.0358191792925910, 1000], table.Values);
        Assert.Equal([2, 3, 4], table.Lines);
    }

    [Fact]
    public void QuotedFieldsAndBlankLinesAreHandled()
    {
        using var t = new TempFolder();
        string csv = t.File("quoted.csv", "\"y\",\"x, scaled\",name\n1,2,\"a, b\"\n\n3,4,c\n");
        var table = CsvReader.ReadColumns(csv, ["x, scaled", "y"]);
        Assert.Equal([2.0, 1, 4, 3], table.Values);
        Assert.Equal(["y", "x, scaled"], CsvReader.NumericColumns(csv));
    }

    [Fact]
    public void ModelFileRoundTripsBitForBit()
    {
        using var t = new TempFolder();
        var layout = new Lsgd.Models.ParameterLayout(2, 2, true);
        var model = new Lsgd.Models.LinearModel(layout, [0.1, 1.0 / 3, Math.PI, -2e-300, 5e10, 7], ["x", "x^2"], ["a", "b"]);
        var file = new ModelFile(model, new Lsgd.Data.FeatureSpec(["x"], 2), new Lsgd.Data.Standardizer([1, 2], [3, 4]));
        string path = t.File("m.json");
        file.Save(path);
        var back = ModelFile.Load(path);
        Assert.Equal(model.Parameters.ToArray(), back.Model.Parameters.ToArray());
        Assert.Equal(["x", "x^2"], back.Model.FeatureNames);
        Assert.Equal(2, back.Inputs.Degree);
        Assert.Equal([3.0, 4], back.Standardization!.Scales);
        Assert.Equal([path], Directory.GetFiles(t.Path));
    }

    [Fact]
    public void AtomicWriteThatFailsKeepsTheOldFileAndLeavesNoTemporary()
    {
        using var t = new TempFolder();
        string path = t.File("model.json", "old content");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s =>
        {
            s.Write("new, half-written"u8);
            throw new InvalidOperationException("crash while writing");
        }));
        Assert.Equal("old content", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(t.Path));
    }

    [Fact]
    public void NewerModelFormatVersionIsRefusedWithAdvice()
    {
        using var t = new TempFolder();
        string path = t.File("m.json", "{\"format\":\"lsgd.linear-model\",\"version\":99}");
        var e = Assert.Throws<LsgdException>(() => ModelFile.Load(path));
        Assert.Equal($"{path} has model format version 99; this lsgd reads versions 1 to 1. Use a newer lsgd.", e.Message);
    }
}
