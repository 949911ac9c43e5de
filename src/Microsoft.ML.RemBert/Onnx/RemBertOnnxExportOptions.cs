namespace Microsoft.ML.RemBert.Onnx;

/// <summary>
/// How <c>mlContext.Model.ConvertToOnnx</c> writes a RemBERT transformer; pass them with
/// <see cref="Trainers.RemBertScoringTransformer.ForOnnxExport"/>. The defaults give float32 weights, equal to the
/// ML.NET zip's scores within float rounding.
/// </summary>
public sealed record RemBertOnnxExportOptions
{
    /// <summary>
    /// Dynamic int8 quantization of the encoder's linear layers: each weight matrix stored as int8 with one float
    /// scale per output column (symmetric), activations quantized per call by <c>DynamicQuantizeLinear</c> and
    /// multiplied by <c>MatMulInteger</c> (ONNX Runtime fuses the pair). About a quarter of the encoder's weight
    /// bytes; embeddings, pooler and task head stay float32. Scores move (see docs/onnx.md for the measured cost).
    /// </summary>
    public bool QuantizeInt8 { get; init; }

    /// <summary>
    /// The graph reads token ids (<c>InputIds</c>, <c>AttentionMask</c>, <c>TokenTypeIds</c>, int64 <c>[batch, seq]</c>)
    /// instead of the text columns, for callers who tokenize elsewhere. Default false: a sentence model's graph reads
    /// its text column(s) and tokenizes them itself (ONNX Runtime Extensions' SentencePiece operator, which the
    /// session must register); a tokenizer the graph cannot reproduce falls back to ids with a warning in
    /// <c>mlContext.Log</c> saying why.
    /// </summary>
    public bool TokenIdsInput { get; init; }

    /// <summary>
    /// Writes the weights as ONNX external data to this file instead of inside the .onnx file: needed when they exceed
    /// the 2 GiB one ONNX protobuf holds (google/rembert's float32 weights take 2.14 GiB), and allowed at any size. Every
    /// weight of at least 1 KiB goes to this file (offsets aligned for memory mapping), the graph keeps the small ones and
    /// names this file by its file name alone, so it must be in the same directory as the .onnx file the export writes.
    /// ONNX Runtime (and <c>ApplyOnnxModel</c>) finds it when it loads the model from that path; a model loaded from
    /// bytes (<c>InferenceSession(byte[])</c>, an ONNX model inside an ML.NET zip) cannot. The file is written
    /// atomically (complete, or unchanged when the export fails). Default null: weights inside the .onnx file.
    /// </summary>
    public string? ExternalDataPath { get; init; }

    /// <summary>Where an export that falls back (e.g. from text to ids) says so: the transformer's ML.NET channel.</summary>
    internal Action<string>? Warning { get; init; }

    /// <summary>The open side file of <see cref="ExternalDataPath"/> while the graph is written (set by <see cref="OnnxExternalData.Save"/>).</summary>
    internal OnnxExternalData? ExternalData { get; init; }

    /// <summary>
    /// The most weight bytes an export may hold inside the .onnx file without <see cref="ExternalDataPath"/>:
    /// <see cref="RemBertOnnxExportCheck.MaxInlineWeightBytes"/>, lowered by tests to reach the error without 2 GiB of weights.
    /// </summary>
    internal long MaxInlineWeightBytes { get; init; } = RemBertOnnxExportCheck.MaxInlineWeightBytes;
}
