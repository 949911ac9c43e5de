using Microsoft.ML.RemBert.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.MLNet.Persistence;

/// <summary>
/// Stores a RemBERT model (architecture, config.json and every weight) as one entry of an ML.NET model zip, so a
/// saved pipeline needs no checkpoint directory. The weights are streamed tensor by tensor (see
/// <see cref="TensorPayloads"/>): saving or loading google/rembert's 2.3 GB never holds a second copy in memory.
/// Shared by every transformer that owns a model.
/// </summary>
internal static class RemBertModelEntry
{
    /// <summary>Name of the entry inside the owning transformer's directory.</summary>
    public const string EntryName = "RemBertModel.bin";

    // Version 1: the layout below.
    private static readonly EntryFormatVersion Version = new(Current: 1, OldestReadable: 1);

    // Body layout, version 1 (inside the VersionedEntry frame: magic, version, body, end marker):
    //   string   Architecture   transformers class name, e.g. "RemBertForSequenceClassification"
    //   string   ConfigJson     the model's config.json text (RemBertConfig.ToJson)
    //   int32    DType          element type of the parameters (TorchSharp ScalarType: 6 float32, 15 bfloat16…)
    //   tensors  StateDict      every parameter and buffer (TensorPayloads layout)
    /// <summary>Writes <paramref name="model"/> (on any device; its tensors are streamed through the CPU).</summary>
    public static void Save(ModelSaveContext ctx, RemBertPreTrainedModel model)
        => ctx.SaveEntry(EntryName, Version, writer =>
        {
            writer.Write(model.GetType().Name);
            writer.Write(model.Config.ToJson());
            writer.Write((int)ParameterType(model));
            writer.WriteTensors(model.state_dict().Select(pair => (pair.Key, pair.Value)).ToList());
        });

    /// <summary>
    /// Reads the layout written by <see cref="Save"/>: builds the architecture from the saved config without random
    /// initialisation, fills every weight from the entry, and returns the model in eval mode on the CPU, in the saved element type.
    /// </summary>
    public static RemBertPreTrainedModel Load(ModelLoadContext ctx)
    {
        string entryPath = ModelContextEntries.EntryPath(ctx, EntryName);
        return ctx.LoadEntry(EntryName, Version, (reader, _) =>
        {
            string architecture = reader.ReadString();
            var config = ReadConfig(reader.ReadString(), entryPath);
            var dtype = (ScalarType)reader.ReadInt32();
            if (dtype is not (ScalarType.Float32 or ScalarType.BFloat16 or ScalarType.Float16 or ScalarType.Float64))
                throw new RemBertModelFormatException(entryPath, $"parameter element type {(int)dtype} is not a floating-point type.");
            // float32 and bfloat16 models are built in their type (a bfloat16 zip loads in half the memory); others are converted.
            if (RemBertPrecisions.FromScalarType(dtype) is { } precision)
                config = config with { Precision = precision };
            RemBertPreTrainedModel model;
            try
            {
                model = RemBertModelFactory.Create(config, architecture, initializeWeights: false);
            }
            catch (ArgumentException ex)
            {
                throw new RemBertModelFormatException(entryPath, ex.Message, ex);
            }
            try
            {
                if (model.parameters().First().dtype != dtype)
                    model.to(dtype);
                reader.ReadTensorsInto(model.state_dict());
                model.eval();
                return model;
            }
            catch (Exception ex)
            {
                model.Dispose();
                if (ex is InvalidDataException)
                    throw new RemBertModelFormatException(entryPath, ex.Message, ex);
                throw;
            }
        });
    }

    /// <summary>The parameters' element type (every RemBERT parameter has the same one).</summary>
    private static ScalarType ParameterType(RemBertPreTrainedModel model) => model.parameters().First().dtype;

    private static RemBertConfig ReadConfig(string json, string entryPath)
    {
        try
        {
            return RemBertConfig.FromJson(json, entryPath);
        }
        catch (RemBertConfigException ex)
        {
            throw new RemBertModelFormatException(entryPath, ex.Message, ex);
        }
    }
}
