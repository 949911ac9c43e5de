using Microsoft.ML.RemBert.Tokenization;
using Microsoft.ML.Tokenizers;

namespace TokenizerThroughput;

/// <summary>
/// Times our tokenizer as a caller of Microsoft.ML.Tokenizers' API sees it: <see cref="RemBertMLTokenizer"/> through a
/// <see cref="Tokenizer"/> reference (RemBERT's preprocessing and special-token splitting included, [CLS]/[SEP] not
/// added). Needs a model with RemBERT's special tokens.
/// </summary>
internal static class OursAsMLTokenizerRunner
{
    private const string Name = "ours as Microsoft.ML.Tokenizers Tokenizer";

    public static Measurement Measure(string modelPath, string[] lines, int repeat)
    {
        Tokenizer tokenizer;
        try
        {
            tokenizer = new RemBertMLTokenizer(RemBertTokenizer.FromPretrained(modelPath), addSpecialTokens: false);
        }
        catch (InvalidDataException e)
        {
            return Measurement.Failed(Name, $"not a RemBERT vocabulary: {e.Message}");
        }
        var ids = lines.Select(l => tokenizer.EncodeToIds(l).ToArray()).ToArray();
        return Measurement.Time(Name, repeat, () =>
        {
            long tokens = 0;
            foreach (var line in lines) tokens += tokenizer.EncodeToIds(line).Count;
            return tokens;
        }, ids);
    }
}
