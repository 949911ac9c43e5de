using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.RemBert.MLNet.Persistence;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.MLNet.Tokenization;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Onnx;
using Microsoft.ML.RemBert.Onnx.Tasks;
using Microsoft.ML.RemBert.Tokenization;
using Microsoft.ML.RemBert.Transforms;
using Microsoft.ML.Runtime;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.MLNet.Trainers.NamedEntities;

/// <summary>
/// Scoring for named-entity recognition on the batched scoring base: a row is its words' windows; every window of
/// every row of a batch goes through one forward pass; each word's logits are taken at its first piece in its placement
/// window (<see cref="WordWindows"/>), so exactly one tag comes out per word, on that word. Saves the word source,
/// window settings, output names and tags, the tokenizer and the model inside the zip.
/// </summary>
internal sealed class NamedEntityScoringTask : RemBertScoringTask<WindowedWords, WordTags>
{
    /// <summary>Name of the task's entry in the transformer's directory.</summary>
    public const string EntryName = "RemBertNamedEntityTask.bin";

    // Version 1: the layout documented at Save.
    private static readonly EntryFormatVersion Version = new(Current: 1, OldestReadable: 1);

    public NamedEntityScoringTask(WordSource words, WordWindows windows, TagSet tags, string predictedLabelColumnName, string scoreColumnName,
        RemBertForTokenClassification model)
    {
        if (model.Config.NumLabels != tags.Count)
            throw new ArgumentException($"The model has {model.Config.NumLabels} outputs per token but there are {tags.Count} tags.", nameof(model));
        Words = words;
        Windows = windows;
        Tags = tags;
        PredictedLabelColumnName = predictedLabelColumnName;
        ScoreColumnName = scoreColumnName;
        Model = model;
        InputColumns = [words.InputColumn];
        Outputs = CreateOutputs(tags, predictedLabelColumnName, scoreColumnName);
    }

    public WordSource Words { get; }

    public WordWindows Windows { get; }

    public TagSet Tags { get; }

    public string PredictedLabelColumnName { get; }

    public string ScoreColumnName { get; }

    public RemBertForTokenClassification Model { get; }

    internal override RemBertPreTrainedModel ScoredModel => Model;

    public override IReadOnlyList<ScoringInputColumn> InputColumns { get; }

    public override IReadOnlyList<ScoringOutputColumn<WordTags>> Outputs { get; }

    /// <summary>
    /// PredictedLabel: a vector of keys (one per word) of the tags' key type, with the tag names as KeyValues; Score: a
    /// vector of Single (one per word), the probability of the predicted tag.
    /// </summary>
    public static IReadOnlyList<ScoringOutputColumn<WordTags>> CreateOutputs(TagSet tags, string predictedLabelColumnName, string scoreColumnName)
    {
        var names = tags.Names.Select(name => name.AsMemory()).ToArray();
        var keyAnnotations = new DataViewSchema.Annotations.Builder();
        keyAnnotations.AddKeyValues(names.Length, TextDataViewType.Instance,
            (ref VBuffer<ReadOnlyMemory<char>> value) => value = new VBuffer<ReadOnlyMemory<char>>(names.Length, (ReadOnlyMemory<char>[])names.Clone()));
        return
        [
            ScoringOutputColumn<WordTags>.Create(predictedLabelColumnName, new VectorDataViewType(tags.KeyType),
                (WordTags result, ref VBuffer<uint> value) => Fill(result.Keys, ref value), keyAnnotations.ToAnnotations()),
            ScoringOutputColumn<WordTags>.Create(scoreColumnName, new VectorDataViewType(NumberDataViewType.Single),
                (WordTags result, ref VBuffer<float> value) => Fill(result.Scores, ref value)),
        ];
    }

    public override Func<WindowedWords> CreateRowReader(DataViewRow input)
    {
        var readWords = Words.CreateReader(input);
        return () => Windows.Encode(readWords());
    }

    // Every window of every row, in row order. A batch whose rows have no words at all still runs one forward pass (the
    // base always collates), on [CLS] [SEP] alone: nothing is read from it.
    public override RemBertBatchInputs Collate(IReadOnlyList<WindowedWords> rows)
    {
        var windows = rows.SelectMany(row => row.Windows).DefaultIfEmpty(new WordWindow([Windows.Tokenizer.ClsTokenId, Windows.Tokenizer.SepTokenId], [-1, -1]));
        return NamedEntityTrainingTask.Collate(windows, Windows.Tokenizer.PadTokenId, ModelDevice);
    }

    public override WordTags[] Forward(RemBertBatchInputs inputs, IReadOnlyList<WindowedWords> rows)
    {
        var positions = new List<WordPlacement>();
        int firstWindow = 0;
        foreach (var row in rows)
        {
            foreach (var placement in row.Placements)
                positions.Add(placement with { Window = firstWindow + placement.Window });
            firstWindow += row.Windows.Length;
        }
        var logits = WordLogits.Gather(Model, inputs, positions);
        var results = new WordTags[rows.Count];
        int next = 0;
        for (int i = 0; i < rows.Count; i++)
        {
            int words = rows[i].WordCount;
            results[i] = words == 0 ? WordTags.Empty : WordTags.FromLogits(new ArraySegment<float[]>(logits, next, words));
            next += words;
        }
        return results;
    }

    /// <summary>
    /// ONNX: the windows are the graph's sequences (InputIds, AttentionMask, TokenTypeIds <c>[windows, seq]</c>), the
    /// classifier gives tag logits per token, flattened to <c>[windows × seq, tags]</c>; the input WordPositions
    /// (<c>[rows, words]</c>, see <see cref="NamedEntityOnnxBatch"/>) gathers each word's logits, and PredictedLabel
    /// (argmax + 1, UInt32 keys) and Score (the largest softmax probability) are <c>[rows, words]</c>, the zip's columns.
    /// Windowing and first-piece placement stay outside the graph (string work, in <see cref="EncodeForOnnx"/>).
    /// </summary>
    internal override void SaveAsOnnx(OnnxContext ctx, RemBertOnnxExportOptions options)
    {
        var (graph, writer) = TaskGraph.Start(ctx, Model, options, nameof(NamedEntityScoringTask));
        var (sequence, _) = writer.Encode(OnnxModelInputs.Declare(ctx));
        var tokenLogits = graph.Reshape(writer.Linear(sequence, "classifier"), -1, Tags.Count);
        var wordLogits = graph.Gather(tokenLogits, OnnxModelInputs.Declare(ctx, NamedEntityOnnxBatch.WordPositionsName), axis: 0);
        var keys = graph.Op("Add", graph.ArgMax(wordLogits, axis: 2, keepDims: false), graph.Longs(1));
        graph.Column(PredictedLabelColumnName, Outputs[0].Type, graph.Cast(keys, OnnxDataType.UInt32));
        graph.Column(ScoreColumnName, Outputs[1].Type, graph.Max(graph.Softmax(wordLogits), axis: 2));
    }

    /// <summary>The tokenizer transform encodes a text as one sequence; a row here is words in windows with their placements.</summary>
    internal override RemBertTokenizingTransformer CreateOnnxInputTokenizer(IHostEnvironment env)
        => throw new NotSupportedException("A named-entity row is words split into windows, each word read at its first piece, which the tokenizer " +
            "transform (one sequence per row) cannot encode: encode rows for the ONNX graph with RemBertNamedEntityRecognitionTransformer.EncodeForOnnx.");

    /// <summary>The rows of <paramref name="data"/> as the graph's inputs, with the word positions.</summary>
    public NamedEntityOnnxBatch EncodeForOnnx(IDataView data, IExceptionContext ectx)
    {
        var rows = OnnxBatchEncoder.ReadRows(this, data, ectx);
        var ids = OnnxBatchEncoder.Ids(this, rows);
        int length = ids[0].Dimensions[1];
        int width = Math.Max(1, rows.Max(row => row.WordCount));
        var positions = new long[rows.Count * width];
        int firstWindow = 0;
        for (int row = 0; row < rows.Count; row++)
        {
            var placements = rows[row].Placements;
            for (int word = 0; word < placements.Length; word++)
                positions[row * width + word] = (long)(firstWindow + placements[word].Window) * length + placements[word].Position;
            firstWindow += rows[row].Windows.Length;
        }
        var wordPositions = new OnnxInputTensor(NamedEntityOnnxBatch.WordPositionsName, positions, [rows.Count, width]);
        return new NamedEntityOnnxBatch(rows.Select(row => row.WordCount).ToArray(), [.. ids, wordPositions]);
    }

    /// <summary>
    /// Entries: <see cref="EntryName"/>, then the tokenizer (<see cref="RemBertTokenizerEntry"/>) and the model
    /// (<see cref="RemBertModelEntry"/>). <see cref="EntryName"/> body, version 1:
    /// <code>
    ///   string  words column name
    ///   bool    true: a vector-of-words column (WordsColumnName); false: a text column split on whitespace (Sentence1ColumnName)
    ///   int32   MaxSequenceLength (at least 3)
    ///   int32   Stride (at least 0, less than MaxSequenceLength - 2)
    ///   string  PredictedLabelColumnName
    ///   string  ScoreColumnName
    ///   int32   tag count (at least 2), then count × string tag name, in key order
    /// </code>
    /// </summary>
    public override void Save(ModelSaveContext ctx)
    {
        ctx.SaveEntry(EntryName, Version, writer =>
        {
            writer.Write(Words.ColumnName);
            writer.Write(Words.IsWordsColumn);
            writer.Write(Windows.MaxSequenceLength);
            writer.Write(Windows.Stride);
            writer.Write(PredictedLabelColumnName);
            writer.Write(ScoreColumnName);
            writer.Write(Tags.Count);
            foreach (var name in Tags.Names)
                writer.Write(name);
        });
        RemBertTokenizerEntry.Save(ctx, Windows.Tokenizer);
        RemBertModelEntry.Save(ctx, Model);
    }

    /// <summary>Reads what <see cref="Save"/> wrote; errors name the entry at fault.</summary>
    public static NamedEntityScoringTask Load(ModelLoadContext ctx)
    {
        string entryPath = ModelContextEntries.EntryPath(ctx, EntryName);
        var (words, maxLength, stride, predicted, score, tags) = ctx.LoadEntry(EntryName, Version, (reader, _) =>
        {
            string column = reader.ReadString();
            var source = reader.ReadBoolean() ? WordSource.For(column, column) : WordSource.For(null, column);
            int length = reader.ReadInt32();
            int windowStride = reader.ReadInt32();
            if (length < 3)
                throw new RemBertModelFormatException(entryPath, $"MaxSequenceLength is {length}; it must be at least 3.");
            if (windowStride < 0 || windowStride >= length - 2)
                throw new RemBertModelFormatException(entryPath, $"Stride is {windowStride}; it must be at least 0 and less than {length - 2}.");
            string predictedName = reader.ReadString();
            string scoreName = reader.ReadString();
            int count = reader.ReadInt32();
            if (count < 2)
                throw new RemBertModelFormatException(entryPath, $"holds {count} tags; at least 2 are needed.");
            var names = new string[count];
            for (int i = 0; i < count; i++)
                names[i] = reader.ReadString();
            return (source, length, windowStride, predictedName, scoreName, new TagSet(names));
        });
        var tokenizer = RemBertTokenizerEntry.Load(ctx);
        var model = RemBertModelEntry.Load(ctx);
        if (model is not RemBertForTokenClassification tagger || tagger.Config.NumLabels != tags.Count)
        {
            model.Dispose();
            throw new RemBertModelFormatException(ModelContextEntries.EntryPath(ctx, RemBertModelEntry.EntryName),
                $"holds a {model.GetType().Name} with {model.Config.NumLabels} labels; a RemBertForTokenClassification with {tags.Count} was expected.");
        }
        return new NamedEntityScoringTask(words, new WordWindows(tokenizer, maxLength, stride), tags, predicted, score, tagger);
    }

    public override void Dispose() => Model.Dispose();

    private static void Fill<T>(T[] values, ref VBuffer<T> buffer)
    {
        var editor = VBufferEditor.Create(ref buffer, values.Length);
        values.CopyTo(editor.Values);
        buffer = editor.Commit();
    }
}
