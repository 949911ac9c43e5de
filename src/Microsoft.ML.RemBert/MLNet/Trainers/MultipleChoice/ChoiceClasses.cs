using System.Globalization;
using Microsoft.ML.Data;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.Onnx;
using Microsoft.ML.RemBert.Trainers;

namespace Microsoft.ML.RemBert.MLNet.Trainers.MultipleChoice;

/// <summary>
/// The classes of a trained multiple-choice model and its output columns. Class k - 1 (key k of PredictedLabel and
/// of the label) is choice <see cref="ChoiceOfClass"/>[k - 1]: the identity for an integer label or a key sorted by value,
/// a permutation for a key numbered by first appearance. <c>Score</c> is in class order, as
/// <c>MulticlassClassification.Evaluate</c> reads it against the label's keys; its slot names and PredictedLabel's key
/// values are the choice indices, so <c>MapKeyToValue</c> gives the chosen index.
/// </summary>
internal sealed class ChoiceClasses
{
    private readonly int[] _classOfChoice;

    public ChoiceClasses(IReadOnlyList<int> choiceOfClass, string predictedLabelColumnName, string scoreColumnName)
    {
        ChoiceOfClass = choiceOfClass.ToArray();
        _classOfChoice = new int[ChoiceOfClass.Length];
        for (int c = 0; c < ChoiceOfClass.Length; c++)
            _classOfChoice[ChoiceOfClass[c]] = c;
        PredictedLabelColumnName = predictedLabelColumnName;
        ScoreColumnName = scoreColumnName;
        int count = ChoiceOfClass.Length;
        var indices = ChoiceOfClass.Select(choice => (uint)choice).ToArray();
        var names = ChoiceOfClass.Select(choice => choice.ToString(CultureInfo.InvariantCulture).AsMemory()).ToArray();
        var keyAnnotations = SequenceProblem.ScoreAnnotations(AnnotationUtils.Const.ScoreColumnKind.MulticlassClassification, AnnotationUtils.Const.ScoreValueKind.PredictedLabel);
        keyAnnotations.AddKeyValues(count, NumberDataViewType.UInt32,
            (ref VBuffer<uint> value) => value = new VBuffer<uint>(count, (uint[])indices.Clone()));
        var scoreAnnotations = SequenceProblem.ScoreAnnotations(AnnotationUtils.Const.ScoreColumnKind.MulticlassClassification, AnnotationUtils.Const.ScoreValueKind.Score);
        scoreAnnotations.AddSlotNames(count,
            (ref VBuffer<ReadOnlyMemory<char>> value) => value = new VBuffer<ReadOnlyMemory<char>>(count, (ReadOnlyMemory<char>[])names.Clone()));
        Outputs =
        [
            ScoringOutputColumn<float[]>.Create(predictedLabelColumnName, new KeyDataViewType(typeof(uint), count),
                (float[] probabilities, ref uint value) => value = (uint)_classOfChoice[SequenceProblem.ArgMax(probabilities)] + 1,
                keyAnnotations.ToAnnotations()),
            ScoringOutputColumn<float[]>.Create(scoreColumnName, new VectorDataViewType(NumberDataViewType.Single, count),
                (float[] probabilities, ref VBuffer<float> value) =>
                {
                    var editor = VBufferEditor.Create(ref value, count);
                    for (int c = 0; c < count; c++)
                        editor.Values[c] = probabilities[ChoiceOfClass[c]];
                    value = editor.Commit();
                }, scoreAnnotations.ToAnnotations()),
        ];
    }

    /// <summary>The choice index of each class (class k - 1 is key k).</summary>
    public int[] ChoiceOfClass { get; }

    /// <summary>Choices per row.</summary>
    public int ChoiceCount => ChoiceOfClass.Length;

    public string PredictedLabelColumnName { get; }

    public string ScoreColumnName { get; }

    /// <summary>PredictedLabel and Score, filled from a row's probabilities in choice order.</summary>
    public IReadOnlyList<ScoringOutputColumn<float[]>> Outputs { get; }

    /// <summary>
    /// ONNX: from <paramref name="probabilities"/> <c>[rows, choices]</c> in choice order, Score = the probabilities in
    /// class order and PredictedLabel = the key of the class of the most probable choice (the first on ties, as here).
    /// </summary>
    public void SaveAsOnnx(OnnxGraph graph, string probabilities)
    {
        var keyOfChoice = graph.Longs(_classOfChoice.Select(@class => (long)@class + 1).ToArray());
        var keys = graph.Gather(keyOfChoice, graph.ArgMax(probabilities, axis: 1, keepDims: true), axis: 0);
        graph.Column(PredictedLabelColumnName, Outputs[0].Type, graph.Cast(keys, OnnxDataType.UInt32));
        graph.Column(ScoreColumnName, Outputs[1].Type, graph.Gather(probabilities, graph.Longs(ChoiceOfClass.Select(choice => (long)choice).ToArray()), axis: 1));
    }

    /// <summary>
    /// Throws, naming the label column, unless every choice index is the value of exactly one class (a key whose
    /// values are not the indices 0..n-1 cannot give one probability per choice).
    /// </summary>
    public static void Check(int[] choiceOfClass, string labelColumnName, string dataName)
    {
        var sorted = choiceOfClass.Order().ToArray();
        if (!sorted.SequenceEqual(Enumerable.Range(0, choiceOfClass.Length)))
            throw new ArgumentOutOfRangeException(nameof(RemBertMultipleChoiceOptions.LabelColumnName), labelColumnName,
                $"The key values of label column '{labelColumnName}' of the {dataName} map to the choices [{string.Join(", ", choiceOfClass)}] " +
                $"(-1: not a choice index); they must be the choice indices 0 to {choiceOfClass.Length - 1}, each once.");
    }

    // Layout: string PredictedLabelColumnName, string ScoreColumnName, int32 count, count × int32 choice index of class k - 1.
    public void Save(BinaryWriter writer)
    {
        writer.Write(PredictedLabelColumnName);
        writer.Write(ScoreColumnName);
        writer.Write(ChoiceCount);
        foreach (int choice in ChoiceOfClass)
            writer.Write(choice);
    }

    /// <summary>Reads what <see cref="Save"/> wrote; throws <see cref="InvalidDataException"/> when the classes are not a permutation of the choices.</summary>
    public static ChoiceClasses Load(BinaryReader reader)
    {
        string predicted = reader.ReadString();
        string score = reader.ReadString();
        int count = reader.ReadInt32();
        if (count < 2 || count > 1_000_000)
            throw new InvalidDataException($"the choice count is {count}; it must be at least 2.");
        var choiceOfClass = new int[count];
        for (int c = 0; c < count; c++)
            choiceOfClass[c] = reader.ReadInt32();
        if (!choiceOfClass.Order().SequenceEqual(Enumerable.Range(0, count)))
            throw new InvalidDataException($"the classes map to the choices [{string.Join(", ", choiceOfClass)}], not to 0..{count - 1} each once.");
        return new ChoiceClasses(choiceOfClass, predicted, score);
    }
}
