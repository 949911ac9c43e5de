namespace TokenizerThroughput;

/// <summary>Command-line options; defaults find the repository's corpus and the shared 8k models.</summary>
internal sealed record BenchmarkOptions(IReadOnlyList<string> ModelPaths, string CorpusPath, int Repeat)
{
    private const int DefaultRepeat = 10;

    public static BenchmarkOptions Parse(string[] args)
    {
        var models = new List<string>();
        string? corpus = null;
        var repeat = DefaultRepeat;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--model": models.Add(Value()); break;
                case "--corpus": corpus = Value(); break;
                case "--repeat": repeat = int.Parse(Value()); break;
                default: throw new ArgumentException($"unknown option '{args[i]}' (use --model, --corpus, --repeat)");
            }
        }
        var root = FindRepoRoot();
        corpus ??= Path.Combine(root, "tests", "Microsoft.ML.RemBert.Tests", "TestData", "sentencepiece", "corpus.txt");
        if (models.Count == 0)
        {
            var fixtures = Path.Combine(root, "tests", "Microsoft.ML.RemBert.Tests", "TestData", "fixtures", "sentencepiece");
            models.AddRange(new[] { "unigram-8k.model", "bpe-8k.model" }.Select(m => Path.Combine(fixtures, m)));
        }
        return new BenchmarkOptions(models, corpus, repeat);
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "RemBert.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
