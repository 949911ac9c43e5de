using Microsoft.ML.RemBert.IO;
using Microsoft.ML.RemBert.Modeling;
using TorchSharp;

namespace Microsoft.ML.RemBert.Checkpoints;

/// <summary>Saves a module as a Hugging Face checkpoint directory (<c>model.safetensors</c> + <c>config.json</c>).</summary>
internal static class CheckpointWriter
{
    /// <summary>
    /// Writes <paramref name="model"/>'s state dict under transformers' key names to <c>model.safetensors</c> and
    /// <paramref name="configJson"/> to <c>config.json</c> in <paramref name="directory"/> (created if needed).
    /// Both files are written under temporary names and renamed into place only when both are complete, so a failed
    /// or cancelled save changes neither; other files in the directory (tokenizer…) are left alone.
    /// </summary>
    public static void SaveDirectory(torch.nn.Module model, string directory, string configJson, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(directory);
        var stateDict = model.state_dict().ToList();
        AtomicFile.WriteAll(new (string, Action<Stream, CancellationToken>)[]
        {
            (Path.Combine(directory, CheckpointFileNames.SafeTensors), (stream, token) => SafeTensorsWriter.WriteTo(stream, stateDict, null, token)),
            (Path.Combine(directory, CheckpointFileNames.Config), (stream, _) => RemBertConfig.WriteConfigFile(stream, configJson)),
        }, cancellationToken);
    }
}
