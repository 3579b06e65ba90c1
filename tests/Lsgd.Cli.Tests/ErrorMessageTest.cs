namespace Lsgd.Cli.Tests;

/// <summary>Every user mistake: exit code 2, one line on standard error naming what is wrong, no stack trace.</summary>
public class ErrorMessageTest
{
    private static void AssertUserError(CliRunner.Result r, string expected)
    {
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("lsgd: error: " + expected, r.Error.TrimEnd());
        Assert.DoesNotContain("   at ", r.Error);
        Assert.Equal("", r.Output);
    }

    [Fact]
    public void RaggedRowNamesFileLineAndColumn()
    {
        using var t = new TempFolder();
        string csv = t.File("ragged.csv", "y,x\n1,2\n3\n5,6\n");
        AssertUserError(CliRunner.Run("fit", csv, "--target", "y"),
            $"{csv}, line 3, column 2: the row has 1 field but the header has 2. A value is missing, or the separator is not ','.");
    }

    [Fact]
    public void MistypedFlagIsNamedAsAnUnknownOptionNotReadAsAnotherFile()
    {
        using var t = new TempFolder();
        string csv = t.File("data.csv", "y,x\n1,2\n3,4\n5,7\n");
        AssertUserError(CliRunner.Run("fit", csv, "--target", "y", "--wieghts", "w"),
            "'--wieghts' is not an option of lsgd fit (nor a file). See `lsgd fit --help` for the options.");
    }

    [Fact]
    public void NonNumericCellNamesFileLineColumnAndValue()
    {
        using var t = new TempFolder();
        string csv = t.File("text.csv", "y,x\n1,2\n3,4\n5,abc\n");
        AssertUserError(CliRunner.Run("fit", csv, "--target", "y"),
            $"{csv}, line 4, column 2 ('x'): 'abc' is not a number. Use digits with '.' as the decimal point, e.g. 3.25 or 1e-3.");
    }

    [Theory]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    public void NonFiniteCellIsRefusedByPlace(string value)
    {
        using var t = new TempFolder();
        string csv = t.File("nan.csv", $"y,x\n1,2\n{value},4\n5,6\n");
        AssertUserError(CliRunner.Run("fit", csv, "--target", "y"),
            $"{csv}, line 3, column 1 ('y'): '{value}' is not a finite number. Remove or impute that row.");
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("NA")]
    [InlineData("n/a")]
    [InlineData("null")]
    public void MissingValueTokenIsRefusedByPlaceAsAMissingValue(string value)
    {
        using var t = new TempFolder();
        string csv = t.File("nan.csv", $"y,x\n1,2\n{value},4\n5,6\n");
        AssertUserError(CliRunner.Run("fit", csv, "--target", "y"),
            $"{csv}, line 3, column 1 ('y'): '{value}' is a missing value. Fill it in, or skip rows with missing values with --missing drop.");
    }

    [Fact]
    public void EmptyCellIsRefusedByPlace()
    {
        using var t = new TempFolder();
        string csv = t.File("gap.csv", "y,x\n1,2\n3,\n5,6\n");
        AssertUserError(CliRunner.Run("fit", csv, "--target", "y"),
            $"{csv}, line 3, column 2 ('x'): the cell is empty (a missing value). Fill it in, or skip rows with missing values with --missing drop.");
    }

    [Fact]
    public void EmptyFileSaysAHeaderIsNeeded()
    {
        using var t = new TempFolder();
        string csv = t.File("empty.csv", "");
        AssertUserError(CliRunner.Run("fit", csv, "--target", "y"),
            $"{csv} is empty: a header row naming the columns is needed, then one row per observation.");
    }

    [Fact]
    public void HeaderWithoutRowsSaysRowsAreNeeded()
    {
        using var t = new TempFolder();
        string csv = t.File("header.csv", "y,x\n");
        AssertUserError(CliRunner.Run("fit", csv, "--target", "y"),
            $"{csv} has a header but no data rows: add one row per observation below the header.");
    }

    [Fact]
    public void UnknownTargetListsTheColumns()
    {
        AssertUserError(CliRunner.Run("fit", CliRunner.Nist("Norris"), "--target", "price"),
            $"{CliRunner.Nist("Norris")} has no column 'price' to use as the target. Its columns are: y, x.");
    }

    [Fact]
    public void FewerRowsThanParametersSaysHowManyAreNeeded()
    {
        using var t = new TempFolder();
        string csv = t.File("short.csv", "y,x\n1,2\n2,3\n");
        AssertUserError(CliRunner.Run("fit", csv, "--target", "y", "--degree", "2", "--method", "gd"),
            "The data has 2 rows but each output has 3 parameters (2 features and an intercept): at least 3 rows are needed. Add rows, use fewer features or a lower --degree.");
    }

    [Fact]
    public void MissingFileSaysSo()
    {
        var r = CliRunner.Run("fit", "no-such-file.csv", "--target", "y");
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("lsgd: error: no-such-file.csv does not exist.", r.Error);
    }

    [Fact]
    public void InvalidLearningRateNamesTheFlag()
    {
        AssertUserError(CliRunner.Run("fit", CliRunner.Nist("Norris"), "--target", "y", "--learning-rate", "-1"),
            "--learning-rate -1 is not allowed: it must be a finite number > 0. Try 0.01, or a value below 2/L where L is the largest eigenvalue of the Hessian, or leave it unset for automatic.");
    }

    [Fact]
    public void UnknownMethodListsTheChoicesOnOneLine()
    {
        AssertUserError(CliRunner.Run("fit", CliRunner.Nist("Norris"), "--target", "y", "--method", "newton"),
            "Argument 'newton' not recognized. Must be one of: 'gd' 'cg' 'exact' 'auto' See 'lsgd fit --help'.");
    }

    [Fact]
    public void MissingTargetOptionIsAUsageError()
    {
        AssertUserError(CliRunner.Run("fit", CliRunner.Nist("Norris")), "Option '--target' is required. See 'lsgd fit --help'.");
    }

    [Fact]
    public void DegreeWithSeveralFeaturesExplainsWhatToPass()
    {
        AssertUserError(CliRunner.Run("fit", CliRunner.Nist("Longley"), "--target", "y", "--degree", "3"),
            "--degree 3 fits a polynomial in one column, but 6 feature columns were given (x1, x2, x3, x4, x5, x6). Pass exactly one with --features.");
    }

    [Fact]
    public void ModelFileThatIsNotAModelIsRefused()
    {
        using var t = new TempFolder();
        string model = t.File("model.json", "{\"hello\": 1}");
        AssertUserError(CliRunner.Run("predict", model, CliRunner.Nist("Norris")),
            $"{model} is not an Lsgd model file (its \"format\" is not \"lsgd.linear-model\").");
    }

    [Fact]
    public void FailedFitLeavesNoModelFileBehind()
    {
        using var t = new TempFolder();
        string csv = t.File("bad.csv", "y,x\n1,2\n3,oops\n");
        string model = Path.Combine(t.Path, "model.json");
        var r = CliRunner.Run("fit", csv, "--target", "y", "--output", model);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal([csv], Directory.GetFiles(t.Path));
    }

    [Fact]
    public void ModelIntoMissingFolderIsRefusedAndNothingIsWritten()
    {
        var r = CliRunner.Run("fit", CliRunner.Nist("Norris"), "--target", "y", "--output", "/nonexistent-lsgd/m.json");
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("lsgd: error: Cannot write '/nonexistent-lsgd/m.json': the folder '/nonexistent-lsgd' does not exist.", r.Error);
    }
}
