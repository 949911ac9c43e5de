using Microsoft.ML.RemBert.Modeling;

namespace Microsoft.ML.RemBert.Checkpoints;

/// <summary>The file names transformers uses in a checkpoint directory, in the order it prefers them.</summary>
public static class CheckpointFileNames
{
    /// <summary>Single-file safetensors weights.</summary>
    public const string SafeTensors = "model.safetensors";

    /// <summary>Index of sharded safetensors weights.</summary>
    public const string SafeTensorsIndex = "model.safetensors.index.json";

    /// <summary>Single-file torch.save weights.</summary>
    public const string PyTorch = "pytorch_model.bin";

    /// <summary>Index of sharded torch.save weights.</summary>
    public const string PyTorchIndex = "pytorch_model.bin.index.json";

    /// <summary>The model configuration (<see cref="RemBertConfig.ConfigFileName"/>).</summary>
    public const string Config = RemBertConfig.ConfigFileName;

    /// <summary>Weights files looked for, best first (safetensors before pickles, as transformers does).</summary>
    public static IReadOnlyList<string> WeightsFilesInPreferenceOrder { get; } = new[] { SafeTensors, SafeTensorsIndex, PyTorch, PyTorchIndex };
}
