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
    private static readonly string[] InputNames = ["input_ids", "token_type_ids", "attention_mask"];

    public static System.CommandLine.Command Create()
    {
        var model = new Option<DirectoryInfo>("--model") { Description = "Hugging Face checkpoint directory (config.json + weights).", Required = true };
        var inputs = new Option<FileInfo>("--inputs") { Description = "JSON file with input_ids, token_type_ids, attention_mask.", Required = true };
        var output = new Option<FileInfo>("--output") { Description = "Where to write the outputs as JSON.", Required = true };
        var device = new Option<string>("--device") { Description = "cpu, cuda, cuda:N or auto.", DefaultValueFactory = _ => "cpu" };
        var command = new System.CommandLine.Command("forward", "Run one forward pass of a RemBERT checkpoint on token ids.") { model, inputs, output, device };
        command.SetAction(parse => CliErrors.Run("forward", parse.InvocationConfiguration.Error, () =>
            Run(parse.GetValue(model)!.FullName, parse.GetValue(inputs)!.FullName, parse.GetValue(output)!.FullName,
                TorchRuntime.ParseDevice(parse.GetValue(device)), Console.Error)));
        return command;
    }

    /// <summary>Loads the checkpoint, runs it on the inputs and writes the outputs atomically.</summary>
    public static void Run(string modelDirectory, string inputsPath, string outputPath, Device device, TextWriter log)
    {
        AtomicFile.EnsureWritable(outputPath);
        var batch = ReadInputs(inputsPath);
        using var loaded = RemBertPretrained.FromPretrained(modelDirectory, device, new CheckpointLoadOptions { Log = log.WriteLine });
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var ids = batch["input_ids"].to(device);
        var mask = batch.TryGetValue("attention_mask", out var m) ? m.to(device) : null;
        var types = batch.TryGetValue("token_type_ids", out var t) ? t.to(device) : null;
        using var outputs = loaded.ForwardOutputs(ids, mask, types);
        WriteOutputs(outputPath, outputs.NamedTensors());
    }

    private static Dictionary<string, Tensor> ReadInputs(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var result = new Dictionary<string, Tensor>();
        foreach (var name in InputNames)
        {
            if (!doc.RootElement.TryGetProperty(name, out var element))
            {
                if (name == "input_ids") throw new InvalidDataException($"{path}: the key 'input_ids' is missing.");
                continue;
            }
            var shape = new List<long>();
            var values = new List<long>();
            Flatten(element, 0, shape, values, path, name);
            result[name] = tensor(values.ToArray(), shape.ToArray(), ScalarType.Int64);
        }
        return result;
    }

    /// <summary>Flattens nested integer arrays row-major, checking that every row at a depth has the same length.</summary>
    private static void Flatten(JsonElement element, int depth, List<long> shape, List<long> values, string path, string key)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt64(out var v))
                throw new InvalidDataException($"{path}: '{key}' holds {element.GetRawText()} where an integer is expected.");
            if (depth != shape.Count) throw new InvalidDataException($"{path}: '{key}' is ragged (a number at depth {depth}).");
            values.Add(v);
            return;
        }
        int length = element.GetArrayLength();
        // A new, deeper dimension after the first number ([[1, 2], [3, [4]]]) is ragged too, even when the counts multiply out.
        if (depth == shape.Count && values.Count > 0)
            throw new InvalidDataException($"{path}: '{key}' is ragged (an array at depth {depth}, where numbers were found before).");
        if (depth == shape.Count) shape.Add(length);
        else if (shape[depth] != length)
            throw new InvalidDataException($"{path}: '{key}' is ragged: a row at depth {depth} has {length} items, another {shape[depth]}.");
        foreach (var child in element.EnumerateArray()) Flatten(child, depth + 1, shape, values, path, key);
    }

    private static void WriteOutputs(string path, IReadOnlyList<(string Name, Tensor Value)> outputs)
    {
        AtomicFile.Write(path, stream =>
        {
            using var json = new Utf8JsonWriter(stream);
            json.WriteStartObject();
            foreach (var (name, value) in outputs)
            {
                json.WriteStartObject(name);
                json.WriteStartArray("shape");
                foreach (var d in value.shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data");
                foreach (var x in value.to(ScalarType.Float32).cpu().contiguous().data<float>()) json.WriteNumberValue(x);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        });
    }
}
