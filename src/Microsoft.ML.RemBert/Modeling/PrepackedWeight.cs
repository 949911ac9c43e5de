using Microsoft.ML.RemBert.Modeling.Lora;
using Microsoft.ML.RemBert.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Modeling;

/// <summary>
/// An encoder linear's weight packed once for inference in the layout its CPU kernel reads, attached to the layer as a
/// child module the way a LoRA adapter is: float32 by oneMKL (<see cref="MklPackedGemm"/>, the faster of the two for
/// float32, at 1.7 to 2.9 times the weight's size), bfloat16 by oneDNN (<see cref="OneDnnPackedLinear"/>, the kernels
/// libtorch's bfloat16 linear runs, at the weight's size). It registers no parameter or buffer, so the state dict,
/// saves and ONNX exports do not see it, and disposing the model frees it with the layer.
/// </summary>
/// <remarks>
/// The packed copy is what the weight was when it was made. <see cref="PrecisionOps.Linear"/> uses it only where that
/// is certainly still true and nothing needs gradients: the same weight storage in the same type on the CPU, an input
/// of that type, the layer in eval mode, no autocast, gradients off or not required. In-place changes to the weight (an optimizer step, a LoRA
/// merge) happen in training, where it is not used; the merge drops it (<see cref="LoraAdapter.MergeAndRemove"/>).
/// </remarks>
internal sealed class PrepackedWeight : nn.Module
{
    /// <summary>The child's name under its linear layer; it owns no parameter, so no state-dict key carries it.</summary>
    public const string ChildName = "prepacked";

    // Exactly one of the two: oneMKL's packed float32 matrix, or oneDNN's reordered bfloat16 weight (a tensor this
    // module owns but does not register, so that nothing saves or converts it).
    private readonly PackedMatrix? _mkl;
    private readonly Tensor? _oneDnn;
    private readonly ScalarType _type;
    private readonly nint _packedFrom;

    private PrepackedWeight(Tensor weight) : base(nameof(PrepackedWeight))
    {
        _type = weight.dtype;
        _packedFrom = TensorAddress.Of(weight);
        if (_type == ScalarType.Float32)
            _mkl = MklPackedGemm.Pack(weight);
        else
            _oneDnn = OneDnnPackedLinear.Pack(weight).DetachFromDisposeScope();
    }

    /// <summary>The bytes the packed copy takes.</summary>
    public long Bytes => _mkl?.Bytes ?? _oneDnn!.NumberOfElements * _oneDnn.ElementSize;

    /// <summary>Whether the packed copy's memory has been freed (the module disposed).</summary>
    public bool IsFreed => _mkl?.IsClosed ?? _oneDnn!.IsInvalid;

    /// <summary>The packs attached in <paramref name="model"/>'s encoder, in module order.</summary>
    public static IReadOnlyList<PrepackedWeight> In(RemBertPreTrainedModel model) => EncoderLinears(model).Select(Find).OfType<PrepackedWeight>().ToList();

    /// <summary>
    /// Packs every linear of <paramref name="model"/>'s encoder (the projection in and each layer's six), replacing
    /// packs made before; returns the bytes they take. Not thread-safe: no forward pass may run meanwhile.
    /// </summary>
    /// <exception cref="NotSupportedException">Packing is not available here (<see cref="WhyNotPackable"/>); nothing is packed then.</exception>
    public static long PackEncoder(RemBertPreTrainedModel model)
    {
        var layers = EncoderLinears(model).ToList();
        if (layers.Select(layer => WhyNotPackable(layer.weight!.dtype, layer.weight.device_type)).FirstOrDefault(why => why is not null) is { } why)
            throw new NotSupportedException(why);
        long bytes = 0;
        foreach (var layer in layers)
        {
            Remove(layer);
            var packed = new PrepackedWeight(layer.weight!);
            layer.register_module(ChildName, packed);
            bytes += packed.Bytes;
        }
        return bytes;
    }

    /// <summary>Null when weights of <paramref name="type"/> on <paramref name="device"/> can be prepacked in this process, else why not.</summary>
    public static string? WhyNotPackable(ScalarType type, DeviceType device) => TensorAddress.WhyNotAvailable ?? (type, device) switch
    {
        (_, not DeviceType.CPU) => $"Weights are prepacked only on the CPU, not on {device}.",
        (ScalarType.Float32, _) => MklPackedGemm.WhyNotAvailable,
        (ScalarType.BFloat16, _) => OneDnnPackedLinear.WhyNotAvailable,
        _ => $"Weights are prepacked only in float32 or bfloat16, not {type}.",
    };

    /// <summary>Drops every pack in <paramref name="model"/>, freeing its memory; returns how many there were.</summary>
    public static int RemoveAll(RemBertPreTrainedModel model) => EncoderLinears(model).Count(Remove);

    /// <summary>The pack attached to <paramref name="layer"/>, or null (the usual case).</summary>
    public static PrepackedWeight? Find(Linear layer) => LinearChildren.Find<PrepackedWeight>(layer);

    /// <summary>Detaches and frees the pack of <paramref name="layer"/>; false when it had none.</summary>
    public static bool Remove(Linear layer) => LinearChildren.Remove<PrepackedWeight>(layer, ChildName);

    /// <summary>Whether the pack still equals <paramref name="layer"/>'s weight and <paramref name="input"/> can use it (see the remarks).</summary>
    public bool Serves(Linear layer, Tensor input)
    {
        var weight = layer.weight!;
        return !layer.training && RemBertAutocast.ComputeType is null
            && input.dtype == _type && input.device_type == DeviceType.CPU
            && weight.dtype == _type && weight.device_type == DeviceType.CPU && TensorAddress.Of(weight) == _packedFrom
            && !(is_grad_enabled() && (weight.requires_grad || input.requires_grad));
    }

    /// <summary><paramref name="layer"/>'s linear map of <paramref name="input"/>, through the packed weight.</summary>
    public Tensor Forward(Linear layer, Tensor input) =>
        _mkl is not null ? MklPackedGemm.Multiply(input, _mkl, layer.bias) : OneDnnPackedLinear.Multiply(input, _oneDnn!, layer.bias);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _mkl?.Dispose();
            _oneDnn?.Dispose();
        }
        base.Dispose(disposing);
    }

    private const string EncoderPrefix = "encoder.";

    // The encoder's linears are TransposedLinear's; a LoRA adapter's own A and B (trained, small) are left alone.
    private static IEnumerable<Linear> EncoderLinears(RemBertPreTrainedModel model) =>
        model.BaseModel.named_modules()
            .Where(pair => pair.module is Linear && pair.name.StartsWith(EncoderPrefix, StringComparison.Ordinal)
                && !pair.name.Split('.').Contains(LoraAdapter.ChildName))
            .Select(pair => (Linear)pair.module);
}
