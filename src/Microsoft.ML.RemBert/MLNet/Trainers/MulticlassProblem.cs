using Microsoft.ML.Data;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.MLNet.Training;
using Microsoft.ML.RemBert.Onnx;
using Microsoft.ML.RemBert.Modeling;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.MLNet.Trainers;

/// <summary>
/// Multiclass classification: a key-typed label of N classes (e.g. from <c>MapValueToKey</c>); outputs
/// <c>PredictedLabel</c> (the same key type, with the label's key values so <c>MapKeyToValue</c> restores them) and
/// <c>Score</c> (N softmax probabilities, slot names = the label names) with the annotations
/// <c>MulticlassClassification.Evaluate</c> reads. Validation metrics: MicroAccuracy (the default), MacroAccuracy, LogLoss.
/// </summary>
internal sealed class MulticlassProblem : SequenceProblem
{
    public MulticlassProblem(IReadOnlyList<string> labelNames, string predictedLabelColumnName, string scoreColumnName)
    {
        if (labelNames.Count < 2)
            throw new ArgumentOutOfRangeException(nameof(labelNames), labelNames.Count, $"Multiclass classification needs at least 2 classes; the label key type has {labelNames.Count}.");
        LabelNames = labelNames;
        PredictedLabelColumnName = predictedLabelColumnName;
        ScoreColumnName = scoreColumnName;
        var names = labelNames.Select(name => name.AsMemory()).ToArray();
        ValueGetter<VBuffer<ReadOnlyMemory<char>>> getNames = (ref VBuffer<ReadOnlyMemory<char>> value) =>
            value = new VBuffer<ReadOnlyMemory<char>>(names.Length, (ReadOnlyMemory<char>[])names.Clone());
        var keyAnnotations = ScoreAnnotations(AnnotationUtils.Const.ScoreColumnKind.MulticlassClassification, AnnotationUtils.Const.ScoreValueKind.PredictedLabel);
        keyAnnotations.AddKeyValues(names.Length, TextDataViewType.Instance, getNames);
        var scoreAnnotations = ScoreAnnotations(AnnotationUtils.Const.ScoreColumnKind.MulticlassClassification, AnnotationUtils.Const.ScoreValueKind.Score);
        scoreAnnotations.AddSlotNames(names.Length, getNames);
        KeyType = new KeyDataViewType(typeof(uint), labelNames.Count);
        Outputs =
        [
            ScoringOutputColumn<float[]>.Create(predictedLabelColumnName, KeyType,
                (float[] logits, ref uint value) => value = (uint)ArgMax(logits) + 1, keyAnnotations.ToAnnotations()),
            ScoringOutputColumn<float[]>.Create(scoreColumnName, new VectorDataViewType(NumberDataViewType.Single, labelNames.Count),
                (float[] logits, ref VBuffer<float> value) =>
                {
                    var editor = VBufferEditor.Create(ref value, logits.Length);
                    Softmax(logits, editor.Values);
                    value = editor.Commit();
                }, scoreAnnotations.ToAnnotations()),
        ];
    }

    /// <summary>Class names by class index (the label's key values, or "1".."N" when it has none).</summary>
    public IReadOnlyList<string> LabelNames { get; }

    public string PredictedLabelColumnName { get; }

    public string ScoreColumnName { get; }

    /// <summary>The key type of the label and of PredictedLabel.</summary>
    public KeyDataViewType KeyType { get; }

    public override SequenceProblemKind Kind => SequenceProblemKind.Multiclass;

    public override int NumLabels => LabelNames.Count;

    /// <summary>The metrics of this kind of problem, known before any data is read (see <see cref="SequenceProblem.Metrics"/>).</summary>
    public static readonly IReadOnlyList<TrainingMetric> MetricList =
        [new("MicroAccuracy", HigherIsBetter: true), new("MacroAccuracy", HigherIsBetter: true), new("LogLoss", HigherIsBetter: false)];

    public override IReadOnlyList<TrainingMetric> Metrics => MetricList;

    public override IReadOnlyList<ScoringOutputColumn<float[]>> Outputs { get; }

    protected override string ExpectedLabelType => $"a key type of {LabelNames.Count} values (e.g. from MapValueToKey)";

    /// <summary>The head for a label column: its key count and text key values (slot names and PredictedLabel's values).</summary>
    public static MulticlassProblem ForLabel(DataViewSchema.Column label, string dataName, string predictedLabelColumnName, string scoreColumnName)
    {
        if (label.Type is not KeyDataViewType key || key.Count == 0 || key.Count > int.MaxValue)
            throw new ArgumentOutOfRangeException("LabelColumnName", label.Name,
                $"Label column '{label.Name}' of the {dataName} is {label.Type}; it must be a key type with a known count (use MapValueToKey).");
        int count = (int)key.Count;
        var names = Enumerable.Range(1, count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        if (label.HasKeyValues() && label.Annotations.Schema[AnnotationUtils.Kinds.KeyValues].Type is VectorDataViewType { ItemType: TextDataViewType })
        {
            VBuffer<ReadOnlyMemory<char>> values = default;
            label.GetKeyValues(ref values);
            names = values.DenseValues().Select(value => value.ToString()).ToArray();
        }
        else if (label.HasKeyValues())
        {
            // Non-text key values (e.g. numbers) are kept as their text: MapKeyToValue then gives text.
            names = KeyValuesAsText(label, count);
        }
        return new MulticlassProblem(names, predictedLabelColumnName, scoreColumnName);
    }

    public override RemBertConfig Configure(RemBertConfig config)
        => config.WithLabels(LabelNames) with { ProblemType = RemBertProblemType.SingleLabelClassification };

    protected override bool AcceptsLabel(DataViewType type) => type is KeyDataViewType key && key.Count == (ulong)LabelNames.Count;

    /// <summary>Key k is class k - 1; key 0 (missing) and keys beyond the count are NaN, which the reader reports with the row.</summary>
    protected override ValueGetter<float> LabelGetter(DataViewRow row, DataViewSchema.Column column)
    {
        var raw = column.Type.RawType;
        return raw == typeof(uint) ? KeyGetter<uint>(row, column, key => key)
            : raw == typeof(ulong) ? KeyGetter<ulong>(row, column, key => key)
            : raw == typeof(ushort) ? KeyGetter<ushort>(row, column, key => key)
            : raw == typeof(byte) ? KeyGetter<byte>(row, column, key => key)
            : throw new ArgumentOutOfRangeException("LabelColumnName", column.Name, $"Label column '{column.Name}' has keys of {raw.Name}, which is not a key type.");
    }

    private ValueGetter<float> KeyGetter<T>(DataViewRow row, DataViewSchema.Column column, Func<T, ulong> toNumber)
    {
        var getter = row.GetGetter<T>(column);
        T key = default!;
        ulong count = (ulong)LabelNames.Count;
        return (ref float label) =>
        {
            getter(ref key);
            ulong value = toNumber(key);
            label = value >= 1 && value <= count ? value - 1 : float.NaN;
        };
    }

    public override Tensor LabelTensor(IEnumerable<float[]> labels) => ClassIndices(labels);

    public override IReadOnlyDictionary<string, double> Evaluate(IReadOnlyList<float[]> logits, IReadOnlyList<float[]> rows)
    {
        var labels = SingleLabels(rows);
        return new Dictionary<string, double>
        {
            ["MicroAccuracy"] = SequenceMetrics.MicroAccuracy(logits, labels),
            ["MacroAccuracy"] = SequenceMetrics.MacroAccuracy(logits, labels),
            ["LogLoss"] = SequenceMetrics.LogLoss(logits, labels),
        };
    }

    /// <summary>PredictedLabel = argmax + 1 (the first on ties, as ONNX ArgMax) as a uint32 key; Score = softmax.</summary>
    public override void SaveAsOnnx(OnnxGraph graph, string logits)
    {
        var best = graph.Op("ArgMax", [logits], node =>
        {
            node.AddAttribute("axis", 1L);
            node.AddAttribute("keepdims", 1L);
        });
        graph.Column(PredictedLabelColumnName, KeyType, graph.Cast(graph.Op("Add", best, graph.Longs(1)), OnnxDataType.UInt32));
        graph.Column(ScoreColumnName, Outputs[1].Type, graph.Softmax(logits));
    }

    // Layout: string PredictedLabelColumnName, string ScoreColumnName, int32 count, count × string label name.
    public override void Save(BinaryWriter writer)
    {
        writer.Write(PredictedLabelColumnName);
        writer.Write(ScoreColumnName);
        writer.Write(LabelNames.Count);
        foreach (var name in LabelNames)
            writer.Write(name);
    }

    public static MulticlassProblem Load(BinaryReader reader)
    {
        string predicted = reader.ReadString();
        string score = reader.ReadString();
        int count = reader.ReadInt32();
        if (count < 2)
            throw new InvalidDataException($"A multiclass head needs at least 2 labels, not {count}.");
        var names = new string[count];
        for (int i = 0; i < count; i++)
            names[i] = reader.ReadString();
        return new MulticlassProblem(names, predicted, score);
    }

    private static void Softmax(float[] logits, Span<float> probabilities)
    {
        double max = logits.Max();
        double sum = 0;
        for (int i = 0; i < logits.Length; i++)
            sum += Math.Exp(logits[i] - max);
        for (int i = 0; i < logits.Length; i++)
            probabilities[i] = (float)(Math.Exp(logits[i] - max) / sum);
    }

    private static string[] KeyValuesAsText(DataViewSchema.Column label, int count)
    {
        var type = label.Annotations.Schema[AnnotationUtils.Kinds.KeyValues].Type;
        var method = typeof(MulticlassProblem).GetMethod(nameof(KeyValuesAsTextOf), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(((VectorDataViewType)type).ItemType.RawType);
        var names = (string[])method.Invoke(null, [label])!;
        return names.Length == count ? names : Enumerable.Range(1, count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }

    private static string[] KeyValuesAsTextOf<T>(DataViewSchema.Column label)
    {
        VBuffer<T> values = default;
        label.Annotations.GetValue(AnnotationUtils.Kinds.KeyValues, ref values);
        return values.DenseValues().Select(value => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "").ToArray();
    }
}
