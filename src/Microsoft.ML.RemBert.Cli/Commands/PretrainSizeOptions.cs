using System.CommandLine;
using Microsoft.ML.RemBert.Modeling;

namespace Microsoft.ML.RemBert.Cli.Commands;

/// <summary>
/// <c>rembert pretrain</c>'s model-shape options when no <c>--config</c> is given. The defaults are the embedded default
/// model's shape: RemBERT's decoupled embeddings (a small input embedding, a larger output embedding) at a size that
/// trains on a CPU.
/// </summary>
internal sealed class PretrainSizeOptions
{
    private readonly Option<int> hidden = new("--hidden-size") { DefaultValueFactory = _ => 256, Description = "Hidden size." };
    private readonly Option<int> layers = new("--num-layers") { DefaultValueFactory = _ => 4, Description = "Transformer layers." };
    private readonly Option<int> heads = new("--num-heads") { DefaultValueFactory = _ => 4, Description = "Attention heads." };
    private readonly Option<int> intermediate = new("--intermediate-size") { DefaultValueFactory = _ => 1024, Description = "Feed-forward size." };
    private readonly Option<int> inputEmbedding = new("--input-embedding-size") { DefaultValueFactory = _ => 128, Description = "Input (token) embedding size, projected to the hidden size." };
    private readonly Option<int> outputEmbedding = new("--output-embedding-size") { DefaultValueFactory = _ => 384, Description = "Output embedding size of the LM head." };
    private readonly Option<int> maxPositions = new("--max-position-embeddings") { DefaultValueFactory = _ => 128, Description = "Longest sequence the model takes." };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(System.CommandLine.Command command)
    {
        foreach (var option in new[] { hidden, layers, heads, intermediate, inputEmbedding, outputEmbedding, maxPositions })
            command.Options.Add(option);
    }

    /// <summary>The configuration the options describe (vocabulary and special ids are filled from the tokenizer later).</summary>
    public RemBertConfig Read(ParseResult parse) => new()
    {
        HiddenSize = parse.GetValue(hidden),
        NumHiddenLayers = parse.GetValue(layers),
        NumAttentionHeads = parse.GetValue(heads),
        IntermediateSize = parse.GetValue(intermediate),
        InputEmbeddingSize = parse.GetValue(inputEmbedding),
        OutputEmbeddingSize = parse.GetValue(outputEmbedding),
        MaxPositionEmbeddings = parse.GetValue(maxPositions),
        HiddenDropoutProb = 0,
        AttentionProbsDropoutProb = 0,
    };
}
