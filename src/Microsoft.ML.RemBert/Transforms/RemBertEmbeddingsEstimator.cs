using Microsoft.ML.Data;
using Microsoft.ML.RemBert.Checkpoints;
using Microsoft.ML.RemBert.MLNet.Embeddings;
using Microsoft.ML.RemBert.MLNet.Trainers;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Runtime;
using Microsoft.ML.RemBert.Tokenization;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.RemBert.Transforms;

/// <summary>
/// Estimator of <see cref="RemBertEmbeddingsTransformer"/> (<c>mlContext.Transforms.Text.RemBertEmbeddings</c>): learns
/// nothing from the data; <c>Fit</c> checks the text column, loads the tokenizer and the checkpoint's encoder (any
/// RemBERT checkpoint: a head's weights are left out) and returns the transformer, which owns the encoder's memory.
/// Stateless between calls: thread-safe.
/// </summary>
public sealed class RemBertEmbeddingsEstimator : IEstimator<RemBertEmbeddingsTransformer>
{
    private readonly IHost _host;
    private readonly string _outputColumnName;
    private readonly string _inputColumnName;
    private readonly RemBertEmbeddingsOptions _options;

    internal RemBertEmbeddingsEstimator(IHostEnvironment env, string outputColumnName, string inputColumnName, RemBertEmbeddingsOptions options)
    {
        _host = Contracts.CheckRef(env, nameof(env)).Register(nameof(RemBertEmbeddingsEstimator));
        _host.CheckNonWhiteSpace(outputColumnName, nameof(outputColumnName));
        _host.CheckNonWhiteSpace(inputColumnName, nameof(inputColumnName));
        _host.CheckValue(options, nameof(options));
        _outputColumnName = outputColumnName;
        _inputColumnName = inputColumnName;
        _options = options;
    }

    /// <summary>Loads the encoder and returns the transformer.</summary>
    /// <exception cref="ArgumentException">An option is invalid, the input column is missing or not text, or the tokenizer does not fit the model; the message names it.</exception>
    public RemBertEmbeddingsTransformer Fit(IDataView input)
    {
        _host.CheckValue(input, nameof(input));
        _options.Validate();
        SequenceEncoder.CheckTextColumn(input.Schema, _inputColumnName, "inputColumnName", "input data");
        using var channel = _host.Start("RemBertEmbeddings");
        string directory = EmbeddingModelLocation.Resolve(_options, channel);
        var config = RemBertConfig.Load(directory);
        var tokenizer = RemBertTokenizer.FromPretrained(_options.Tokenizer ?? directory);
        if (tokenizer.SentencePiece.VocabularySize != config.VocabSize)
            throw new ArgumentException($"The tokenizer '{_options.Tokenizer ?? directory}' has {tokenizer.SentencePiece.VocabularySize} pieces but the model " +
                $"({directory}) has vocab_size {config.VocabSize}: they must be the same vocabulary.", nameof(RemBertEmbeddingsOptions.Tokenizer));
        if (_options.MaxSequenceLength > config.MaxPositionEmbeddings)
            throw new ArgumentOutOfRangeException(nameof(RemBertEmbeddingsOptions.MaxSequenceLength), _options.MaxSequenceLength,
                $"MaxSequenceLength is {_options.MaxSequenceLength} but the model ({directory}) has max_position_embeddings {config.MaxPositionEmbeddings}.");
        var device = TorchRuntime.ParseDevice(_options.Device);
        // The encoder of any checkpoint; the pooler is not used (Cls pooling takes the [CLS] vector itself), so a
        // masked-LM checkpoint without one is fine.
        var loadOptions = new CheckpointLoadOptions { Precision = _options.Precision, AllowMissingPooler = true, Log = message => channel.Warning(message) };
        var encoder = RemBertCheckpoint.FromPretrained<RemBertModel>(directory, device, loadOptions);
        try
        {
            channel.Info($"Embedding '{_inputColumnName}' into '{_outputColumnName}' with {directory} ({config.HiddenSize} dimensions, {_options.Pooling} pooling" +
                $"{(_options.Normalize ? ", L2-normalised" : "")}), device {device}.");
            var task = new EmbeddingScoringTask(new SequenceEncoder(tokenizer, _inputColumnName, null, _options.MaxSequenceLength),
                _outputColumnName, _options.Pooling, _options.Normalize, encoder);
            return new RemBertEmbeddingsTransformer(_host, task, _options.InferenceBatchSize);
        }
        catch
        {
            encoder.Dispose();
            throw;
        }
    }

    /// <summary>The input columns plus the embedding column (a vector of Single); throws naming a missing or non-text input column.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        _host.CheckValue(inputSchema, nameof(inputSchema));
        if (!inputSchema.TryFindColumn(_inputColumnName, out var column))
            throw _host.ExceptSchemaMismatch(nameof(inputSchema), "input", _inputColumnName);
        if (column.Kind != SchemaShape.Column.VectorKind.Scalar || column.ItemType is not TextDataViewType)
            throw _host.ExceptSchemaMismatch(nameof(inputSchema), "input", _inputColumnName, "String", column.GetTypeString());
        var columns = inputSchema.ToDictionary(c => c.Name);
        columns[_outputColumnName] = new SchemaShape.Column(_outputColumnName, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, isKey: false);
        return new SchemaShape(columns.Values);
    }
}
