using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;
using Lsgd.Embeddings.Internals;
using Lsgd.IO;

namespace Lsgd.Embeddings;

/// <summary>
/// Writes a head as an ONNX model (opset 13), so it can be served next to the encoder by any ONNX runtime:
/// input <c>features</c> (float32, batch × d) → Cast to float64 → Gemm with the weights and intercepts → output
/// <c>scores</c> (float64, batch × k); a classifier adds ArgMax over the classes → output <c>class</c> (int64, batch),
/// an index into the class names kept in the model's metadata (<c>lsgd.classes</c>, a JSON array).
/// </summary>
/// <remarks>
/// The arithmetic is in double precision like Lsgd's own predictions, so both agree to about 1e-12; the input is
/// float32 because that is what encoders emit. The ONNX protobuf is written directly (the model holds a handful of
/// fields), without a protobuf library.
/// </remarks>
public static class OnnxExport
{
    /// <summary>The input's name: the features (float32, batch × d).</summary>
    public const string InputName = "features";

    /// <summary>The output with the k scores (float64, batch × k): the predicted value for regression, one score per class for classification.</summary>
    public const string ScoresName = "scores";

    /// <summary>The classifier's output with each row's class index (int64, batch): the first largest score.</summary>
    public const string ClassName = "class";

    /// <summary>The ONNX operator set the model uses.</summary>
    public const int OpsetVersion = 13;

    // ONNX enums (onnx.proto): TensorProto.DataType and AttributeProto.AttributeType.
    private const int Float32 = 1, Int64 = 7, Float64 = 11;
    private const int AttributeFloat = 1, AttributeInt = 2;

    /// <summary>The ONNX model of <paramref name="head"/>, as bytes.</summary>
    /// <param name="head">The head.</param>
    /// <param name="metadata">Extra metadata entries (e.g. the encoder's model id), kept in the model's metadata_props.</param>
    public static byte[] ToBytes(HeadFile head, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(head);
        var m = head.Model;
        int d = m.Features, k = m.Outputs;
        var weights = new double[k * d];
        var intercepts = new double[k];
        for (int o = 0; o < k; o++)
        {
            m.Coefficients(o).CopyTo(weights.AsSpan(o * d, d));
            intercepts[o] = m.Intercept(o);
        }
        bool classifier = head.Task == HeadTask.Classification;
        var properties = new List<KeyValuePair<string, string>>
        {
            new("lsgd.task", classifier ? "classification" : "regression"),
            new("lsgd.targets", JsonSerializer.Serialize(m.TargetNames)),
        };
        if (classifier) properties.Add(new("lsgd.classes", JsonSerializer.Serialize(head.Classes)));
        if (metadata is not null) properties.AddRange(metadata);

        var model = new ProtoWriter()
            .Varint(1, 7)                                            // ir_version 7 (ONNX 1.8, opset 13)
            .String(2, "lsgd")                                       // producer_name
            .String(3, typeof(OnnxExport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "")
            .Varint(5, 1)                                            // model_version
            .String(6, $"A least-squares head by lsgd: {(classifier ? $"{k} classes" : "regression")} on {d} features.")
            .Message(7, graph =>
            {
                graph.Message(1, node => Node(node, "Cast", "to_double", [InputName], ["features_double"])
                    .Message(5, a => a.String(1, "to").Varint(20, AttributeInt).Varint(3, Float64)));
                graph.Message(1, node => Node(node, "Gemm", "head", ["features_double", "W", "B"], [ScoresName])
                    .Message(5, a => a.String(1, "alpha").Varint(20, AttributeFloat).Float(2, 1f))
                    .Message(5, a => a.String(1, "beta").Varint(20, AttributeFloat).Float(2, 1f))
                    .Message(5, a => a.String(1, "transB").Varint(20, AttributeInt).Varint(3, 1)));
                if (classifier)
                    graph.Message(1, node => Node(node, "ArgMax", "argmax", [ScoresName], [ClassName])
                        .Message(5, a => a.String(1, "axis").Varint(20, AttributeInt).Varint(3, 1))
                        .Message(5, a => a.String(1, "keepdims").Varint(20, AttributeInt).Varint(3, 0)));
                graph.String(2, "lsgd_head");
                graph.Message(5, t => Tensor(t, "W", [k, d], weights));
                graph.Message(5, t => Tensor(t, "B", [k], intercepts));
                graph.Message(11, v => ValueInfo(v, InputName, Float32, ["batch", d]));
                graph.Message(12, v => ValueInfo(v, ScoresName, Float64, ["batch", k]));
                if (classifier)
                    graph.Message(12, v => ValueInfo(v, ClassName, Int64, ["batch"]));
            })
            .Message(8, opset => opset.String(1, "").Varint(2, OpsetVersion));
        foreach (var (key, value) in properties)
            model.Message(14, p => p.String(1, key).String(2, value));
        return model.ToArray();
    }

    /// <summary>Writes the ONNX model of <paramref name="head"/> to <paramref name="path"/>, atomically.</summary>
    public static void Save(HeadFile head, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var bytes = ToBytes(head, metadata);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    private static ProtoWriter Node(ProtoWriter node, string op, string name, string[] inputs, string[] outputs)
    {
        foreach (var input in inputs) node.String(1, input);
        foreach (var output in outputs) node.String(2, output);
        return node.String(3, name).String(4, op);
    }

    private static void Tensor(ProtoWriter tensor, string name, long[] dims, double[] values)
    {
        foreach (var dim in dims) tensor.Varint(1, dim);
        tensor.Varint(2, Float64).String(8, name);
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("ONNX raw tensor data is little-endian; this machine is not.");
        tensor.Bytes(9, MemoryMarshal.AsBytes(values.AsSpan()));
    }

    private static void ValueInfo(ProtoWriter value, string name, int elementType, object[] shape)
    {
        value.String(1, name).Message(2, type => type.Message(1, tensor =>
        {
            tensor.Varint(1, elementType);
            tensor.Message(2, s =>
            {
                foreach (var dim in shape)
                    s.Message(1, dimension => _ = dim is string symbol ? dimension.String(2, symbol) : dimension.Varint(1, Convert.ToInt64(dim, System.Globalization.CultureInfo.InvariantCulture)));
            });
        }));
    }
}
