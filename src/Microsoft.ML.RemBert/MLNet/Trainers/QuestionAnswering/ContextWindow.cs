namespace Microsoft.ML.RemBert.MLNet.Trainers.QuestionAnswering;

/// <summary>
/// One model input of a question: <c>[CLS] question [SEP] context-window [SEP]</c>, unpadded, with the character range
/// in the original context of each token; the context's tokens are <c>[ContextStart, ContextEnd)</c>.
/// </summary>
internal sealed record ContextWindow(int[] InputIds, int[] TokenTypeIds, (int Start, int End)[] Offsets, int ContextStart, int ContextEnd)
{
    /// <summary>Whether token <paramref name="index"/> is a token of the context.</summary>
    public bool IsContext(int index) => index >= ContextStart && index < ContextEnd;
}

/// <summary>A question over one context: the original context text and every window covering it, in order.</summary>
internal sealed record QuestionWindows(string Context, IReadOnlyList<ContextWindow> Windows);
