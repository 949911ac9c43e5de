using Microsoft.ML.Data;
using Microsoft.ML.RemBert.Evaluation;
using Microsoft.ML.RemBert.MLNet.Evaluation;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.MLNet.Training;
using Microsoft.ML.RemBert.Onnx;
using Microsoft.ML.RemBert.Modeling;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.MLNet.Trainers;

/// <summary>
/// Multi-label classification: a label column holding each row's set of labels (a vector of text, or a vector of keys
/// with text KeyValues; an empty vector is a valid all-negative row), one logit per label trained with binary cross
/// entropy on its sigmoid (transformers' <c>problem_type: multi_label_classification</c>, BCEWithLogits). Outputs
/// <c>Score</c> (one probability per label, slot names = the label names) and <c>PredictedLabels</c> (the names of the
/// labels whose probability is over <see cref="Threshold"/>, in label order). Validation metric: macro F1.
/// </summary>
internal sealed class MultiLabelProblem : SequenceProblem
{
    private const string Item = "item", Value = "label";

    private readonly Dictionary<string, int> _indexOf;
    private readonly ReadOnlyMemory<char>[] _names;

    public MultiLabelProblem(IReadOnlyList<string> labelNames, float threshold, string scoreColumnName, string predictedLabelsColumnName)
    {
        if (labelNames.Count < 1)
            throw new ArgumentOutOfRangeException(nameof(labelNames), labelNames.Count, "Multi-label classification needs at least 1 label.");
        CheckThreshold(threshold, "Threshold");
        LabelNames = labelNames;
        Threshold = threshold;
        ScoreColumnName = scoreColumnName;
        PredictedLabelsColumnName = predictedLabelsColumnName;
        _indexOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < labelNames.Count; i++)
            if (!_indexOf.TryAdd(labelNames[i], i))
                throw new ArgumentException($"Label '{labelNames[i]}' appears more than once in the label set.", nameof(labelNames));
        _names = labelNames.Select(name => name.AsMemory()).ToArray();
        var scoreAnnotations = new DataViewSchema.Annotations.Builder();
        scoreAnnotations.AddSlotNames(_names.Length, (ref VBuffer<ReadOnlyMemory<char>> value)
            => value = new VBuffer<ReadOnlyMemory<char>>(_names.Length, (ReadOnlyMemory<char>[])_names.Clone()));
        Outputs =
        [
            ScoringOutputColumn<float[]>.Create(scoreColumnName, new VectorDataViewType(NumberDataViewType.Single, labelNames.Count),
                (float[] logits, ref VBuffer<float> value) =>
                {
                    var editor = VBufferEditor.Create(ref value, logits.Length);
                    for (int i = 0; i < logits.Length; i++)
                        editor.Values[i] = Probability(logits[i]);
                    value = editor.Commit();
                }, scoreAnnotations.ToAnnotations()),
            ScoringOutputColumn<float[]>.Create(predictedLabelsColumnName, new VectorDataViewType(TextDataViewType.Instance),
                (float[] logits, ref VBuffer<ReadOnlyMemory<char>> value) =>
                {
                    var predicted = PredictedIndices(logits).Select(i => _names[i]).ToArray();
                    value = new VBuffer<ReadOnlyMemory<char>>(predicted.Length, predicted);
                }),
        ];
    }

    /// <summary>The label names, by logit index (slot names of Score).</summary>
    public IReadOnlyList<string> LabelNames { get; }

    /// <summary>A label is predicted when its probability is strictly greater than this.</summary>
    public float Threshold { get; }

    public string ScoreColumnName { get; }

    public string PredictedLabelsColumnName { get; }

    public override SequenceProblemKind Kind => SequenceProblemKind.MultiLabel;

    public override int NumLabels => LabelNames.Count;

    /// <summary>The metrics of this kind of problem, known before any data is read (see <see cref="SequenceProblem.Metrics"/>).</summary>
    public static readonly IReadOnlyList<TrainingMetric> MetricList =
        [new("MacroF1", HigherIsBetter: true), new("MicroF1", HigherIsBetter: true), new("SubsetAccuracy", HigherIsBetter: true),
         new("HammingLoss", HigherIsBetter: false)];

    public override IReadOnlyList<TrainingMetric> Metrics => MetricList;

    public override IReadOnlyList<ScoringOutputColumn<float[]>> Outputs { get; }

    protected override string ExpectedLabelType => "a vector of text or a vector of keys (the row's labels)";

    /// <summary>
    /// The head for the training data's label column: for a vector of keys its key values, every one of them (labels
    /// no row has included); for a vector of text the distinct labels of the rows, sorted by ordinal. Errors name the
    /// column, the row and <paramref name="dataName"/>.
    /// </summary>
    public static MultiLabelProblem ForLabel(IDataView data, string labelColumnName, string dataName, float threshold,
        string scoreColumnName, string predictedLabelsColumnName)
    {
        var column = data.Schema.GetColumnOrNull(labelColumnName)
            ?? throw new ArgumentOutOfRangeException("LabelColumnName", labelColumnName, $"The {dataName} has no label column '{labelColumnName}' (LabelColumnName).");
        var reader = Reader(column, dataName);
        var names = reader.KeyNames ?? NamesInRows(data, reader, dataName);
        if (names.Count == 0)
            throw new ArgumentException($"No row of the {dataName} has a label in column '{labelColumnName}': there is no label to learn.", nameof(data));
        return new MultiLabelProblem(names, threshold, scoreColumnName, predictedLabelsColumnName);
    }

    public override RemBertConfig Configure(RemBertConfig config)
        => config.WithLabels(LabelNames) with { ProblemType = RemBertProblemType.MultiLabelClassification };

    protected override bool AcceptsLabel(DataViewType type) => TagSequenceColumn.IsTextOrKeyVector(type);

    /// <summary>The row's labels as one 0/1 target per label; an unknown or empty label name is an error naming the row.</summary>
    public override Func<float[]> CreateLabelReader(DataViewRow row, DataViewSchema.Column column, string dataName)
    {
        var labels = Reader(column, dataName).CreateGetter(row);
        return () =>
        {
            var targets = new float[NumLabels];
            foreach (var name in labels())
            {
                if (!_indexOf.TryGetValue(name, out int index))
                    throw new InvalidOperationException(name.Length == 0
                        ? $"Row {row.Position} of the {dataName} has an empty label name in column '{column.Name}'."
                        : $"Row {row.Position} of the {dataName} has the label '{name}' in column '{column.Name}', which is not one of the " +
                          $"{NumLabels} labels of the training data ({string.Join(", ", LabelNames.Take(20))}{(NumLabels > 20 ? ", …" : "")}).");
                targets[index] = 1;
            }
            return targets;
        };
    }

    /// <summary>[batch, labels] float32 0/1 targets, as BCEWithLogits takes them.</summary>
    public override Tensor LabelTensor(IEnumerable<float[]> labels)
    {
        var rows = labels.ToArray();
        return tensor(rows.SelectMany(row => row).ToArray(), [rows.Length, NumLabels]);
    }

    /// <summary>
    /// <see cref="Metrics"/> with the threshold applied; macro F1 over every label (those absent from the validation set
    /// included, scoring 0).
    /// </summary>
    public override IReadOnlyDictionary<string, double> Evaluate(IReadOnlyList<float[]> logits, IReadOnlyList<float[]> labels)
    {
        var evaluator = new MultiLabelEvaluator(LabelNames);
        for (int row = 0; row < logits.Count; row++)
            evaluator.Add(Enumerable.Range(0, NumLabels).Where(i => labels[row][i] > 0.5f).Select(i => LabelNames[i]),
                PredictedIndices(logits[row]).Select(i => LabelNames[i]));
        var metrics = evaluator.GetMetrics();
        return new Dictionary<string, double>
        {
            ["MacroF1"] = metrics.MacroF1,
            ["MicroF1"] = metrics.MicroF1,
            ["SubsetAccuracy"] = metrics.SubsetAccuracy,
            ["HammingLoss"] = metrics.HammingLoss,
        };
    }

    /// <summary>Not exported: PredictedLabels is a text vector of a different length per row, which an ONNX batch output cannot hold.</summary>
    public override void SaveAsOnnx(OnnxGraph graph, string logits)
        => throw new NotSupportedException(
            $"ONNX export of a multi-label model: its '{PredictedLabelsColumnName}' column has a different number of labels per row, which an ONNX batch output cannot hold.");

    // Layout: string ScoreColumnName, string PredictedLabelsColumnName, float32 Threshold, int32 count, count × string label name.
    public override void Save(BinaryWriter writer)
    {
        writer.Write(ScoreColumnName);
        writer.Write(PredictedLabelsColumnName);
        writer.Write(Threshold);
        writer.Write(LabelNames.Count);
        foreach (var name in LabelNames)
            writer.Write(name);
    }

    public static MultiLabelProblem Load(BinaryReader reader)
    {
        string score = reader.ReadString();
        string predicted = reader.ReadString();
        float threshold = reader.ReadSingle();
        if (!(threshold >= 0 && threshold <= 1))
            throw new InvalidDataException($"A multi-label head's threshold must be in [0, 1], not {threshold}.");
        int count = reader.ReadInt32();
        if (count < 1)
            throw new InvalidDataException($"A multi-label head needs at least 1 label, not {count}.");
        var names = new string[count];
        for (int i = 0; i < count; i++)
            names[i] = reader.ReadString();
        if (names.Distinct(StringComparer.Ordinal).Count() != count)
            throw new InvalidDataException("A multi-label head's label names must be distinct.");
        return new MultiLabelProblem(names, threshold, score, predicted);
    }

    /// <summary>Throws naming <paramref name="option"/> when <paramref name="threshold"/> is not a probability (NaN included).</summary>
    internal static void CheckThreshold(float threshold, string option)
    {
        if (!(threshold >= 0 && threshold <= 1))
            throw new ArgumentOutOfRangeException(option, threshold, $"{option} is {threshold}; it must be a probability in [0, 1].");
    }

    /// <summary>The sigmoid of a logit, as a float: Score, and what the threshold compares.</summary>
    internal static float Probability(float logit) => (float)(1 / (1 + Math.Exp(-(double)logit)));

    private IEnumerable<int> PredictedIndices(float[] logits) => Enumerable.Range(0, logits.Length).Where(i => Probability(logits[i]) > Threshold);

    private static TagSequenceColumn Reader(DataViewSchema.Column column, string dataName)
    {
        if (!TagSequenceColumn.IsTextOrKeyVector(column.Type))
            throw new ArgumentOutOfRangeException("LabelColumnName", column.Name,
                $"Label column '{column.Name}' of the {dataName} is {column.Type}; it must be a vector of text or a vector of keys (the row's labels).");
        return TagSequenceColumn.TryOf(column, Item, Value)
            ?? throw new ArgumentOutOfRangeException("LabelColumnName", column.Name,
                $"Label column '{column.Name}' of the {dataName} is a vector of keys without text KeyValues, so its label names are unknown: " +
                "build it with MapValueToKey over the label strings, or give a vector of text.");
    }

    private static List<string> NamesInRows(IDataView data, TagSequenceColumn reader, string dataName)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        using var cursor = data.GetRowCursor([reader.Column]);
        var labels = reader.CreateGetter(cursor);
        while (cursor.MoveNext())
            foreach (var name in labels())
                names.Add(name.Length > 0 ? name
                    : throw new InvalidOperationException($"Row {cursor.Position} of the {dataName} has an empty label name in column '{reader.Column.Name}'."));
        return names.Order(StringComparer.Ordinal).ToList();
    }
}
