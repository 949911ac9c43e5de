using Microsoft.ML.RemBert.Modeling;

namespace TrainerThroughput;

/// <summary>Sizes of one run: the measured ones, or tiny ones with --quick.</summary>
internal sealed record BenchmarkOptions(bool Quick, string TokenizerPath, int? Rows = null, string? Only = null)
{
    /// <summary>The measurements <c>--only</c> accepts: one of them runs alone (a full run takes over 25 minutes).</summary>
    public static readonly string[] Parts = { "training", "transform", "ner", "qa", "zip" };

    /// <summary>Whether this run measures <paramref name="part"/> (every part unless --only names another one).</summary>
    public bool Measures(string part) => Only is null || Only == part;

    public const string QuickArgument = "--quick";
    public const string TokenizerArgument = "--tokenizer";
    public const string RowsArgument = "--rows";
    public const string OnlyArgument = "--only";
    private const string DefaultTokenizer = "tests/Microsoft.ML.RemBert.Tests/TestData/fixtures/sentencepiece/unigram-8k.model";

    /// <summary>Training steps timed after <see cref="WarmUpSteps"/> untimed ones.</summary>
    public int TimedSteps => Quick ? 2 : 6;

    public int WarmUpSteps => 2;

    /// <summary>Rows scored by the pipeline and by the raw forward.</summary>
    /// <summary>
    /// 10,000 by default (the figure: about 40 minutes for both sides at 4 layers of full width on 2 cores);
    /// --rows N measures the same ratio on fewer rows.
    /// </summary>
    public int TransformRows => Rows ?? (Quick ? 200 : 10_000);

    /// <summary>The trained model: 4 layers of google/rembert's width (tiny with --quick).</summary>
    public RemBertConfig TrainingConfig(int vocabularySize) => Quick
        ? Tiny(vocabularySize)
        : RemBertConfig.GoogleRemBert() with { NumHiddenLayers = 4, VocabSize = vocabularySize, Architectures = null };

    /// <summary>The saved and loaded model: google/rembert's configuration (tiny with --quick).</summary>
    public RemBertConfig FullSizeConfig(int vocabularySize) => Quick ? Tiny(vocabularySize) : RemBertConfig.GoogleRemBert() with { Architectures = null };

    public static BenchmarkOptions Parse(string[] args)
    {
        bool quick = false;
        string tokenizer = DefaultTokenizer;
        int? rows = null;
        string? only = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case QuickArgument: quick = true; break;
                case TokenizerArgument when i + 1 < args.Length: tokenizer = args[++i]; break;
                case RowsArgument when i + 1 < args.Length && int.TryParse(args[i + 1], out int n) && n > 0: rows = n; i++; break;
                case OnlyArgument when i + 1 < args.Length && Parts.Contains(args[i + 1]): only = args[++i]; break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'. Usage: TrainerThroughput [--quick] [--tokenizer PATH] [--rows N] [--only {string.Join('|', Parts)}]");
            }
        }
        if (!File.Exists(tokenizer) && !Directory.Exists(tokenizer))
            throw new FileNotFoundException($"Tokenizer '{tokenizer}' not found: run from the repository root or pass --tokenizer PATH.");
        return new BenchmarkOptions(quick, tokenizer, rows, only);
    }

    private static RemBertConfig Tiny(int vocabularySize) => new()
    {
        VocabSize = vocabularySize, HiddenSize = 48, NumHiddenLayers = 2, NumAttentionHeads = 4, InputEmbeddingSize = 24,
        OutputEmbeddingSize = 40, IntermediateSize = 96, MaxPositionEmbeddings = 128, PadTokenId = 0, BosTokenId = 3, EosTokenId = 4,
    };
}
