using Microsoft.ML;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.MLNet.Trainers.QuestionAnswering;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Trainers;
using Microsoft.ML.Runtime;

[assembly: LoadableClass(typeof(RemBertQuestionAnsweringTransformer), null, typeof(SignatureLoadModel), "RemBERT Question Answering", RemBertQuestionAnsweringTransformer.LoaderSignature)]

namespace Microsoft.ML.RemBert.Trainers;

/// <summary>
/// A RemBERT model fine-tuned for extractive question answering: reads the context and question columns and adds
/// the top-K answers (a vector of text, best first; an empty string when the context does not answer), their
/// probabilities and their character starts in the original context (-1 for no answer). A long context is covered
/// by overlapping windows, all windows of a batch of rows running in one forward pass of at most
/// <see cref="RemBertScoringTransformer.InferenceBatchSize"/> rows. Saved by <c>mlContext.Model.Save</c> with its
/// settings, tokenizer and weights, loaded back by <c>mlContext.Model.Load</c>. Safe to use from several threads at once.
/// </summary>
public sealed class RemBertQuestionAnsweringTransformer : RemBertScoringTransformer<RemBertForQuestionAnswering>
{
    internal const string LoaderSignature = "RemBertQuestionAnsXf";

    private static readonly VersionInfo Version = CreateVersionInfo("RBQANSWR", LoaderSignature, typeof(RemBertQuestionAnsweringTransformer));

    internal RemBertQuestionAnsweringTransformer(IHostEnvironment env, QuestionAnsweringScoringTask task, int inferenceBatchSize)
        : base(env, nameof(RemBertQuestionAnsweringTransformer), task, inferenceBatchSize, Version)
    {
    }

    /// <summary>Answers output per row.</summary>
    public int TopK => Task.Selector.TopK;

    /// <summary>The longest answer predicted, in tokens.</summary>
    public int MaxAnswerLength => Task.Selector.MaxAnswerLength;

    /// <summary>Tokens shared by consecutive windows over a long context.</summary>
    public int DocumentStride => Task.Encoder.DocumentStride;

    private QuestionAnsweringScoringTask Task => (QuestionAnsweringScoringTask)ScoringTask;

    private static RemBertQuestionAnsweringTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
        => Load(env, ctx, Version, QuestionAnsweringScoringTask.Load, (task, batchSize) => new RemBertQuestionAnsweringTransformer(env, task, batchSize));
}
