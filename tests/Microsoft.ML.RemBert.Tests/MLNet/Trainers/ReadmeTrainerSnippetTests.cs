using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.MLNet.Trainers;

/// <summary>
/// Each trainer pipeline of the README (the block after <c>&lt;!-- snippet: NAME --&gt;</c>) compiles against the
/// package's public API and runs: load data, train, evaluate, save, load, predict. The test swaps only
/// <c>google/rembert</c> for the tiny reference checkpoint and the file names for files it generates.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed partial class ReadmeTrainerSnippetTests : MLNetFileTestBase
{
    [SkippableTheory]
    [InlineData("multiclass")]
    [InlineData("binary")]
    [InlineData("regression")]
    [InlineData("multiple-choice")]
    public void SnippetCompilesAndRuns(string name)
    {
        string checkpoint = KeywordData.BaseCheckpoint;
        string source = Snippet(name);
        WriteData(name);
        source = source.Replace("\"google/rembert\"", Literal(checkpoint), StringComparison.Ordinal);
        source = FileName().Replace(source, match => Literal(Path.Combine(TempDirectory, match.Groups[1].Value)));

        CSharpProgram.Run(CSharpProgram.Compile(source, "readme_" + name));

        Assert.Single(Directory.EnumerateFiles(TempDirectory, "*.zip"));
    }

    internal static string Snippet(string name)
    {
        string readme = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "README.md"));
        var match = Regex.Match(readme, $@"<!-- snippet: {name} -->\s*```csharp\n(.*?)```", RegexOptions.Singleline);
        Assert.True(match.Success, $"README.md has no snippet '{name}'.");
        return match.Groups[1].Value;
    }

    private void WriteData(string name)
    {
        foreach (var (file, seed) in new[] { ("train.tsv", 1), ("test.tsv", 2) })
        {
            IEnumerable<string> lines = name switch
            {
                "multiclass" => KeywordData.IntentRows(48, seed).Select(row => $"{row.Sentence1}\t{row.Label}").Prepend("Text\tLabel"),
                "multiple-choice" => MultipleChoice.ChoiceData.Rows(48, seed).Select(row => $"{row.Prompt}\t{string.Join('\t', row.Choices)}\t{row.Label}")
                    .Prepend("Prompt\tChoice0\tChoice1\tChoice2\tChoice3\tLabel"),
                "binary" => KeywordData.IntentRows(48, seed).Select(row => $"{row.Sentence1}\t{(row.Label == "weather" ? "true" : "false")}").Prepend("Text\tLabel"),
                _ => KeywordData.PairRows(48, seed).Select(row => $"{row.Sentence1}\t{row.Sentence2}\t{row.Label.ToString(CultureInfo.InvariantCulture)}")
                    .Prepend("Sentence1\tSentence2\tLabel"),
            };
            File.WriteAllLines(Path.Combine(TempDirectory, file), lines);
        }
    }

    internal static string Literal(string value) => "@\"" + value.Replace("\"", "\"\"") + "\"";

    [GeneratedRegex("\"([A-Za-z0-9_-]+\\.(?:tsv|zip))\"")]
    internal static partial Regex FileName();
}
