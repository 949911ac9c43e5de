namespace Microsoft.ML.RemBert.Modeling;

/// <summary>The output of self-attention: hidden → hidden projection with residual LayerNorm (transformers' RemBertSelfOutput).</summary>
public sealed class RemBertSelfOutput : RemBertResidualOutput
{
    /// <summary>Builds the hidden → hidden projection.</summary>
    public RemBertSelfOutput(RemBertConfig config) : base(nameof(RemBertSelfOutput), config, config.HiddenSize) { }
}
