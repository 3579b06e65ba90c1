using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Xunit.Abstractions;

namespace Lsgd.Cli.Tests;

/// <summary>
/// The error promise as a property: valid files mutated at random (bytes, cells, rows) and run through the CLI
/// in-process either succeed (exit 0, one JSON document, rows no more than the file has) or fail with exit 2 and
/// one <c>lsgd: error:</c> line — never exit 1 (an unhandled exception), a hang, a large allocation, or a file
/// written. Seeds are fixed, so every run checks the same cases; the counts are printed.
/// </summary>
public sealed class FuzzTest(ITestOutputHelper output)
{
    /// <summary>A mutation: what to do, where (taken modulo the file's length or line count), and with what.</summary>
    public sealed record Mutation(int Kind, int At, int Value, string Token)
    {
        public override string ToString() => $"({Kind}, {At}, {Value}, {JsonSerializer.Serialize(Token)})";
    }

    private static readonly string[] Tokens =
    [
        "", " ", "NA", "nan", "NaN", "N/A", "null", "Infinity", "-inf", "1e400", "1e-400", "1e308", "-0", "abc", "\"", "\"1\"",
        "1,5", ",", ";", "\t", "\n", "\r\n", "\r", "\0", "\uFEFF", "-", "+", ".", "1e", "0x10", "1_000", "١٢", "x", "y",
        "label", "a", "9999999999999999999999", new string('7', 300), "1.5", "2", "\u00e9", "\uD83D\uDE00",
    ];

    /// <summary>Cell and row mutations (0-4) and byte mutations (5-8).</summary>
    private const int Kinds = 9;

    private static readonly Gen<Mutation> AnyMutation =
        from kind in Gen.Choose(0, Kinds - 1)
        from at in Gen.Choose(0, 1 << 20)
        from value in Gen.Choose(0, 255)
        from token in Gen.Elements(Tokens)
        select new Mutation(kind, at, value, token);

    private static readonly Gen<Mutation> ByteMutation =
        from kind in Gen.Choose(5, Kinds - 1)
        from at in Gen.Choose(0, 1 << 20)
        from value in Gen.Choose(0, 255)
        select new Mutation(kind, at, value, "");

    /// <summary>Valid CSV files the mutations start from.</summary>
    private static readonly string[] Seeds =
    [
        "x,y,z,label\n1,3,1,a\n2,5,4,a\n3,7,9,b\n4,9,16,b\n5,11,25,b\n6,13,36,a\n",
        "label,z,y,x\n\"a\",0.5,1.25,-1\nb,1.5,2.5,0\n\"a\",2,3.75,1e-1\nb,3.5,5,2\nc,4,6.5,3\n",
        "\uFEFFx,y,z,label\n0.1,1,2,p\n0.2,2,1,q\n\n0.3,2.5,0,p\n0.4,4,-1,q\n",
    ];

    /// <summary>The CLI runs the property drives, given the data file and the model file.</summary>
    private static readonly Func<string, string, string[]>[] Commands =
    [
        (data, _) => ["fit", data, "--target", "y", "--method", "exact", "--json"],
        (data, _) => ["fit", data, "--target", "y", "--engine", "stream", "--method", "exact", "--json"],
        (data, _) => ["fit", data, "--target", "y", "--missing", "drop", "--method", "exact", "--json"],
        (data, _) => ["fit", data, "--target", "y", "--features", "x", "--degree", "2", "--method", "exact", "--json"],
        (data, _) => ["fit", data, "--target", "y", "--method", "gd", "--max-iterations", "50", "--json"],
        (data, _) => ["fit", data, "--formula", "y ~ x * z + label + I(x^2)", "--missing", "drop", "--method", "exact", "--json"],
        (data, _) => ["pca", data, "--features", "x,z", "--max-iterations", "50", "--json"],
        (data, _) => ["classify", data, "--target", "label", "--method", "exact", "--json"],
        (data, _) => ["curve", data, "--x", "x", "--y", "y", "--degree", "1", "--json"],
        (data, model) => ["predict", model, data, "--json"],
    ];

    private static readonly Lazy<string> ModelText = new(() =>
    {
        using var t = new TempFolder();
        string csv = t.File("train.csv", Seeds[0]);
        string model = t.File("m.json");
        Assert.Equal(0, CliRunner.Run("fit", csv, "--target", "y", "--features", "x,z", "--method", "exact", "--output", model).ExitCode);
        return File.ReadAllText(model);
    });

    /// <summary>Mutated CSV cases: about 2 s of runs on one core (LSGD_FUZZ_SCALE=10 runs ten times as many, for a longer hunt).</summary>
    private static readonly int Cases = 400 * Scale;

    /// <summary>Mutated .npy, model and Parquet cases: about 1.5 s of runs on one core.</summary>
    private static readonly int BinaryCases = 300 * Scale;

    private static int Scale => int.TryParse(Environment.GetEnvironmentVariable("LSGD_FUZZ_SCALE"), out int s) && s > 0 ? s : 1;

    /// <summary>The replay seed: fixed, unless LSGD_FUZZ_SEED gives another.</summary>
    private static ulong Seed(ulong fixedSeed) =>
        ulong.TryParse(Environment.GetEnvironmentVariable("LSGD_FUZZ_SEED"), out ulong s) ? s + fixedSeed : fixedSeed;

    /// <summary>Most bytes one case may allocate on the test's thread: the files are a few hundred bytes.</summary>
    private const long AllocationBound = 256L << 20;

    [Fact]
    public void MutatedCsvFilesSucceedOrFailWithOneErrorLine()
    {
        // One folder for every case (creating and deleting one per case costs more than the runs).
        using var t = new TempFolder();
        int runs = 0, ok = 0, errors = 0;
        var cases =
            from seed in Gen.Choose(0, Seeds.Length - 1)
            from command in Gen.Choose(0, Commands.Length - 1)
            from count in Gen.Choose(1, 4)
            from mutations in Gen.ListOf(AnyMutation, count)
            select (seed, command, mutations: mutations.ToArray());
        var property = Prop.ForAll(cases.ToArbitrary(), c =>
        {
            byte[] bytes = Encoding.UTF8.GetBytes(Seeds[c.seed]);
            foreach (var m in c.mutations) bytes = Apply(bytes, m);
            string data = t.File("data.csv");
            File.WriteAllBytes(data, bytes);
            string model = t.File("model.json", ModelText.Value);
            var r = Run(t, Commands[c.command](data, model), bytes);
            runs++;
            if (r.ExitCode == 0) ok++; else errors++;
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(Cases).WithReplay(Replay(Seed(11))), property);
        output.WriteLine($"{runs} mutated CSV cases: {ok} succeeded, {errors} refused with one error line.");
        Assert.Equal(Cases, runs);
        Assert.True(ok > 30 && errors > 30, $"{ok} succeeded, {errors} refused: the mutations should exercise both outcomes");
    }

    [Fact]
    public async Task MutatedNpyModelAndParquetFilesSucceedOrFailWithOneErrorLine()
    {
        using var seeds = new TempFolder();
        string parquetSeed = await ParquetSample.Write(seeds, [6, 4]);
        var files = new (string Name, byte[] Bytes, Func<string, string, string[]> Command)[]
        {
            ("x.npy", ErrorCorpusTest.Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (5, 2), }", [.. Enumerable.Range(0, 10).SelectMany(i => BitConverter.GetBytes(i * 0.5 + i % 3))]),
                (file, folder) => ["fit", "--features", file, "--targets", Path.Combine(folder, "y.npy"), "--method", "exact", "--json"]),
            ("y.npy", ErrorCorpusTest.Npy("{'descr': '<f4', 'fortran_order': False, 'shape': (5,), }", [.. Enumerable.Range(0, 5).SelectMany(i => BitConverter.GetBytes(i * 2f + 1))]),
                (file, folder) => ["fit", "--features", Path.Combine(folder, "x.npy"), "--targets", file, "--engine", "stream", "--method", "exact", "--json"]),
            ("model.json", Encoding.UTF8.GetBytes(ModelText.Value),
                (file, folder) => ["predict", file, Path.Combine(folder, "data.csv"), "--json"]),
            ("data.parquet", File.ReadAllBytes(parquetSeed),
                (file, _) => ["fit", file, "--target", "y", "--features", "b,c", "--method", "exact", "--json"]),
            ("data.parquet", File.ReadAllBytes(parquetSeed),
                (file, _) => ["fit", file, "--target", "y", "--features", "b,c", "--engine", "stream", "--method", "exact", "--json"]),
        };
        using var t = new TempFolder();   // one folder for every case: the files unmutated, then one mutated at a time
        foreach (var (n, b, _) in files)
            File.WriteAllBytes(Path.Combine(t.Path, n), b);
        t.File("data.csv", Seeds[0]);
        int runs = 0, ok = 0, errors = 0;
        var cases =
            from which in Gen.Choose(0, files.Length - 1)
            from count in Gen.Choose(1, 3)
            from mutations in Gen.ListOf(ByteMutation, count)
            select (which, mutations: mutations.ToArray());
        var property = Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var (name, original, command) = files[c.which];
            byte[] bytes = original;
            foreach (var m in c.mutations) bytes = Apply(bytes, m);
            string path = Path.Combine(t.Path, name);
            File.WriteAllBytes(path, bytes);
            var r = Run(t, command(path, t.Path), null);
            File.WriteAllBytes(path, original);
            runs++;
            if (r.ExitCode == 0) ok++; else errors++;
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(BinaryCases).WithReplay(Replay(Seed(13))), property);
        output.WriteLine($"{runs} mutated .npy, model and Parquet cases: {ok} succeeded, {errors} refused with one error line.");
        Assert.Equal(BinaryCases, runs);
        Assert.True(errors > 30, $"{errors} refused");
    }

    /// <summary>Runs <paramref name="args"/> and checks the promise; <paramref name="csv"/> (when given) bounds the rows a success may report.</summary>
    private static CliRunner.Result Run(TempFolder t, string[] args, byte[]? csv)
    {
        var before = ErrorCorpusTest.Snapshot(t.Path);
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        var r = CliRunner.Run(args);
        long used = GC.GetAllocatedBytesForCurrentThread() - allocated;
        Assert.True(used < AllocationBound, $"{used} bytes allocated by {string.Join(' ', args)}");
        Assert.True(r.ExitCode is 0 or Cli.UserError, $"exit {r.ExitCode}: {r.Error}");
        if (r.ExitCode == Cli.UserError)
            ErrorCorpusTest.AssertOneLineError(r);
        else
        {
            Assert.Equal("", r.Error);
            var json = r.Json;   // one JSON document
            if (csv is not null && json.TryGetProperty("rows", out var rows))
                Assert.InRange(rows.GetInt32(), 1, csv.Count(b => b == '\n') + 1);
        }
        Assert.Equal(before, ErrorCorpusTest.Snapshot(t.Path));
        return r;
    }

    /// <summary>Applies one mutation to a file's bytes.</summary>
    internal static byte[] Apply(byte[] bytes, Mutation m)
    {
        if (m.Kind >= 5)
            return ApplyBytes(bytes, m);
        var lines = Encoding.UTF8.GetString(bytes).Split('\n').ToList();
        int line = m.At % lines.Count;
        switch (m.Kind)
        {
            case 0:   // replace a cell
            case 1:   // insert a token inside a cell
                var cells = lines[line].Split(',');
                int cell = m.Value % cells.Length;
                cells[cell] = m.Kind == 0 ? m.Token : cells[cell].Insert(m.At % (cells[cell].Length + 1), m.Token);
                lines[line] = string.Join(',', cells);
                break;
            case 2: lines.RemoveAt(line); break;
            case 3: lines.Insert(line, lines[m.Value % lines.Count]); break;
            default: lines[line] = m.Token; break;
        }
        return Encoding.UTF8.GetBytes(string.Join('\n', lines));
    }

    private static byte[] ApplyBytes(byte[] bytes, Mutation m)
    {
        if (bytes.Length == 0) return [(byte)m.Value];
        int at = m.At % bytes.Length;
        var list = bytes.ToList();
        switch (m.Kind)
        {
            case 5: list[at] ^= (byte)(1 << (m.Value % 8)); break;
            case 6: list[at] = (byte)m.Value; break;
            case 7: list.RemoveRange(at, Math.Min(1 + m.Value % 16, list.Count - at)); break;
            default: list.RemoveRange(at, list.Count - at); break;   // truncate
        }
        return [.. list];
    }

    private static Microsoft.FSharp.Core.FSharpOption<Replay> Replay(ulong seed) =>
        Microsoft.FSharp.Core.FSharpOption<Replay>.Some(new Replay(new Rnd(seed, 0x9E3779B97F4A7C15UL), Microsoft.FSharp.Core.FSharpOption<int>.None));
}
