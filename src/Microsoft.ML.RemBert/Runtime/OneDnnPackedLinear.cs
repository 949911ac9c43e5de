using System.IO.Compression;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Runtime;

/// <summary>
/// oneDNN's prepacked linear, as libtorch's CPU build registers it for PyTorch's inductor: <c>mkldnn::_reorder_linear_weight</c>
/// reorders a weight once into the blocked layout oneDNN's matmul kernels read, <c>mkldnn::_linear_pointwise</c> multiplies
/// by it. libtorch's plain bfloat16 linear runs the same oneDNN kernels but reorders the weight in every call, which at
/// a few dozen rows costs about a quarter of the product (docs/onnx-performance.md). The packed weight has the weight's
/// size and type.
/// </summary>
/// <remarks>
/// TorchSharp has no binding for operators outside <c>aten</c>, and its <c>torch.jit.compile</c> resolves only
/// <c>torch.*</c> names; a TorchScript archive's code resolves <c>ops.NAMESPACE.NAME</c> against libtorch's operator
/// registry when it is loaded. So this class writes a three-method TorchScript module (the code below, an empty
/// constants table and the pickled module object), loads it once from memory, and invokes its methods. Thread-safe: the
/// module has no state, and TorchScript methods may run on any number of threads at once.
/// </remarks>
internal static class OneDnnPackedLinear
{
    private static readonly Lazy<(jit.ScriptModule? Module, string? WhyNot)> Loaded = new(Load);

    /// <summary>The module's TorchScript source, in the form TorchScript's own serializer writes (version 3).</summary>
    private const string Code = """
        class PackedLinearOps(Module):
          __parameters__ = []
          __buffers__ = []
          training : bool
          def forward(self: __torch__.PackedLinearOps,
            x: Tensor) -> Tensor:
            return x
          def pack(self: __torch__.PackedLinearOps,
            weight: Tensor) -> Tensor:
            return ops.mkldnn._reorder_linear_weight(weight, 32)
          def linear(self: __torch__.PackedLinearOps,
            input: Tensor,
            weight: Tensor,
            bias: Optional[Tensor]) -> Tensor:
            scalars: List[Optional[number]] = []
            return ops.mkldnn._linear_pointwise(input, weight, bias, "none", scalars, None)

        """;

    private const string ArchiveName = "rembert_packed_linear";

    /// <summary>Null when oneDNN's prepacked linear can run here, else why not.</summary>
    public static string? WhyNotAvailable => Loaded.Value.WhyNot;

    /// <summary>
    /// <paramref name="weight"/> (nn.Linear's [out, in], any strides, bfloat16 or float32 on the CPU) reordered once into
    /// oneDNN's blocked layout: a new tensor of the same size, usable only by <see cref="Multiply"/>.
    /// </summary>
    /// <remarks>The layout is chosen for 32 rows (the code's constant: a service's small batches, 1 × 32 tokens); any row
    /// count runs. Passed in the code rather than as an argument because TorchSharp's invoke turns a number argument
    /// into a Scalar that nothing holds during the call (issue 25), and tensors alone need none.</remarks>
    public static Tensor Pack(Tensor weight) =>
        (Tensor)Module().invoke("pack", weight);

    /// <summary><paramref name="input"/>·Wᵀ + <paramref name="bias"/> through the packed weight, in the input's type.</summary>
    public static Tensor Multiply(Tensor input, Tensor packed, Tensor? bias) =>
        (Tensor)Module().invoke("linear", input, packed, bias!);

    private static jit.ScriptModule Module() => Loaded.Value.Module ?? throw new NotSupportedException(Loaded.Value.WhyNot);

    private static (jit.ScriptModule?, string?) Load()
    {
        try
        {
            var module = jit.load(Archive());
            module.eval();
            return (module, null);
        }
        catch (Exception error)
        {
            return (null, $"oneDNN's prepacked linear is not available in this libtorch build ({error.GetType().Name}: {error.Message.Split('\n')[0]})");
        }
    }

    /// <summary>The TorchScript archive: code, constants, the module object and the format version, stored uncompressed.</summary>
    internal static byte[] Archive()
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            void Add(string name, byte[] content)
            {
                using var entry = zip.CreateEntry($"{ArchiveName}/{name}", CompressionLevel.NoCompression).Open();
                entry.Write(content);
            }
            Add("data.pkl", ModulePickle());
            Add("code/__torch__.py", Encoding.UTF8.GetBytes(Code.Replace("\r\n", "\n")));
            Add("constants.pkl", [Proto, 2, EmptyTuple, Stop]);
            Add("version", "3\n"u8.ToArray());
        }
        return buffer.ToArray();
    }

    // Pickle opcodes (protocol 2) of the module object: __torch__.PackedLinearOps(), state {"training": False}.
    private const byte Proto = 0x80, Global = (byte)'c', EmptyTuple = (byte)')', NewObj = 0x81, EmptyDict = (byte)'}',
        BinUnicode = (byte)'X', NewFalse = 0x89, SetItem = (byte)'s', Build = (byte)'b', Stop = (byte)'.';

    private static byte[] ModulePickle()
    {
        var bytes = new List<byte> { Proto, 2, Global };
        bytes.AddRange("__torch__\nPackedLinearOps\n"u8.ToArray());
        bytes.AddRange([EmptyTuple, NewObj, EmptyDict, BinUnicode]);
        var key = "training"u8.ToArray();
        bytes.AddRange(BitConverter.GetBytes(key.Length)); // little-endian, as pickle's BINUNICODE length
        bytes.AddRange(key);
        bytes.AddRange([NewFalse, SetItem, Build, Stop]);
        return [.. bytes];
    }
}
