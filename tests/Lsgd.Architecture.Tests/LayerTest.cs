using System.Reflection;
using System.Text;
using NetArchTest.Rules;

namespace Lsgd.Architecture.Tests;

/// <summary>
/// The core's namespaces form layers, bottom first; a namespace may use only namespaces of lower layers, and the
/// namespaces of one layer are independent of each other. A new namespace must be given a layer here.
/// </summary>
public class LayerTest
{
    private static readonly Assembly Core = typeof(LsgdException).Assembly;

    /// <summary>The layers of src/Lsgd, bottom first (each folder is one namespace).</summary>
    internal static readonly string[][] Layers =
    [
        ["Lsgd"],                                      // the exceptions every layer throws, OptionText
        ["Lsgd.Internals"],                            // guards and messages, compensated sums, special functions
        ["Lsgd.Models", "Lsgd.LinearAlgebra", "Lsgd.Formulas"],   // shared vocabulary (layout, loss scaling, penalty, model) | Cholesky, QR, eigen, kernels | formulas and design matrices
        ["Lsgd.Data"],                                 // datasets, row sources, standardiser, sufficient statistics
        ["Lsgd.Engines", "Lsgd.Optimizers", "Lsgd.Schedules"],   // objectives | update rules | step sizes
        ["Lsgd.Training"],                             // the trainer and conjugate gradients
        ["Lsgd.Solvers"],                              // the exact solution
        ["Lsgd.Estimators"],                           // LinearRegressor, fits and reports
        ["Lsgd.Applications"],                         // what the applications share (seeded sampling)
        ["Lsgd.Applications.Classification", "Lsgd.Applications.Features", "Lsgd.Applications.Networks",
         "Lsgd.Applications.Pca", "Lsgd.Curves"],     // the applications and curve fitting
    ];

    /// <summary>
    /// Arrows that run the wrong way today and are being removed on other branches; each entry must still exist
    /// (the test fails when one is gone, so the list only shrinks).
    /// </summary>
    internal static readonly HashSet<(string From, string To)> KnownExceptions =
    [
        // None today. (Engines → Optimizers, the objective applying Optimizers.Proximal, went when Proximal
        // moved into Lsgd.Models.) Add an entry only with a comment saying which change removes it.
    ];

    private static readonly Lazy<NamespaceGraph> Graph = new(() => NamespaceGraph.Of(Core));

    private static int LayerOf(string ns) => Array.FindIndex(Layers, layer => layer.Contains(ns));

    public static TheoryData<string> Namespaces() => [.. Layers.SelectMany(l => l)];

    [Fact]
    public void EveryNamespaceOfTheCoreHasALayer()
    {
        var missing = Graph.Value.Namespaces.Where(ns => LayerOf(ns) < 0).ToArray();
        Assert.True(missing.Length == 0,
            $"Namespaces without a layer: {string.Join(", ", missing)}. Add each to {nameof(LayerTest)}.{nameof(Layers)} at the level it belongs.");
        var empty = Layers.SelectMany(l => l).Where(ns => !Graph.Value.Namespaces.Contains(ns)).ToArray();
        Assert.True(empty.Length == 0, $"Layers name namespaces that no longer exist: {string.Join(", ", empty)}. Remove them.");
    }

    [Theory]
    [MemberData(nameof(Namespaces))]
    public void NamespaceUsesOnlyLowerLayers(string ns)
    {
        int layer = LayerOf(ns);
        var forbidden = Layers.Skip(layer).SelectMany(l => l)
            .Where(other => other != ns && !KnownExceptions.Contains((ns, other)))
            .ToArray();
        var types = forbidden.SelectMany(other => NamespaceGraph.TypesOf(Core, other)).ToArray();
        if (types.Length == 0) return;
        var result = NamespaceGraph.InNamespace(Core, ns).ShouldNot().HaveDependencyOnAny(types).GetResult();
        if (result.IsSuccessful) return;
        var message = new StringBuilder($"{ns} (layer {layer}) uses a namespace of its own layer or above:");
        foreach (var other in forbidden)
            if (Graph.Value.Arrows.TryGetValue((ns, other), out var users))
                message.Append($"\n  {ns} → {other} (layer {LayerOf(other)}) in {string.Join(", ", users)}");
        message.Append("\nMove the shared piece down a layer, or pass what is needed in from above.");
        Assert.Fail(message.ToString());
    }

    [Fact]
    public void KnownExceptionsStillExist()
    {
        var gone = KnownExceptions.Where(arrow => !Graph.Value.Arrows.ContainsKey(arrow)).ToArray();
        Assert.True(gone.Length == 0,
            $"These wrong-way arrows are gone: {string.Join(", ", gone.Select(a => $"{a.From} → {a.To}"))}. Remove them from {nameof(LayerTest)}.{nameof(KnownExceptions)}.");
    }

    [Fact]
    public void NamespacesHaveNoCycles()
    {
        var cycles = Graph.Value.Cycles();
        Assert.True(cycles.Count == 0, "Namespaces that use each other (directly or through others): " +
            string.Join("; ", cycles.Select(c => string.Join(" ↔ ", c))));
    }

    [Fact]
    public void CoreDoesNoInputOrOutput()
    {
        var result = NamespaceGraph.Read(Core).ShouldNot().HaveDependencyOnAny(
            "System.Console", "System.IO.File", "System.IO.FileInfo", "System.IO.FileStream", "System.IO.Directory",
            "System.IO.DirectoryInfo", "System.IO.Path", "System.IO.StreamReader", "System.IO.StreamWriter", "System.Net")
            .GetResult();
        Assert.True(result.IsSuccessful, "The core (src/Lsgd) reads or writes files or the console in: " +
            string.Join(", ", result.FailingTypeNames ?? []) + ". Move that to Lsgd.IO or the CLI.");
    }

    [Fact]
    public void CoreKnowsNothingOfTheCluster()
    {
        // Machines share SufficientStatistics through Lsgd.Cluster; the core stays free of Orleans and Redis.
        var referenced = Core.GetReferencedAssemblies().Select(a => a.Name ?? "").ToArray();
        Assert.DoesNotContain(referenced, name => name.StartsWith("Orleans", StringComparison.Ordinal) || name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal)
            || name.StartsWith("StackExchange.Redis", StringComparison.Ordinal) || name == "Lsgd.Cluster");
    }

    [Fact]
    public void TheGraphSeesAKnownArrow()
    {
        // Guards the test itself: were NamespaceGraph blind (e.g. matching no types), every rule would pass.
        Assert.Contains(("Lsgd.Data", "Lsgd.Models"), Graph.Value.Arrows.Keys);
        Assert.Contains("Lsgd.Data.Standardizer", Graph.Value.Arrows[("Lsgd.Data", "Lsgd.Models")]);
        Assert.DoesNotContain(("Lsgd.Models", "Lsgd.Data"), Graph.Value.Arrows.Keys);
    }
}
