// Named-entity recognition: fine-tune RemBERT to tag people (PER) and places (LOC) in nine languages, evaluate it on
// held-out sentences (entity F1, as seqeval counts it), save it to an ML.NET zip, reload it and tag unseen sentences.
//   dotnet run --project samples/MLNetPipelines/NamedEntityRecognition                # the whole job
//   dotnet run --project samples/MLNetPipelines/NamedEntityRecognition -- --quick     # seconds: fewer epochs
//   dotnet run --project samples/MLNetPipelines/NamedEntityRecognition -- predict EntityModel.zip "Anna wohnt in Köln ."
using MLNetPipelines.Common;
using MLNetPipelines.NamedEntityRecognition;

return SampleRunner.Run(args, "EntityModel.zip",
    train: SampleRun.Run,
    predict: arguments => SampleRun.Predict(arguments.ModelZip,
        arguments.Texts.Count == 0 ? SampleRun.Unseen : arguments.Texts.Select(text => ("", text))));
