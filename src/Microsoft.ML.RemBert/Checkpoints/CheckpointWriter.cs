using TorchSharp;

namespace Microsoft.ML.RemBert.Checkpoints;

/// <summary>Saves a module as a Hugging Face checkpoint directory (<c>model.safetensors</c> + <c>config.json</c>).</summary>
public static class CheckpointWriter
{
    /// <summary>
    /// Writes <paramref name="model"/>'s state dict under transformers' key names to <c>model.safetensors</c> and
    /// <paramref name="configJson"/> to <c>config.json</c> in <paramref name="directory"/> (created if needed).
    /// Each file is written to a temporary name and renamed into place, weights first, so a failed or cancelled
    /// save leaves no half-written file; other files in the directory (tokenizer…) are left alone.
    /// </summary>
    public static void SaveDirectory(torch.nn.Module model, string directory, string configJson, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(directory);
        var stateDict = model.state_dict().ToList();
        SafeTensorsWriter.Write(Path.Combine(directory, CheckpointFileNames.SafeTensors), stateDict, cancellationToken: cancellationToken);
        AtomicFile.Write(Path.Combine(directory, CheckpointFileNames.Config),
            (stream, _) => stream.Write(System.Text.Encoding.UTF8.GetBytes(configJson)), cancellationToken);
    }
}
