using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Reflection.PortableExecutable;
using System.Text;
using System.Text.Json;

namespace Lsgd.Package.Tests;

/// <summary>
/// The packages as a user meets them: <c>dotnet pack</c> into a temporary feed, <c>dotnet tool install</c> of
/// Lsgd.Tool from it, and a console app that references Lsgd and Lsgd.IO by package, not by project.
/// </summary>
/// <remarks>
/// Lsgd.Tool is a .NET 10 RID-specific tool: a pointer package, and per platform a framework-dependent ReadyToRun
/// package (docs/STARTUP.md). Only this platform's is packed here (the others need their own builds); the test
/// checks that the install picks it and that its assemblies carry precompiled code.
/// </remarks>
/// <remarks>
/// Offline and isolated: packages are extracted into a temporary global-packages folder (never the user's), and
/// restored only from the temporary feed and, read-only, from the user's global-packages folder, which holds every
/// dependency once the repository itself has been restored. Each run packs a version of its own, so no earlier
/// package of the same version can be picked up instead.
/// </remarks>
public sealed class PackInstallRunTest : IDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(15);   // packing precompiles the tool (crossgen2): minutes on 2 busy cores

    private readonly TempFolder _temp = new();
    private readonly string _feed;
    private readonly string _packages;
    private readonly string _version = "0.0.0-packtest." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);

    public PackInstallRunTest()
    {
        _feed = Directory.CreateDirectory(Path.Combine(_temp.Path, "feed")).FullName;
        _packages = Directory.CreateDirectory(Path.Combine(_temp.Path, "packages")).FullName;
        File.WriteAllText(Path.Combine(_temp.Path, "nuget.config"), NuGetConfig());
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void PackedToolInstallsAndRunsAndPackedLibrariesFitACsvWithoutProjectReferences()
    {
        Pack();
        string[] packed = Directory.GetFiles(_feed).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;
        foreach (string id in new[] { "Lsgd", "Lsgd.IO", "Lsgd.Plots", "Lsgd.Embeddings", "Lsgd.MLNet", "Lsgd.Cluster", $"Lsgd.Tool.{Rid}" })
        {
            Assert.Contains($"{id}.{_version}.nupkg", packed);
            Assert.Contains($"{id}.{_version}.snupkg", packed);
        }
        Assert.Contains($"Lsgd.Tool.{_version}.nupkg", packed);   // the pointer to the platforms' packages, no symbols

        // The tool: installed from the feed into a tool path, run as `lsgd`.
        string tools = Path.Combine(_temp.Path, "tools");
        Dotnet(_temp.Path, "tool", "install", "--tool-path", tools, "--add-source", _feed, "--version", _version, "Lsgd.Tool");
        string lsgd = Path.Combine(tools, OperatingSystem.IsWindows() ? "lsgd.exe" : "lsgd");
        var demo = Run(lsgd, _temp.Path, "demo", "--json");
        var first = JsonDocument.Parse(demo).RootElement.GetProperty("iterations")[0];
        Assert.Equal(1.25, first.GetProperty("w")[0].GetDouble(), 12);
        Assert.Equal(0.35, first.GetProperty("b").GetDouble(), 12);
        Assert.Equal(23.8375, first.GetProperty("loss").GetDouble(), 10);

        // What was installed is this platform's package, precompiled: no JIT for the code a fit runs first.
        string store = Path.Combine(tools, ".store");
        Assert.NotEmpty(Directory.GetDirectories(store, $"lsgd.tool.{Rid}", SearchOption.AllDirectories));   // the install took it
        foreach (string assembly in new[] { "Lsgd.dll", "Lsgd.IO.dll", "Lsgd.Cli.dll", "System.CommandLine.dll", "System.Numerics.Tensors.dll" })
        {
            string installed = Directory.GetFiles(store, assembly, SearchOption.AllDirectories).Single();
            Assert.True(IsReadyToRun(installed), $"{installed} is not ReadyToRun");
        }

        // x64 packages are precompiled for x86-64-v3 (docs/STARTUP.md). On a CPU without AVX2 (simulated: the runtime
        // told to leave AVX2 out) the runtime must reject those images and JIT-compile instead: same answers, and the
        // JIT then compiles far more of Lsgd than with AVX2, which shows the images were compiled for AVX2.
        if (System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.X64
            && System.Runtime.Intrinsics.X86.Avx2.IsSupported)
        {
            int withAvx2 = LsgdMethodsJitCompiled(lsgd, "demo", out string withOutput, avx2: true);
            int withoutAvx2 = LsgdMethodsJitCompiled(lsgd, "demo", out string withoutOutput, avx2: false);
            Assert.Equal(demo, withOutput);
            Assert.Equal(demo, withoutOutput);
            Assert.True(withoutAvx2 > 4 * withAvx2,
                $"Lsgd methods JIT-compiled by `lsgd demo`: {withAvx2} with AVX2, {withoutAvx2} without; an image compiled for x86-64-v3 is rejected without AVX2");
        }

        // `lsgd fit` starts a warm-up thread that compiles the fit's kernels while the data load (docs/STARTUP.md): it must
        // not change the report (timings aside), write anything, or fail; LSGD_WARMUP_DEBUG says what it did.
        string xNpy = Path.Combine(_temp.Path, "X.npy"), yNpy = Path.Combine(_temp.Path, "y.npy");
        WriteNpy(xNpy, 300, 3, (i, j) => Math.Sin(i * 0.37 + j * 1.3) + j);
        WriteNpy(yNpy, 300, 1, (i, _) => 2 * Math.Sin(i * 0.37) - Math.Sin(i * 0.37 + 1.3) + 0.5 * Math.Sin(i * 0.37 + 2.6) + 3 + 0.01 * Math.Cos(i));
        string[] fit = ["fit", "--features", xNpy, "--targets", yNpy, "--json"];
        string warmed = Run(lsgd, _temp.Path, null, out string warmedError, fit);
        string cold = Run(lsgd, _temp.Path, new Dictionary<string, string> { ["LSGD_WARMUP"] = "0" }, out _, fit);
        Run(lsgd, _temp.Path, new Dictionary<string, string> { ["LSGD_WARMUP_DEBUG"] = "1" }, out string debug, fit);
        Assert.Equal(WithoutTimings(cold), WithoutTimings(warmed));
        Assert.Equal("", warmedError);
        Assert.Matches(@"^lsgd-warmup prepared=[1-9][0-9]* wall=\S+ cpu=\S+ failed=0 ", debug.Trim());

        // The libraries: a console app with package references only, fitting y = 2 x1 − 3 x2 + 1 from a CSV.
        string app = Directory.CreateDirectory(Path.Combine(_temp.Path, "app")).FullName;
        File.WriteAllText(Path.Combine(app, "App.csproj"), AppProject());
        File.WriteAllText(Path.Combine(app, "Program.cs"), AppProgram);
        var csv = new StringBuilder("x1,x2,y\n");
        foreach (var (x1, x2) in new[] { (0.0, 0.0), (1, 0), (0, 1), (2, 1), (3, 5), (-1, 2), (4, -2), (0.5, 0.25) })
            csv.Append(CultureInfo.InvariantCulture, $"{x1},{x2},{2 * x1 - 3 * x2 + 1}\n");
        File.WriteAllText(Path.Combine(app, "data.csv"), csv.ToString());

        Dotnet(app, "build", "-c", "Release", "-nodeReuse:false", "-p:UseSharedCompilation=false");
        string output = Dotnet(app, "run", "-c", "Release", "--no-build", "--", "data.csv");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains("converged: True", lines);
        double[] fitted = lines.Single(l => l.StartsWith("parameters:", StringComparison.Ordinal))["parameters:".Length..]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        // `auto` stops at a certified relative objective gap of 1e-10, about 1e-8 in the parameters here.
        Assert.Equal(3, fitted.Length);
        Assert.Equal(2, fitted[0], 6);
        Assert.Equal(-3, fitted[1], 6);
        Assert.Equal(1, fitted[2], 6);
        Assert.True(File.Exists(Path.Combine(app, "model.json")), "the app saves its model with Lsgd.IO's ModelFile");
    }

    /// <summary>The runtime identifier of this platform (the SDK's portable one, as the build used).</summary>
    private static string Rid => Metadata("LsgdRuntimeIdentifier");

    private static string Metadata(string key) =>
        typeof(PackInstallRunTest).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    /// <summary>
    /// Whether an assembly carries ReadyToRun code: its CLI header's managed-native-header directory points at a
    /// READYTORUN_HEADER, whose signature is "RTR" (0x00525452). An IL-only assembly has no such directory.
    /// </summary>
    internal static bool IsReadyToRun(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var directory = pe.PEHeaders.CorHeader?.ManagedNativeHeaderDirectory ?? default;
        if (directory.Size < sizeof(uint)) return false;
        return pe.GetSectionData(directory.RelativeVirtualAddress).GetReader().ReadUInt32() == 0x00525452;
    }

    [Fact]
    public void ReadyToRunCheckTellsAnIlOnlyBuildFromAPrecompiledOne()
    {
        string root = Metadata("LsgdRepositoryRoot");
        // The ordinary build of the library is IL only; the runtime's own CoreLib is precompiled.
        Assert.False(IsReadyToRun(Path.Combine(root, "src", "Lsgd", "bin", Metadata("LsgdConfiguration"), "net10.0", "Lsgd.dll")));
        Assert.True(IsReadyToRun(typeof(object).Assembly.Location));
    }

    /// <summary>Packs the solution's packable projects as built (no build) into the feed.</summary>
    private void Pack()
    {
        string root = Metadata("LsgdRepositoryRoot");
        string configuration = Metadata("LsgdConfiguration");
        Dotnet(root, "pack", Path.Combine(root, "Lsgd.slnx"), "-c", configuration, "--no-build", "-o", _feed,
            $"-p:Version={_version}",
            // The ordinary build keeps only this platform's ONNX Runtime library; pack what was built.
            "-p:LsgdOnnxRuntimeAllPlatforms=false",
            // The tool's package for this platform only: the build has Lsgd.Cli for this runtime identifier alone.
            $"-p:ToolPackageRuntimeIdentifiers={Rid}",
            // The tool's publish step writes into the temporary folder, not the source tree.
            $"-p:PublishDir={Path.Combine(_temp.Path, "publish")}{Path.DirectorySeparatorChar}",
            "-nodeReuse:false");
    }

    private string NuGetConfig()
    {
        string userPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{_packages}" />
              </config>
              <packageSources>
                <clear />
                <add key="lsgd-test-feed" value="{_feed}" />
                <add key="user-global-packages" value="{userPackages}" />
              </packageSources>
            </configuration>
            """;
    }

    private string AppProject() => $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <TargetFramework>net10.0</TargetFramework>
            <ImplicitUsings>enable</ImplicitUsings>
            <Nullable>enable</Nullable>
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="Lsgd" Version="{_version}" />
            <PackageReference Include="Lsgd.IO" Version="{_version}" />
          </ItemGroup>
        </Project>
        """;

    private const string AppProgram = """
        using System.Globalization;
        using Lsgd.Estimators;
        using Lsgd.IO;

        var (data, spec) = CsvDataset.Load(args[0], targets: ["y"]);
        var fit = new LinearRegressor(new LinearRegressorOptions { Method = SolverMethod.Auto }).Fit(data);
        Console.WriteLine($"converged: {fit.Converged}");
        var parameters = fit.Model.Coefficients().ToArray().Append(fit.Model.Intercept());
        Console.WriteLine("parameters: " + string.Join(" ", parameters.Select(p => p.ToString("R", CultureInfo.InvariantCulture))));
        new ModelFile(fit.Model, spec, fit.Standardization).Save("model.json");
        """;

    /// <summary>
    /// Runs <c>lsgd <paramref name="command"/> --json</c> with the JIT's method summary on, with or without AVX2
    /// (<c>DOTNET_EnableAVX2=0</c>), and counts the methods of Lsgd's assemblies it JIT-compiled.
    /// </summary>
    private int LsgdMethodsJitCompiled(string lsgd, string command, out string output, bool avx2)
    {
        string summary = Path.Combine(_temp.Path, $"jit-{command}-{(avx2 ? "avx2" : "no-avx2")}.txt");
        var environment = new Dictionary<string, string>
        {
            ["DOTNET_JitDisasmSummary"] = "1",
            ["DOTNET_JitStdOutFile"] = summary,
        };
        if (!avx2) environment["DOTNET_EnableAVX2"] = "0";
        output = Run(lsgd, _temp.Path, environment, command, "--json");
        Assert.True(File.Exists(summary), $"the runtime wrote no JIT summary to {summary}");
        return File.ReadLines(summary).Count(line => line.Contains("JIT compiled Lsgd.", StringComparison.Ordinal));
    }

    /// <summary>Writes an n × d float64 .npy file (version 1.0, C order) of f(row, column).</summary>
    private static void WriteNpy(string path, int n, int d, Func<int, int, double> f)
    {
        string header = FormattableString.Invariant($"{{'descr': '<f8', 'fortran_order': False, 'shape': ({n}, {d}), }}");
        header = header.PadRight((header.Length + 11 + 63) / 64 * 64 - 11) + "\n";
        using var w = new BinaryWriter(File.Create(path));
        w.Write((byte)0x93);
        w.Write("NUMPY"u8);
        w.Write((byte)1);
        w.Write((byte)0);
        w.Write((ushort)header.Length);
        w.Write(Encoding.ASCII.GetBytes(header));
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++)
                w.Write(f(i, j));
    }

    /// <summary>A fit's JSON report without the fields that time it.</summary>
    private static string WithoutTimings(string json)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        foreach (string key in node.Select(p => p.Key).Where(k => k.EndsWith("_seconds", StringComparison.Ordinal) || k.EndsWith("_seconds_runs", StringComparison.Ordinal)).ToArray())
            node.Remove(key);
        return node.ToJsonString();
    }

    private string Dotnet(string directory, params string[] args) =>
        Run(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet", directory, args);

    /// <summary>Runs a command with the test's isolated NuGet settings; fails with its output if it fails.</summary>
    private string Run(string fileName, string directory, params string[] args) => Run(fileName, directory, null, args);

    /// <summary>Runs a command as <see cref="Run(string, string, string[])"/> does, with more environment variables.</summary>
    private string Run(string fileName, string directory, IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        Run(fileName, directory, environment, out _, args);

    /// <summary>Runs a command as <see cref="Run(string, string, string[])"/> does, and hands back its standard error.</summary>
    private string Run(string fileName, string directory, IReadOnlyDictionary<string, string>? environment, out string standardError, params string[] args)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in args) start.ArgumentList.Add(arg);
        // MSBuild settings inherited from `dotnet test` would steer the inner builds; NuGet's go to the temp folder.
        foreach (string key in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToArray())
            start.Environment.Remove(key);
        start.Environment["NUGET_PACKAGES"] = _packages;
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            start.Environment[key] = value;

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(CommandTimeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{fileName} {string.Join(' ', args)} did not finish in {CommandTimeout}.");
        }
        process.WaitForExit();
        string text = output.Result;
        standardError = error.Result;
        Assert.True(process.ExitCode == 0,
            $"{fileName} {string.Join(' ', args)} exited with {process.ExitCode}:\n{text}\n{error.Result}");
        return text;
    }
}
