using System.Globalization;

namespace Microsoft.ML.RemBert.Modeling;

public sealed partial record RemBertConfig
{
    /// <summary>Bytes per parameter of a model as built (float32).</summary>
    private const double BytesPerParameter = sizeof(float);

    /// <summary>
    /// The number of parameters <paramref name="architecture"/> (a transformers class name; the bare encoder when null)
    /// has when built from this configuration, computed in floating point so that no configuration overflows it.
    /// </summary>
    public double EstimateParameterCount(string? architecture = null)
    {
        double v = VocabSize, h = HiddenSize, layers = NumHiddenLayers, e = InputEmbeddingSize, o = OutputEmbeddingSize;
        double i = IntermediateSize, labels = NumLabels;
        double layerNorm(double width) => 2 * width;
        double linear(double input, double output) => input * output + output;

        double embeddings = (v + MaxPositionEmbeddings + (double)TypeVocabSize) * e + layerNorm(e);
        double layer = 4 * linear(h, h) + layerNorm(h) + linear(h, i) + linear(i, h) + layerNorm(h);
        double encoder = linear(e, h) + layers * layer;
        double head = (architecture ?? RemBertArchitectures.Model) switch
        {
            RemBertArchitectures.Model => linear(h, h),
            RemBertArchitectures.ForSequenceClassification => linear(h, h) + linear(h, labels),
            RemBertArchitectures.ForMultipleChoice => linear(h, h) + linear(h, 1),
            RemBertArchitectures.ForTokenClassification => linear(h, labels),
            RemBertArchitectures.ForQuestionAnswering => linear(h, 2),
            RemBertArchitectures.ForMaskedLM or RemBertArchitectures.ForCausalLM => linear(h, o) + layerNorm(o) + linear(o, v),
            _ => linear(h, h) + linear(h, labels) + linear(h, o) + layerNorm(o) + linear(o, v), // an upper bound for any head
        };
        return embeddings + encoder + head;
    }

    /// <summary>
    /// Refuses, before libtorch allocates anything, a configuration whose model would not fit in the memory available
    /// to this process (<see cref="GCMemoryInfo.TotalAvailableMemoryBytes"/>) or whose size overflows: a config.json
    /// saying <c>num_hidden_layers: 100000</c> otherwise ends in a native allocation failure that kills the process.
    /// </summary>
    /// <exception cref="RemBertConfigException">Names the field that makes the model too large (the one whose reduction to
    /// google/rembert's value shrinks it most), the estimated size and the memory available.</exception>
    internal void CheckModelFitsInMemory(string source, string? architecture)
    {
        double parameters = EstimateParameterCount(architecture);
        double bytes = parameters * BytesPerParameter;
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        bool overflows = !(bytes < long.MaxValue);
        if (!overflows && bytes <= available) return;

        var (field, value) = LargestContributor(architecture);
        string size = overflows
            ? $"a parameter count ({parameters.ToString("G3", CultureInfo.InvariantCulture)}) whose size in bytes overflows 64 bits"
            : $"about {parameters.ToString("G3", CultureInfo.InvariantCulture)} parameters ({FormatBytes(bytes)} as float32), more than the {FormatBytes(available)} of memory available to this process";
        throw new RemBertConfigException(source, field, value.ToString(CultureInfo.InvariantCulture),
            $"a {architecture ?? RemBertArchitectures.Model} with this configuration would have {size} " +
            $"(vocab_size {VocabSize}, hidden_size {HiddenSize}, num_hidden_layers {NumHiddenLayers}, intermediate_size {IntermediateSize}, " +
            $"input_embedding_size {InputEmbeddingSize}, output_embedding_size {OutputEmbeddingSize}, max_position_embeddings {MaxPositionEmbeddings}, " +
            $"type_vocab_size {TypeVocabSize}, num_labels {NumLabels})");
    }

    /// <summary>The size field whose reset to google/rembert's value (when larger) shrinks the model most.</summary>
    private (string Field, int Value) LargestContributor(string? architecture)
    {
        var defaults = new RemBertConfig();
        var candidates = new (string Field, int Value, RemBertConfig Smaller)[]
        {
            (RemBertConfigKeys.NumHiddenLayers, NumHiddenLayers, this with { NumHiddenLayers = Math.Min(NumHiddenLayers, defaults.NumHiddenLayers) }),
            (RemBertConfigKeys.HiddenSize, HiddenSize, this with { HiddenSize = Math.Min(HiddenSize, defaults.HiddenSize) }),
            (RemBertConfigKeys.IntermediateSize, IntermediateSize, this with { IntermediateSize = Math.Min(IntermediateSize, defaults.IntermediateSize) }),
            (RemBertConfigKeys.VocabSize, VocabSize, this with { VocabSize = Math.Min(VocabSize, defaults.VocabSize) }),
            (RemBertConfigKeys.InputEmbeddingSize, InputEmbeddingSize, this with { InputEmbeddingSize = Math.Min(InputEmbeddingSize, defaults.InputEmbeddingSize) }),
            (RemBertConfigKeys.OutputEmbeddingSize, OutputEmbeddingSize, this with { OutputEmbeddingSize = Math.Min(OutputEmbeddingSize, defaults.OutputEmbeddingSize) }),
            (RemBertConfigKeys.MaxPositionEmbeddings, MaxPositionEmbeddings, this with { MaxPositionEmbeddings = Math.Min(MaxPositionEmbeddings, defaults.MaxPositionEmbeddings) }),
            (RemBertConfigKeys.TypeVocabSize, TypeVocabSize, this with { TypeVocabSize = Math.Min(TypeVocabSize, defaults.TypeVocabSize) }),
            (RemBertConfigKeys.NumLabels, NumLabels, this with { NumLabels = Math.Min(NumLabels, defaults.NumLabels), Id2Label = null, Label2Id = null }),
        };
        var best = candidates.MaxBy(c => EstimateParameterCount(architecture) - c.Smaller.EstimateParameterCount(architecture));
        return (best.Field, best.Value);
    }

    private static string FormatBytes(double bytes)
    {
        string[] units = { "bytes", "KB", "MB", "GB", "TB", "PB", "EB" };
        int unit = 0;
        while (bytes >= 1024 && unit < units.Length - 1) { bytes /= 1024; unit++; }
        return bytes.ToString(unit == 0 ? "F0" : "F1", CultureInfo.InvariantCulture) + " " + units[unit];
    }
}
