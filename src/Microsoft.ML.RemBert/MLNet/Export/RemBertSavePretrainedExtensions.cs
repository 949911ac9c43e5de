using System.Text.Json;
using Microsoft.ML.RemBert.Checkpoints;
using Microsoft.ML.RemBert.IO;
using Microsoft.ML.RemBert.MLNet.Embeddings;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.MLNet.Trainers;
using Microsoft.ML.RemBert.MLNet.Trainers.MultipleChoice;
using Microsoft.ML.RemBert.MLNet.Trainers.NamedEntities;
using Microsoft.ML.RemBert.MLNet.Trainers.QuestionAnswering;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Pretraining;
using Microsoft.ML.RemBert.Tokenization;
using Microsoft.ML.RemBert.Trainers;

// In the Microsoft.ML namespace, like the catalog extensions, so `using Microsoft.ML;` is enough.
namespace Microsoft.ML;

/// <summary>Exports a RemBERT transformer (a trainer's, ApplyRemBertModel's or RemBertEmbeddings') as a transformers checkpoint directory.</summary>
public static class RemBertSavePretrainedExtensions
{
    private const string SpecialTokensMapFileName = "special_tokens_map.json";

    /// <summary>
    /// Writes <paramref name="transformer"/>'s model as transformers' <c>save_pretrained</c> does, so Python's
    /// <c>AutoModelFor….from_pretrained(directory)</c> and <c>AutoTokenizer.from_pretrained(directory)</c> load it:
    /// <c>config.json</c> (<c>architectures</c> of the matching RemBertFor… class; for classifiers <c>id2label</c> /
    /// <c>label2id</c> from the key values and <c>problem_type</c>; <c>torch_dtype</c> of the weights),
    /// <c>model.safetensors</c> (transformers' key names, float32 or the zip's bfloat16), <c>sentencepiece.model</c>,
    /// <c>tokenizer_config.json</c> and <c>special_tokens_map.json</c>. The directory is written beside its final place and
    /// moved there whole: a failed or cancelled export leaves an existing directory as it was. <c>ApplyRemBertModel</c>
    /// on the directory gives a transformer that scores exactly as this one.
    /// </summary>
    /// <param name="transformer">The transformer; it is only read (safe while it scores).</param>
    /// <param name="directory">The checkpoint directory to create or replace; its parent must exist.</param>
    /// <param name="cancellationToken">Stops the export; the directory is then unchanged.</param>
    /// <exception cref="NotSupportedException">The transformer runs no RemBERT model of a known task.</exception>
    public static void SaveAsPretrained(this RemBertScoringTransformer transformer, string directory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transformer);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var (model, tokenizer, config) = Describe(transformer.ScoringTask);
        config = config with { Architectures = [model.GetType().Name], TorchDtype = DtypeName(model) };
        config.Validate();
        CheckpointDirectory.Replace(directory, staging =>
        {
            CheckpointWriter.SaveDirectory(model, staging, config.ToJson(), cancellationToken);
            tokenizer.SaveVocabulary(staging);
            // The tokenizer truncates where the model's positions end, as save_pretrained records model_max_length.
            TokenizerConfigFile.Write(Path.Combine(staging, TokenizerConfigReader.FileName),
                tokenizer.Options with { ModelMaxLength = config.MaxPositionEmbeddings });
            WriteSpecialTokensMap(Path.Combine(staging, SpecialTokensMapFileName), tokenizer.Options);
        }, cancellationToken);
    }

    // The model, its tokenizer and the config that describes its head: the head's labels and problem type as the
    // trainers configure them (a model applied from a checkpoint already has them; a trained one too, this makes sure).
    private static (RemBertPreTrainedModel Model, RemBertTokenizer Tokenizer, RemBertConfig Config) Describe(RemBertScoringTask task) => task switch
    {
        SequenceScoringTask sequence => (sequence.Model, sequence.Encoder.Tokenizer, sequence.Head.Configure(sequence.Model.Config)),
        NamedEntityScoringTask tags => (tags.Model, tags.Windows.Tokenizer, tags.Model.Config.WithLabels(tags.Tags.Names)),
        QuestionAnsweringScoringTask answers => (answers.Model, answers.Encoder.Tokenizer, answers.Model.Config),
        MultipleChoiceScoringTask choices => (choices.Model, choices.Encoder.Tokenizer, choices.Model.Config),
        EmbeddingScoringTask embeddings => (embeddings.Model, embeddings.Encoder.Tokenizer, embeddings.Model.Config),
        _ => throw new NotSupportedException($"{task.GetType().Name} runs no RemBERT task model that a transformers checkpoint can hold."),
    };

    // config.json's torch_dtype as save_pretrained records it: the dtype the weights are written in.
    private static string DtypeName(RemBertPreTrainedModel model) => model.parameters().First().dtype switch
    {
        TorchSharp.torch.ScalarType.BFloat16 => "bfloat16",
        TorchSharp.torch.ScalarType.Float16 => "float16",
        TorchSharp.torch.ScalarType.Float64 => "float64",
        _ => "float32",
    };

    // transformers' special_tokens_map.json for RemBertTokenizer: its bos/eos are [CLS]/[SEP].
    private static void WriteSpecialTokensMap(string path, RemBertTokenizerOptions options) => AtomicFile.Write(path, stream =>
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("bos_token", options.ClsToken);
        json.WriteString("cls_token", options.ClsToken);
        json.WriteString("eos_token", options.SepToken);
        json.WriteString("mask_token", options.MaskToken);
        json.WriteString("pad_token", options.PadToken);
        json.WriteString("sep_token", options.SepToken);
        json.WriteString("unk_token", options.UnkToken);
        json.WriteEndObject();
    });
}
