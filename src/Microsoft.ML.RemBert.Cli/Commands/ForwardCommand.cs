using System.CommandLine;
using System.Text.Json;
using Microsoft.ML.RemBert.Checkpoints;
using Microsoft.ML.RemBert.IO;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Cli.Commands;

/// <summary>
/// <c>rembert forward --model DIR --inputs IN.json --output OUT.json</c>: one batched forward pass of a Hugging Face
/// checkpoint. Input: <c>input_ids</c>, optional <c>token_type_ids</c> and <c>attention_mask</c> as [batch][length]
/// integer arrays ([batch][choices][length] for multiple choice). Output: transformers' output names for the
/// checkpoint's architecture, each <c>{"shape": [...], "data": [flat row-major floats]}</c>.
/// </summary>
public static class ForwardCommand
{
    /// <summary>Builds the command; SIGINT/SIGTERM cancel it through <paramref name="interruption"/>.</summary>
    public static System.CommandLine.Command Create(Interruption interruption)
    {
        var model = new Option<string>("--model") { Description = $"Hugging Face checkpoint directory (config.json + weights), a Hub id (google/rembert), or {ModelArgument.DefaultHelp}.", Required = true };
        var inputs = new Option<FileInfo>("--inputs") { Description = "JSON file with input_ids, token_type_ids, attention_mask.", Required = true };
        var output = new Option<FileInfo>("--output") { Description = "Where to write the outputs as JSON (a file, /dev/stdout, a FIFO).", Required = true };
        var device = DeviceOption.Create("cpu");
        var allowMissingWeights = new Option<bool>("--allow-missing-weights")
        {
            Description = "Run even when the checkpoint lacks encoder or embedding weights (they stay randomly initialised: the outputs are meaningless).",
        };
        var precision = PrecisionOption.Create("the model's weights and compute (LayerNorm, softmax and outputs stay float32)");
        var command = new System.CommandLine.Command("forward", "Run one forward pass of a RemBERT checkpoint on token ids.")
            { model, inputs, output, device, allowMissingWeights, precision };
        command.SetAction(parse => CliErrors.Run("forward", parse.InvocationConfiguration.Error, interruption, () =>
        {
            var onDevice = TorchRuntime.ParseDevice(parse.GetValue(device)); // a wrong --device fails before any download
            Run(ModelArgument.ResolveCheckpoint(parse.GetValue(model)!), parse.GetValue(inputs)!.FullName, parse.GetValue(output)!.FullName,
                onDevice, Console.Error, parse.GetValue(allowMissingWeights), interruption.Token, PrecisionOption.Value(parse, precision));
        }));
        return command;
    }

    /// <summary>Loads the checkpoint, runs it on the inputs and writes the outputs (atomically for a regular file).</summary>
    /// <exception cref="InvalidDataException">The inputs file is malformed, or its values do not fit the checkpoint; the message names the file.</exception>
    public static void Run(string modelDirectory, string inputsPath, string outputPath, Device device, TextWriter log,
        bool allowMissingWeights = false, CancellationToken cancellationToken = default, RemBertPrecision precision = RemBertPrecision.Float32)
    {
        AtomicFile.EnsureWritable(outputPath);
        var batch = ForwardInputs.Read(inputsPath);
        using var loaded = RemBertCheckpoint.FromPretrained(modelDirectory, device,
            new CheckpointLoadOptions { Log = log.WriteLine, AllowMissingBaseWeights = allowMissingWeights, Precision = precision });
        cancellationToken.ThrowIfCancellationRequested();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var ids = batch["input_ids"].to(device);
        var mask = batch.TryGetValue("attention_mask", out var m) ? m.to(device) : null;
        var types = batch.TryGetValue("token_type_ids", out var t) ? t.to(device) : null;
        RemBertModelOutput outputs;
        try
        {
            outputs = loaded.ForwardOutputs(ids, mask, types);
        }
        catch (ArgumentException e)
        {
            // The model checks its arguments (rank, shapes, id ranges): here they all come from the user's file.
            throw new InvalidDataException($"{inputsPath}: {e.Message}", e);
        }
        using (outputs)
            AtomicFile.Write(outputPath, (stream, token) => ForwardOutputWriter.Write(HeldOutput.Wrap(stream, token), outputs.NamedTensors(), token), cancellationToken);
        // After success only: a refused input gets its one error line and nothing else.
        if (device.type == DeviceType.CPU)
            log.WriteLine($"float32 matmuls: {TorchRuntime.MklDispatch.Reason}");
    }
}
