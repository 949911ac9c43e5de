using System.Globalization;
using Microsoft.ML.RemBert.Modeling;

namespace Microsoft.ML.RemBert.Onnx;

/// <summary>What makes a model impossible to export, checked before anything is written, with errors that say why.</summary>
internal static class RemBertOnnxExportCheck
{
    /// <summary>
    /// The most weight bytes one .onnx file can hold: ML.NET's converter writes the graph as one protobuf message,
    /// and protobuf messages are limited to 2 GiB. Larger models need <see cref="RemBertOnnxExportOptions.ExternalDataPath"/>.
    /// </summary>
    public const long MaxInlineWeightBytes = int.MaxValue;

    /// <summary>Throws <see cref="NotSupportedException"/> naming the model and the reason when it cannot be exported with <paramref name="options"/>.</summary>
    public static void ThrowIfUnsupported(RemBertPreTrainedModel model, RemBertOnnxExportOptions options)
    {
        var config = model.Config;
        if (config.IsDecoder)
            throw new NotSupportedException(
                $"ONNX export of {model.GetType().Name}: is_decoder is true (causal attention); only encoder models can be exported.");
        // With external data only tensors under 1 KiB stay in the graph: no model of this architecture comes near the limit.
        long bytes = InlineWeightBytes(model, options.QuantizeInt8);
        if (options.ExternalData is null && bytes > options.MaxInlineWeightBytes)
            throw new NotSupportedException(
                $"ONNX export of {model.GetType().Name}: its weights take {Size(bytes)} inside the .onnx file " +
                $"({(options.QuantizeInt8 ? "int8 encoder weights, float32 rest" : "float32")}; {config.NumHiddenLayers} layers, vocab_size {config.VocabSize}), " +
                $"more than the {Size(options.MaxInlineWeightBytes)} one ONNX protobuf can hold. Set RemBertOnnxExportOptions.ExternalDataPath " +
                "to a file beside the .onnx file to write the weights there (ONNX external data)" +
                (options.QuantizeInt8 ? "." : ", or export int8 weights (RemBertOnnxExportOptions.QuantizeInt8)."));
        if (!RemBertActivation.IsSupported(config.HiddenAct))
            throw new NotSupportedException($"ONNX export of {model.GetType().Name}: hidden_act '{config.HiddenAct}' has no ONNX form.");
    }

    /// <summary>
    /// The bytes <paramref name="model"/>'s weights take in an export without external data: four per float32 value;
    /// with <paramref name="quantizeInt8"/>, one per int8 weight (<see cref="RemBertOnnxWriter.IsQuantizedWeight"/>)
    /// plus a float32 scale per output column.
    /// </summary>
    public static long InlineWeightBytes(RemBertPreTrainedModel model, bool quantizeInt8)
        => model.named_parameters().Sum(parameter => quantizeInt8 && RemBertOnnxWriter.IsQuantizedWeight(parameter.name)
            ? parameter.parameter.numel() + sizeof(float) * parameter.parameter.shape[0]
            : sizeof(float) * parameter.parameter.numel());

    private static string Size(long bytes)
        => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024 * 1024):F2} GiB ({bytes:N0} bytes)");
}
