using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lsgd.Cli.Tests;

/// <summary>
/// The arrays `fit --json` writes as text once (<c>Json.NumberArray</c>, <c>Json.PairArray</c>, on every core with
/// <c>Json.PerOutput</c>): the document must read byte for byte as the plain nodes give it, non-finite values null.
/// </summary>
public class JsonArraysTest
{
    private static readonly double[] Awkward =
    [
        0.0, -0.0, 1.0, -1.0, 0.1, 1.0 / 3, 2.0 / 3 * 1e-300, double.Epsilon, -double.Epsilon, double.MaxValue, double.MinValue,
        123456789012345680.0, 1e16, 1e-7, 5e-5, 9007199254740993.0, Math.PI * 1e21, double.NaN, double.PositiveInfinity,
        double.NegativeInfinity, 3.0000000000000004, 1e300 * 10,
    ];

    private static string Text(JsonNode node) => new JsonObject { ["a"] = node, ["b"] = 1 }.ToJsonString(CliContext.JsonOptions);

    [Fact]
    public void NumberArrayReadsAsThePlainNodesByteForByte()
    {
        var random = new Random(5);
        double[] values = [.. Awkward, .. Enumerable.Range(0, 500).Select(_ => (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-30, 30)))];
        string written = Text(Json.NumberArray(values));
        Assert.Equal(Text(Json.Numbers(values)), written);
        using var document = JsonDocument.Parse(written);
        var array = document.RootElement.GetProperty("a");
        Assert.Equal(values.Length, array.GetArrayLength());
        for (int i = 0; i < values.Length; i++)
        {
            if (double.IsFinite(values[i])) Assert.Equal(values[i], array[i].GetDouble());
            else Assert.Equal(JsonValueKind.Null, array[i].ValueKind);
        }
    }

    [Fact]
    public void EmptyNumberArrayIsAnEmptyArray() =>
        Assert.Equal("""{"a":[],"b":1}""", Text(Json.NumberArray([])));

    [Fact]
    public void PairArrayReadsAsPlainPairs()
    {
        double[] lower = [.. Awkward], upper = [.. Awkward.Reverse()];
        var plain = new JsonArray([.. lower.Select((v, i) => (JsonNode?)Json.Numbers([v, upper[i]]))]);
        Assert.Equal(Text(plain), Text(Json.PairArray(lower, upper)));
    }

    [Fact]
    public void PerOutputKeepsTheOutputsInOrderOrGivesTheOneNode()
    {
        var many = Json.PerOutput(37, multi: true, i => Json.NumberArray([i, i + 0.5]));
        Assert.Equal(Text(new JsonArray([.. Enumerable.Range(0, 37).Select(i => (JsonNode?)Json.Numbers([i, i + 0.5]))])), Text(many!));
        Assert.Equal("""{"a":[0,0.5],"b":1}""", Text(Json.PerOutput(1, multi: false, i => Json.NumberArray([i, i + 0.5]))!));
    }

    [Fact]
    public void WrittenArraysInsideIndentedDocumentsAreRefused()
    {
        // Written text is for the tool's own options (standard output); a file written with other options must not
        // silently get something else: the model file's training summary is built of plain nodes for that reason.
        var node = new JsonObject { ["a"] = Json.NumberArray([1, 2]) };
        Assert.ThrowsAny<InvalidOperationException>(() => node.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
