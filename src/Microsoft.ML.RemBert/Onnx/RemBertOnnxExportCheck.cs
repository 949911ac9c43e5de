using Microsoft.ML.RemBert.Modeling;

namespace Microsoft.ML.RemBert.Onnx;

/// <summary>What makes a model impossible to export, checked before anything is written, with errors that say why.</summary>
internal static class RemBertOnnxExportCheck
{
    /// <summary>
    /// The largest graph ML.NET's converter can write: it holds every weight inside one protobuf message, and
    /// protobuf messages are limited to 2 GiB (ML.NET cannot write ONNX external data).
    /// </summary>
    public const long MaxWeightBytes = int.MaxValue;

    /// <summary>Throws <see cref="NotSupportedException"/> naming the model and the reason when it cannot be exported.</summary>
    public static void ThrowIfUnsupported(RemBertPreTrainedModel model)
    {
        var config = model.Config;
        if (config.IsDecoder)
            throw new NotSupportedException(
                $"ONNX export of {model.GetType().Name}: is_decoder is true (causal attention); only encoder models can be exported.");
        long bytes = model.parameters().Sum(parameter => parameter.numel() * sizeof(float));
        if (bytes > MaxWeightBytes)
            throw new NotSupportedException(
                $"ONNX export of {model.GetType().Name}: its weights take {bytes / (1024.0 * 1024 * 1024):F2} GiB as float32, more than the 2 GiB " +
                "one ONNX protobuf can hold, and ML.NET's ConvertToOnnx cannot write ONNX external data. Export a smaller model " +
                $"(fewer layers or a smaller vocabulary: {config.NumHiddenLayers} layers, vocab_size {config.VocabSize} here).");
        if (!RemBertActivation.IsSupported(config.HiddenAct))
            throw new NotSupportedException($"ONNX export of {model.GetType().Name}: hidden_act '{config.HiddenAct}' has no ONNX form.");
    }
}
