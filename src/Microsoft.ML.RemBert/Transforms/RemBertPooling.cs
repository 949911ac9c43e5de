using Microsoft.ML.RemBert.MLNet.Embeddings;

namespace Microsoft.ML.RemBert.Transforms;

/// <summary>How <c>RemBertEmbeddings</c> turns a text's token vectors (the encoder's last hidden state) into one vector.</summary>
public enum RemBertPooling
{
    /// <summary>The mean over the text's tokens ([CLS] and [SEP] included, padding excluded), as sentence-transformers' mean pooling.</summary>
    Mean = 0,

    /// <summary>The [CLS] token's vector (the first position), without the pooler's dense layer.</summary>
    Cls = 1,

    /// <summary>The element-wise maximum over the text's tokens (padding excluded).</summary>
    Max = 2,
}
