using Microsoft.ML.Data;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.Onnx;
using Microsoft.ML.RemBert.Modeling;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.MLNet.Trainers;

/// <summary>The kinds of sentence-level heads; the value is saved in the model zip.</summary>
internal enum SequenceProblemKind
{
    Multiclass = 1,
    Binary = 2,
    Regression = 3,
    MultiLabel = 4,
}

/// <summary>
/// What distinguishes multiclass classification, binary classification, regression and multi-label classification over
/// RemBERT's pooled output (all four are transformers' RemBertForSequenceClassification): the label column's type and reading, the label
/// count and problem type, the label tensor the loss takes, the validation metric, and the output columns made
/// from a row's logits. Everything else (encoding, batching, training, scoring, persistence) is shared.
/// It holds no weights (the classifier layer is the model's): it is the strategy of one problem type, named after
/// transformers' <c>problem_type</c>.
/// </summary>
internal abstract class SequenceProblem
{
    /// <summary>Saved in the zip to rebuild the right problem.</summary>
    public abstract SequenceProblemKind Kind { get; }

    /// <summary>Logits per row (config.json's num_labels).</summary>
    public abstract int NumLabels { get; }

    /// <summary>The validation metrics <see cref="Evaluate"/> computes; the first is the default for choosing the kept weights.</summary>
    public abstract IReadOnlyList<MLNet.Training.TrainingMetric> Metrics { get; }

    /// <summary>The output columns, filled from one row's logits.</summary>
    public abstract IReadOnlyList<ScoringOutputColumn<float[]>> Outputs { get; }

    /// <summary>
    /// ONNX export: writes <see cref="Outputs"/> into <paramref name="graph"/> as columns, computed from the
    /// <c>[batch, NumLabels]</c> float value <paramref name="logits"/> exactly as the output writers compute them.
    /// </summary>
    public abstract void SaveAsOnnx(OnnxGraph graph, string logits);

    /// <summary>What the label column must be, for error messages.</summary>
    protected abstract string ExpectedLabelType { get; }

    /// <summary>The model configuration with this head's labels and problem type.</summary>
    public abstract RemBertConfig Configure(RemBertConfig config);

    /// <summary>Whether a label column of <paramref name="type"/> fits (for multiclass: the trained key type).</summary>
    protected abstract bool AcceptsLabel(DataViewType type);

    /// <summary>
    /// The labels of a batch (each row's as <see cref="CreateLabelReader"/> read it) as the tensor the loss takes
    /// (class indices as int64, targets as float32, multi-label 0/1 targets as float32 [batch, labels]).
    /// </summary>
    public abstract Tensor LabelTensor(IEnumerable<float[]> labels);

    /// <summary>Every metric of <see cref="Metrics"/>, by name, of the predicted <paramref name="logits"/> against <paramref name="labels"/>.</summary>
    public abstract IReadOnlyDictionary<string, double> Evaluate(IReadOnlyList<float[]> logits, IReadOnlyList<float[]> labels);

    /// <summary>Writes the head's state (column names, labels) for <see cref="SequenceScoringTask"/>'s entry.</summary>
    public abstract void Save(BinaryWriter writer);

    /// <summary>The label column of <paramref name="schema"/>; throws naming it, the data and the expected type.</summary>
    public DataViewSchema.Column CheckLabelColumn(DataViewSchema schema, string labelColumnName, string dataName)
    {
        var column = schema.GetColumnOrNull(labelColumnName)
            ?? throw new ArgumentOutOfRangeException("LabelColumnName", labelColumnName, $"The {dataName} has no label column '{labelColumnName}' (LabelColumnName).");
        if (!AcceptsLabel(column.Type))
            throw new ArgumentOutOfRangeException("LabelColumnName", labelColumnName,
                $"Label column '{labelColumnName}' of the {dataName} is {column.Type}; it must be {ExpectedLabelType}.");
        return column;
    }

    /// <summary>
    /// A function reading the current row's label as numbers: one (class index or target) for the single-output
    /// heads, one 0/1 per label for multi-label. A missing label (key 0, NaN) is an error naming the row, the column
    /// and <paramref name="dataName"/>.
    /// </summary>
    public virtual Func<float[]> CreateLabelReader(DataViewRow row, DataViewSchema.Column column, string dataName)
    {
        var getter = LabelGetter(row, column);
        float label = 0;
        return () =>
        {
            getter(ref label);
            if (float.IsNaN(label))
                throw new InvalidOperationException($"Row {row.Position} of the {dataName} has a missing label (NaN or key 0) in column '{column.Name}'.");
            if (float.IsInfinity(label))
                throw new InvalidOperationException($"Row {row.Position} of the {dataName} has an infinite label in column '{column.Name}'.");
            return [label];
        };
    }

    /// <summary>The label as a number, NaN when missing. ML.NET's own conversion: bool to 0/1, floats as they are.</summary>
    protected virtual ValueGetter<float> LabelGetter(DataViewRow row, DataViewSchema.Column column) => RowCursorUtils.GetLabelGetter(row, column.Index);

    /// <summary>Reads a head written by <see cref="Save"/>.</summary>
    public static SequenceProblem Load(SequenceProblemKind kind, BinaryReader reader) => kind switch
    {
        SequenceProblemKind.Multiclass => MulticlassProblem.Load(reader),
        SequenceProblemKind.Binary => BinaryProblem.Load(reader),
        SequenceProblemKind.Regression => RegressionProblem.Load(reader),
        SequenceProblemKind.MultiLabel => MultiLabelProblem.Load(reader),
        _ => throw new InvalidDataException($"Unknown head kind {(int)kind}."),
    };

    /// <summary>Annotations marking a column as a scorer output of <paramref name="scoreColumnKind"/>, as ML.NET's scorers do.</summary>
    internal static DataViewSchema.Annotations.Builder ScoreAnnotations(string scoreColumnKind, string scoreValueKind)
    {
        var builder = new DataViewSchema.Annotations.Builder();
        builder.Add(AnnotationUtils.Kinds.ScoreColumnKind, TextDataViewType.Instance,
            (ref ReadOnlyMemory<char> value) => value = scoreColumnKind.AsMemory());
        builder.Add(AnnotationUtils.Kinds.ScoreValueKind, TextDataViewType.Instance,
            (ref ReadOnlyMemory<char> value) => value = scoreValueKind.AsMemory());
        return builder;
    }

    /// <summary>The index of the largest logit (the first one on ties).</summary>
    internal static int ArgMax(float[] logits)
    {
        int best = 0;
        for (int i = 1; i < logits.Length; i++)
            if (logits[i] > logits[best]) best = i;
        return best;
    }

    /// <summary>The class indices of single-label rows as the int64 tensor cross entropy takes.</summary>
    protected static Tensor ClassIndices(IEnumerable<float[]> labels) => tensor(labels.Select(label => (long)label[0]).ToArray());

    /// <summary>Each single-label row's label (class index or target), as the metrics take them.</summary>
    protected static IReadOnlyList<float> SingleLabels(IReadOnlyList<float[]> labels) => labels.Select(label => label[0]).ToArray();
}
