// Extractive question answering: fine-tune RemBERT to find answers (or their absence, SQuAD 2.0 style) in short
// profiles in nine languages, evaluate it on held-out questions (SQuAD exact match and F1), save it to an ML.NET zip,
// reload it and answer unseen questions.
//   dotnet run --project samples/MLNetPipelines/QuestionAnswering                # the whole job
//   dotnet run --project samples/MLNetPipelines/QuestionAnswering -- --quick     # seconds: fewer epochs
//   dotnet run --project samples/MLNetPipelines/QuestionAnswering -- predict AnswerModel.zip "CONTEXT" "QUESTION"
using MLNetPipelines.Common;
using MLNetPipelines.QuestionAnswering;

return SampleRunner.Run(args, "AnswerModel.zip",
    train: SampleRun.Run,
    predict: arguments =>
    {
        if (arguments.Texts.Count is not (0 or 2))
            throw new ArgumentException("predict MODEL.zip takes either nothing or a context and a question.");
        SampleRun.Predict(arguments.ModelZip, arguments.Texts.Count == 0 ? SampleRun.Unseen : [("", arguments.Texts[0], arguments.Texts[1])]);
    });
