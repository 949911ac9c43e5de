// The main job: fine-tune RemBERT to recognise the intent of requests in nine languages, evaluate it on held-out
// requests, save it to an ML.NET zip, reload it and predict requests it has never seen.
//   dotnet run --project samples/MLNetPipelines/TextClassification                # the whole job
//   dotnet run --project samples/MLNetPipelines/TextClassification -- --quick     # seconds: fewer epochs, shorter inputs
//   dotnet run --project samples/MLNetPipelines/TextClassification -- predict IntentModel.zip "Wie wird das Wetter?"
using MLNetPipelines.Common;
using MLNetPipelines.TextClassification;

return SampleRunner.Run(args, "IntentModel.zip",
    train: (arguments, cancellationToken) => MainJob.Run(arguments, cancellationToken),
    predict: arguments =>
    {
        if (arguments.Texts.Count == 0)
            MainJob.PredictUnseen(arguments.ModelZip);
        else
            MainJob.Predict(arguments.ModelZip, arguments.Texts.Select(text => new IntentModel.ModelInput { Sentence1 = text }).ToList());
    });
