using System.Security.Cryptography;
using System.Text;
using Lsgd.IO;

namespace Lsgd.Cli.Tests;

/// <summary>
/// The promise for every user mistake, checked case by case: malformed files and impossible flags (generated in a
/// temporary folder) run through <see cref="Cli.Run"/> in-process give exit code 2, exactly one
/// <c>lsgd: error:</c> line on standard error that names the file, line and column where there is one, no stack
/// trace, and no file written, changed or left half-written in the folder.
/// </summary>
public sealed class ErrorCorpusTest
{
    /// <summary>A case: builds its files in the folder and returns the arguments; the error line must contain every fragment.</summary>
    private sealed record Case(Func<TempFolder, string[]> Arrange, params string[] Fragments);

    private const string Good = "x,y\n1,3\n2,5\n3,7\n4,9\n5,11\n";

    private static string Csv(TempFolder t, string content, string name = "data.csv") => t.File(name, content);

    private static string Bytes(TempFolder t, string name, byte[] bytes)
    {
        string path = t.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>A .npy file with the given header dictionary and payload.</summary>
    internal static byte[] Npy(string dict, byte[] payload)
    {
        string header = dict;
        int total = 10 + header.Length + 1;
        header += new string(' ', (64 - total % 64) % 64) + "\n";
        var bytes = new List<byte> { 0x93 };
        bytes.AddRange("NUMPY"u8.ToArray());
        bytes.AddRange([1, 0, (byte)(header.Length & 0xFF), (byte)(header.Length >> 8)]);
        bytes.AddRange(Encoding.ASCII.GetBytes(header));
        bytes.AddRange(payload);
        return [.. bytes];
    }

    private static byte[] Doubles(int count) => [.. Enumerable.Range(0, count).SelectMany(i => BitConverter.GetBytes(i + 0.5))];

    private static string Model(TempFolder t, string json) => t.File("model.json", json);

    private static string ValidModel(TempFolder t)
    {
        string csv = Csv(t, Good, "train.csv");
        string model = t.File("model.json");
        var r = CliRunner.Run("fit", csv, "--target", "y", "--method", "exact", "--output", model);
        Assert.Equal(0, r.ExitCode);
        return model;
    }

    private static string Parquet(TempFolder t, Func<byte[], byte[]> damage)
    {
        string path = ParquetSample.Write(t, [40, 40]).GetAwaiter().GetResult();
        File.WriteAllBytes(path, damage(File.ReadAllBytes(path)));
        return path;
    }

    /// <summary>Every byte between the leading magic and the footer XOR-ed with a seeded pattern.</summary>
    private static byte[] Scramble(byte[] bytes)
    {
        var rng = new Random(5);
        var copy = (byte[])bytes.Clone();
        for (int i = 4; i < copy.Length - 8; i++) copy[i] ^= (byte)rng.Next(1, 256);
        return copy;
    }

    /// <summary>The data pages (the first half after the magic) overwritten, the footer intact.</summary>
    private static byte[] DamagePages(byte[] bytes)
    {
        var copy = (byte[])bytes.Clone();
        for (int i = 40; i < copy.Length / 2; i++) copy[i] = (byte)(i * 37);
        return copy;
    }

    private static readonly Dictionary<string, Case> Cases = new()
    {
        // Files that are not there or not files.
        ["missing file"] = new(t => ["fit", Path.Combine(t.Path, "nope.csv"), "--target", "y"], "nope.csv", "does not exist"),
        ["folder as data file"] = new(t => ["fit", Directory.CreateDirectory(Path.Combine(t.Path, "dir.csv")).FullName, "--target", "y"], "dir.csv", "folder"),
        ["empty file"] = new(t => ["fit", Csv(t, ""), "--target", "y"], "data.csv", "empty"),
        ["header only"] = new(t => ["fit", Csv(t, "x,y\n"), "--target", "y"], "data.csv", "no data rows"),
        ["BOM and header only"] = new(t => ["fit", Csv(t, "\uFEFFx,y\n"), "--target", "y"], "data.csv", "no data rows"),
        ["blank lines only"] = new(t => ["fit", Csv(t, "x,y\n\n\n"), "--target", "y"], "data.csv", "no data rows"),
        // Cells and rows.
        ["short row"] = new(t => ["fit", Csv(t, "x,y\n1,3\n2\n3,7\n"), "--target", "y"], "data.csv", "line 3", "column 2"),
        ["long row"] = new(t => ["fit", Csv(t, "x,y\n1,3\n2,5,9\n3,7\n"), "--target", "y"], "data.csv", "line 3", "column 3"),
        ["text cell in row 2"] = new(t => ["fit", Csv(t, "x,y\n1,3\nabc,5\n3,7\n"), "--target", "y"], "data.csv", "line 3", "column 1", "'abc'"),
        ["text cell in the first data row, features named"] = new(t => ["fit", Csv(t, "a,b,y\nabc,1,5\n1,2,7\n2,3,9\n4,1,8\n"), "--target", "y", "--features", "a,b"], "line 2", "column 1", "'abc'"),
        ["NA in the first data row (defect 2)"] = new(t => ["fit", Csv(t, "a,b,y\nNA,1,5\n1,2,7\n2,3,9\n4,1,8\n"), "--target", "y"], "data.csv", "line 2", "column 1 ('a')", "missing value", "--missing drop"),
        ["NA in the first data row, pca (defect 2)"] = new(t => ["pca", Csv(t, "a,b,c\nNA,1,5\n1,2,7\n2,3,9\n4,1,8\n")], "data.csv", "line 2", "column 1 ('a')", "missing value"),
        ["values near 1e300"] = new(t => ["fit", Csv(t, "x,y\n1e300,1\n2e300,3\n3e300,2\n4e300,5\n"), "--target", "y", "--method", "exact"], "data.csv", "'x'", "overflow", "Rescale"),
        ["values near 1e300, gradient descent"] = new(t => ["fit", Csv(t, "x,y\n1,1e300\n2,3e300\n3,2e300\n4,5e300\n"), "--target", "y"], "data.csv", "'y'", "overflow"),
        ["empty cell"] = new(t => ["fit", Csv(t, "x,y\n1,3\n,5\n3,7\n"), "--target", "y"], "line 3", "column 1", "empty"),
        ["NaN cell"] = new(t => ["fit", Csv(t, "x,y\n1,3\n2,NaN\n3,7\n"), "--target", "y"], "line 3", "column 2", "missing value"),
        ["Infinity cell"] = new(t => ["fit", Csv(t, "x,y\n1,3\n2,Infinity\n3,7\n"), "--target", "y"], "line 3", "column 2", "not a finite number"),
        ["number too large for a double"] = new(t => ["fit", Csv(t, "x,y\n1,3\n2,1e400\n3,7\n"), "--target", "y"], "line 3", "column 2", "not a finite number"),
        ["every row dropped as missing"] = new(t => ["fit", Csv(t, "x,y\nNA,3\n2,\n"), "--target", "y", "--features", "x", "--missing", "drop"], "data.csv", "no data rows"),
        ["decimal comma without the flag"] = new(t => ["fit", Csv(t, "x;y\n1,5;3\n2,5;5\n3,5;7\n"), "--target", "y"], "line 2", "column 1", "--decimal-comma"),
        ["decimal comma with a thousands point"] = new(t => ["fit", Csv(t, "x;y\n1.000,5;3\n2,5;5\n3,5;7\n"), "--target", "y", "--decimal-comma"], "line 2", "column 1", "'1.000,5'"),
        ["streamed bad cell"] = new(t => ["fit", Csv(t, "x,y\n1,3\n2,5\n3,seven\n"), "--target", "y", "--engine", "stream"], "line 4", "column 2", "'seven'"),
        ["streamed NA in the first row"] = new(t => ["fit", Csv(t, "x,y\nNA,3\n2,5\n3,7\n"), "--target", "y", "--engine", "stream"], "line 2", "column 1", "missing value"),
        // Columns.
        ["unknown target"] = new(t => ["fit", Csv(t, Good), "--target", "z"], "data.csv", "no column 'z'", "x, y"),
        ["unknown feature"] = new(t => ["fit", Csv(t, Good), "--target", "y", "--features", "w"], "no column 'w'"),
        ["target used as a feature"] = new(t => ["fit", Csv(t, Good), "--target", "y", "--features", "x,y"], "both a target and a feature"),
        ["target named twice"] = new(t => ["fit", Csv(t, Good), "--target", "y,y"], "named twice"),
        ["duplicate column names"] = new(t => ["fit", Csv(t, "x,x,y\n1,2,3\n2,3,4\n3,4,6\n"), "--target", "y"], "data.csv", "names a column twice"),
        ["duplicate target column name"] = new(t => ["fit", Csv(t, "x,y,y\n1,2,3\n2,3,4\n3,4,6\n"), "--target", "y"], "data.csv", "'y'"),
        ["no numeric feature"] = new(t => ["fit", Csv(t, "name,y\na,1\nb,2\n"), "--target", "y"], "No feature columns"),
        ["huge header"] = new(t => ["fit", Csv(t, string.Join(",", Enumerable.Range(0, 100_000).Select(i => $"column{i}")) + "\n" + string.Join(",", Enumerable.Repeat("1", 100_000)) + "\n"), "--target", "y"], "no column 'y'", "more"),
        ["binary file"] = new(t => ["fit", Bytes(t, "data.csv", [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 7919 % 256))]), "--target", "y"], "data.csv", "binary file?"),
        ["random bytes without NUL"] = new(t => ["fit", Bytes(t, "data.csv", [.. Enumerable.Range(0, 4096).Select(i => (byte)(128 + i * 7919 % 120))]), "--target", "y"], "data.csv", "binary file?"),
        ["UTF-16 without a byte-order mark"] = new(t => ["fit", Bytes(t, "data.csv", Encoding.Unicode.GetBytes(Good)), "--target", "y"], "data.csv", "UTF-16"),
        // Flags.
        ["unknown flag"] = new(t => ["fit", Csv(t, Good), "--target", "y", "--bogus"], "--bogus"),
        ["unknown command (frobnicate)"] = new(_ => ["frobnicate"], "'frobnicate' is not an lsgd command", "fit"),
        ["separator of several characters"] = new(t => ["fit", Csv(t, Good), "--target", "y", "--separator", "abc"], "--separator abc"),
        ["decimal comma with a comma separator"] = new(t => ["fit", Csv(t, Good), "--target", "y", "--separator", ",", "--decimal-comma"], "--decimal-comma"),
        ["unknown missing policy"] = new(t => ["fit", Csv(t, Good), "--target", "y", "--missing", "impute"], "impute"),
        ["degree 0"] = new(t => ["fit", Csv(t, Good), "--target", "y", "--degree", "0"], "--degree 0"),
        ["degree 100000000 (defect 3)"] = new(t => ["fit", Csv(t, Good), "--target", "y", "--degree", "100000000"], "--degree 100000000", "at most 1000"),
        ["degree 2000000000 (defect 3)"] = new(t => ["fit", Csv(t, Good), "--target", "y", "--degree", "2000000000"], "--degree 2000000000"),
        ["degree beyond int"] = new(t => ["fit", Csv(t, Good), "--target", "y", "--degree", "99999999999"], "--degree"),
        ["degree with two features"] = new(t => ["fit", Csv(t, "a,b,y\n1,2,3\n2,3,4\n3,5,6\n"), "--target", "y", "--degree", "2"], "--degree 2", "one column"),
        ["batch size 0 (defect 5)"] = new(t => ["fit", Csv(t, Good), "--target", "y", "--batch-size", "0"], "--batch-size 0"),
        ["negative warm-up"] = new(t => ["fit", Csv(t, Good), "--target", "y", "--warmup", "-1"], "--warmup -1"),
        ["negative learning rate"] = new(t => ["fit", Csv(t, Good), "--target", "y", "--learning-rate", "-1"], "--learning-rate -1"),
        ["memory budget not a size"] = new(t => ["fit", Csv(t, Good), "--target", "y", "--memory", "lots"], "lots"),
        ["repeat 0"] = new(t => ["fit", Csv(t, Good), "--target", "y", "--repeat", "0"], "--repeat 0"),
        // Outputs.
        ["output in a missing folder"] = new(t => ["fit", Csv(t, Good), "--target", "y", "--output", Path.Combine(t.Path, "no", "m.json")], "does not exist"),
        ["output is a folder"] = new(t => ["fit", Csv(t, Good), "--target", "y", "--output", t.Path], "folder"),
        ["output is the input"] = new(t => ["fit", Csv(t, Good), "--target", "y", "--output", Path.Combine(t.Path, "data.csv")], "also an input"),
        ["output in /proc (defect 9)"] = new(t => ["fit", Csv(t, Good), "--target", "y", "--output", "/proc/m.json"], "/proc/m.json"),
        ["predictions to a full disk (defect 9, 10)"] = new(t => ["predict", ValidModel(t), Csv(t, Good), "--out", "/dev/full"], "/dev/full", "disk is full"),
        ["predictions over the model"] = new(t => ["predict", ValidModel(t), Csv(t, Good), "--out", Path.Combine(t.Path, "model.json")], "also an input"),
        // Model files.
        ["missing model"] = new(t => ["predict", Path.Combine(t.Path, "none.json"), Csv(t, Good)], "none.json", "does not exist"),
        ["model that is not JSON"] = new(t => ["predict", Model(t, "{\"format\": "), Csv(t, Good)], "model.json", "not valid JSON"),
        ["model of another format"] = new(t => ["predict", Model(t, "{\"format\": \"other\"}"), Csv(t, Good)], "model.json", "not an Lsgd model"),
        ["model with degree -1"] = new(t => ["predict", Model(t, File.ReadAllText(ValidModel(t)).Replace("\"degree\": 1", "\"degree\": -1")), Csv(t, Good)], "model.json", "\"degree\" is -1"),
        ["model with a field of the wrong type"] = new(t => ["predict", Model(t, File.ReadAllText(ValidModel(t)).Replace("\"degree\": 1", "\"degree\": \"one\"")), Csv(t, Good)], "model.json", "wrong type"),
        ["model with a degree beyond int"] = new(t => ["predict", Model(t, File.ReadAllText(ValidModel(t)).Replace("\"degree\": 1", "\"degree\": 1e30")), Csv(t, Good)], "model.json"),
        ["model truncated"] = new(t => ["predict", Model(t, File.ReadAllText(ValidModel(t))[..60]), Csv(t, Good)], "model.json", "not valid JSON"),
        ["model folder"] = new(t => ["predict", t.Path, Csv(t, Good)], "folder"),
        ["predict --missing drop"] = new(t => ["predict", ValidModel(t), Csv(t, Good), "--missing", "drop"], "--missing"),
        ["predict data with a missing value"] = new(t => ["predict", ValidModel(t), Csv(t, "x\n1\nNA\n", "new.csv")], "new.csv", "line 3", "column 1", "missing value"),
        ["data without the model's column"] = new(t => ["predict", ValidModel(t), Csv(t, "z\n1\n", "other.csv")], "other.csv", "no column 'x'"),
        // NumPy arrays.
        ["npy truncated"] = new(t => ["fit", "--features", Bytes(t, "x.npy", Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (5, 2), }", Doubles(7))), "--targets", Bytes(t, "y.npy", Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (5,), }", Doubles(5)))], "x.npy"),
        ["npy in Fortran order"] = new(t => ["fit", "--features", Bytes(t, "x.npy", Npy("{'descr': '<f8', 'fortran_order': True, 'shape': (5, 2), }", Doubles(10))), "--targets", Bytes(t, "y.npy", Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (5,), }", Doubles(5)))], "x.npy", "Fortran"),
        ["npy of strings"] = new(t => ["fit", "--features", Bytes(t, "x.npy", Npy("{'descr': '<U4', 'fortran_order': False, 'shape': (5, 1), }", new byte[80])), "--targets", Bytes(t, "y.npy", Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (5,), }", Doubles(5)))], "x.npy"),
        ["npy whose header claims a huge shape"] = new(t => ["fit", "--features", Bytes(t, "x.npy", Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (4000000000000, 2), }", Doubles(10))), "--targets", Bytes(t, "y.npy", Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (5,), }", Doubles(5)))], "x.npy"),
        ["npy with a negative shape"] = new(t => ["fit", "--features", Bytes(t, "x.npy", Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (-5, 2), }", Doubles(10))), "--targets", Bytes(t, "y.npy", Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (5,), }", Doubles(5)))], "x.npy"),
        ["npy header that is not a dictionary"] = new(t => ["fit", "--features", Bytes(t, "x.npy", Npy("hello", Doubles(10))), "--targets", Bytes(t, "y.npy", Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (5,), }", Doubles(5)))], "x.npy"),
        ["text file named .npy"] = new(t => ["fit", "--features", t.File("x.npy", Good), "--targets", t.File("y.npy", Good)], "x.npy"),
        ["npy rows that do not match"] = new(t => ["fit", "--features", Bytes(t, "x.npy", Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (5, 2), }", Doubles(10))), "--targets", Bytes(t, "y.npy", Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }", Doubles(4)))], "y.npy"),
        ["npy streamed and truncated"] = new(t => ["fit", "--engine", "stream", "--features", Bytes(t, "x.npy", Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (5, 2), }", Doubles(7))), "--targets", Bytes(t, "y.npy", Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (5,), }", Doubles(5)))], "x.npy"),
        // Parquet (defect 4).
        ["Parquet scrambled"] = new(t => ["fit", Parquet(t, Scramble), "--target", "y", "--features", "b,c"], "data.parquet"),
        ["Parquet scrambled, streamed"] = new(t => ["fit", Parquet(t, Scramble), "--target", "y", "--features", "b,c", "--engine", "stream"], "data.parquet"),
        ["Parquet data pages damaged"] = new(t => ["fit", Parquet(t, DamagePages), "--target", "y", "--features", "b,c"], "data.parquet"),
        ["Parquet data pages damaged, streamed"] = new(t => ["fit", Parquet(t, DamagePages), "--target", "y", "--features", "b,c", "--engine", "stream"], "data.parquet"),
        ["Parquet truncated"] = new(t => ["fit", Parquet(t, b => b[..(b.Length / 2)]), "--target", "y"], "data.parquet"),
        ["text file named .parquet"] = new(t => ["fit", t.File("data.parquet", Good), "--target", "y"], "data.parquet"),
        ["Parquet text column as a feature"] = new(t => ["fit", Parquet(t, b => b), "--target", "y", "--features", "name"], "data.parquet", "name"),
        // curve (defect 7).
        ["curve model without parameters (defect 7)"] = new(t => ["curve", Csv(t, Good), "--x", "x", "--y", "y", "--model", "exp(x)", "--init", "a=1"], "no parameters"),
        ["curve --init naming the variable (defect 7)"] = new(t => ["curve", Csv(t, Good), "--x", "x", "--y", "y", "--model", "a*exp(x)", "--init", "x=1"], "'x'", "variable"),
        ["curve --init not a number"] = new(t => ["curve", Csv(t, Good), "--x", "x", "--y", "y", "--model", "a*exp(x)", "--init", "a=abc"], "'abc'"),
        ["curve model that does not parse"] = new(t => ["curve", Csv(t, Good), "--x", "x", "--y", "y", "--model", "a*exp(x", "--init", "a=1"], "a*exp(x"),
        ["curve huge degree"] = new(t => ["curve", Csv(t, Good), "--x", "x", "--y", "y", "--degree", "29000"], "--degree 29000"),
        ["curve degree above the points"] = new(t => ["curve", Csv(t, Good), "--x", "x", "--y", "y", "--degree", "7"], "degree 7", "5 points"),
        // classify (defect 6).
        ["classify 10 000 numeric labels (defect 6)"] = new(t => ["classify", Csv(t, "x,label\n" + string.Concat(Enumerable.Range(0, 20_000).Select(i => $"{i % 97},{i % 10_000}\n"))), "--target", "label"], "10000 different values", "at most 1000 classes"),
        ["classify 10 000 text labels (defect 6)"] = new(t => ["classify", Csv(t, "x,label\n" + string.Concat(Enumerable.Range(0, 20_000).Select(i => $"{i % 97},c{i % 10_000}\n"))), "--target", "label"], "10000 different values", "at most 1000 classes"),
        ["classify empty label"] = new(t => ["classify", Csv(t, "x,label\n1,a\n2,\n3,b\n"), "--target", "label"], "line 3", "column 2", "label is missing"),
        ["classify unknown label column"] = new(t => ["classify", Csv(t, Good), "--target", "label"], "no column 'label'"),
        // bench and compare (defect 8).
        ["bench --rows 100000000 (defect 8)"] = new(_ => ["bench", "--rows", "100000000"], "--rows 100000000"),
        ["compare --rows 100000000 (defect 8)"] = new(_ => ["compare", "--rows", "100000000"], "--rows 100000000"),
        ["compare --features 0"] = new(_ => ["compare", "--features", "0"], "--features 0"),
    };

    /// <summary>The names of the cases, for the theory.</summary>
    public static TheoryData<string> Names() => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public void EveryMalformedInputIsOneErrorLineWithExitCodeTwoAndNothingWritten(string name)
    {
        using var t = new TempFolder();
        var args = Cases[name].Arrange(t);
        var before = Snapshot(t.Path);
        var r = CliRunner.Run(args);
        AssertOneLineError(r, Cases[name].Fragments);
        Assert.Equal(before, Snapshot(t.Path));   // nothing written, changed or left half-written
    }

    [Fact]
    public void TheCorpusHoldsEveryCaseOfTheIssue() => Assert.True(Cases.Count >= 80, $"{Cases.Count} cases");

    /// <summary>Exit code 2, exactly one line on standard error, starting "lsgd: error: ", with every fragment and no stack trace.</summary>
    internal static void AssertOneLineError(CliRunner.Result r, params string[] fragments)
    {
        Assert.True(r.ExitCode == Cli.UserError, $"exit {r.ExitCode}, stderr: {r.Error}");
        var lines = r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"{lines.Length} lines on stderr: {r.Error}");
        string line = lines[0].TrimEnd('\r');
        Assert.StartsWith("lsgd: error: ", line);
        Assert.DoesNotContain("   at ", line);
        Assert.DoesNotContain("Exception", line);
        Assert.True(line.Length <= Cli.MaxErrorLength + 20, $"{line.Length} characters");
        foreach (var fragment in fragments)
            Assert.Contains(fragment, line);
    }

    /// <summary>Every file under <paramref name="folder"/> with a hash of its content.</summary>
    internal static string Snapshot(string folder) =>
        string.Join("\n", Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(f => $"{Path.GetRelativePath(folder, f)} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))}"));
}
