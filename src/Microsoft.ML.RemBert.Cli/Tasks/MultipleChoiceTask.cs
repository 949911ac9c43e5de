using Microsoft.ML.Data;
using Microsoft.ML.RemBert.Cli.DataFiles;
using Microsoft.ML.RemBert.Trainers;

namespace Microsoft.ML.RemBert.Cli.Tasks;

/// <summary>
/// <c>multiple-choice</c>: pick the right choice for a prompt, from JSON lines <c>{"prompt", "choices", "label"}</c>.
/// Trained as RemBertMultipleChoice → MapKeyToValue(PredictedLabel), so a prediction is the chosen choice's index (from 0,
/// as the file's <c>label</c>); scored by accuracy.
/// </summary>
internal sealed class MultipleChoiceTask : CliTask
{
    public override string Name => "multiple-choice";

    public override string Formats => "JSON lines: {\"prompt\": \"...\", \"choices\": [\"...\", ...], \"label\": index from 0}";

    public override IDataView Read(MLContext mlContext, string path) => ChoiceFileReader.Read(path);

    /// <summary>JSON lines in the training format (lower-case <c>prompt</c>); rows named as the model's columns (<c>Prompt</c>, <c>Choices</c>) go to the generic reader.</summary>
    public override IDataView? ReadForPrediction(string path) =>
        Path.GetExtension(path).Equals(".jsonl", StringComparison.OrdinalIgnoreCase) && JsonLinesReader.ReadPropertyNames(path).Contains("prompt")
            ? ChoiceFileReader.Read(path, requireLabels: false) : null;

    public override ITransformer Train(MLContext mlContext, IDataView train, IDataView? valid, Training.TrainingArguments arguments)
    {
        var options = arguments.Apply(new RemBertMultipleChoiceOptions
        {
            PromptColumnName = ChoiceFileReader.Prompt,
            ChoicesColumnName = ChoiceFileReader.Choices,
            LabelColumnName = ChoiceFileReader.Label,
        });
        options.ValidationSet = valid;
        var trained = mlContext.MulticlassClassification.Trainers.RemBertMultipleChoice(options).Fit(train);
        // The predicted key's values are the choice indices: mapped back, predict prints the index itself.
        var keyToIndex = mlContext.Transforms.Conversion.MapKeyToValue(options.PredictedLabelColumnName).Fit(trained.Transform(train));
        return new TransformerChain<ITransformer>(trained, keyToIndex);
    }

    public override bool IsTrainedTransformer(ITransformer transformer) => transformer is RemBertMultipleChoiceTransformer;

    public override TaskMetrics Evaluate(MLContext mlContext, ITransformer model, IDataView data)
    {
        // With a UInt32 label the predicted key k is choice k - 1.
        var scored = ModelChain.TransformThrough(model, data, IsTrainedTransformer);
        var predicted = scored.GetColumn<uint>("PredictedLabel").ToArray();
        var labels = scored.GetColumn<uint>(ChoiceFileReader.Label).ToArray();
        double correct = predicted.Zip(labels).Count(pair => pair.First == pair.Second + 1);
        return new TaskMetrics(Name, [("accuracy", correct / labels.Length), ("rows", labels.Length)]);
    }
}
