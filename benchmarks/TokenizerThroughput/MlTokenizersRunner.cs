using System.Reflection;
using Microsoft.ML.Tokenizers;

namespace TokenizerThroughput;

/// <summary>Times Microsoft.ML.Tokenizers' SentencePieceTokenizer on the same model (it throws on some layouts).</summary>
internal static class MlTokenizersRunner
{
    /// <summary>The package version actually loaded (Directory.Packages.props), e.g. "Microsoft.ML.Tokenizers 3.0.0".</summary>
    public static readonly string Name = $"Microsoft.ML.Tokenizers {typeof(SentencePieceTokenizer).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]}";

    public static Measurement Measure(string modelPath, string[] lines, int repeat)
    {
        SentencePieceTokenizer tokenizer;
        try
        {
            using var stream = File.OpenRead(modelPath);
            tokenizer = SentencePieceTokenizer.Create(stream, false, false);
            Encode(tokenizer, lines[0]);
        }
        catch (Exception e)
        {
            return Measurement.Failed(Name, $"throws: {e.GetType().Name}: {e.Message}");
        }
        var ids = lines.Select(l => Encode(tokenizer, l)).ToArray();
        return Measurement.Time(Name, repeat, () =>
        {
            long tokens = 0;
            foreach (var line in lines) tokens += Encode(tokenizer, line).Length;
            return tokens;
        }, ids);
    }

    private static int[] Encode(SentencePieceTokenizer tokenizer, string line) =>
        tokenizer.EncodeToIds(line, addBeginningOfSentence: false, addEndOfSentence: false).ToArray();
}
