// Shared by the apps PackageConsumerTests builds (copied beside each app's Program.cs).
using Microsoft.ML.RemBert.Checkpoints;
using Microsoft.ML.RemBert.Modeling;

static class TinyCheckpoint
{
    /// <summary>
    /// Saves a tiny, randomly initialised RemBERT sequence classifier (labels neg, pos) as a checkpoint directory,
    /// with <paramref name="tokenizerModel"/> (146 pieces) beside it as sentencepiece.model, the layout the trainers read.
    /// </summary>
    public static string Write(string directory, string tokenizerModel)
    {
        var config = new RemBertConfig
        {
            VocabSize = 146, HiddenSize = 8, NumHiddenLayers = 1, NumAttentionHeads = 2, InputEmbeddingSize = 4,
            OutputEmbeddingSize = 4, IntermediateSize = 16, MaxPositionEmbeddings = 128, PadTokenId = 0, BosTokenId = 3, EosTokenId = 4,
        }.WithLabels(new[] { "neg", "pos" });
        using (var fresh = new RemBertForSequenceClassification(config)) fresh.SavePretrained(directory);
        File.Copy(tokenizerModel, Path.Combine(directory, "sentencepiece.model"));
        return directory;
    }
}
