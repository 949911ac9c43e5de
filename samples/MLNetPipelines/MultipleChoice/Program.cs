// Multiple choice: fine-tune RemBERT to pick, among four replies, the one that answers a request (nine languages),
// evaluate it on held-out requests, save it to an ML.NET zip, reload it and pick replies for unseen requests.
//   dotnet run --project samples/MLNetPipelines/MultipleChoice                # the whole job
//   dotnet run --project samples/MLNetPipelines/MultipleChoice -- --quick     # seconds: fewer epochs
//   dotnet run --project samples/MLNetPipelines/MultipleChoice -- predict ReplyModel.zip
using MLNetPipelines.Common;
using MLNetPipelines.MultipleChoice;

return SampleRunner.Run(args, "ReplyModel.zip",
    train: SampleRun.Run,
    predict: arguments =>
    {
        if (arguments.Texts.Count != 0)
            throw new ArgumentException("predict MODEL.zip takes no texts here: it picks replies for the sample's own unseen requests.");
        SampleRun.Predict(arguments.ModelZip, SampleRun.Unseen);
    });
