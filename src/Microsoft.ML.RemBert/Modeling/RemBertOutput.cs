namespace Microsoft.ML.RemBert.Modeling;

/// <summary>The output of the feed-forward layer: intermediate → hidden projection with residual LayerNorm (transformers' RemBertOutput).</summary>
public sealed class RemBertOutput : RemBertResidualOutput
{
    /// <summary>Builds the intermediate → hidden projection.</summary>
    public RemBertOutput(RemBertConfig config) : base(nameof(RemBertOutput), config, config.IntermediateSize) { }
}
