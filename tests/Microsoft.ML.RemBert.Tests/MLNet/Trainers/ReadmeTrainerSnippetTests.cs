using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.MLNet.Trainers;

/// <summary>
/// Each trainer pipeline of the README and docs/ (the block after <c>&lt;!-- snippet: NAME --&gt;</c>) compiles against
/// the package's public API and runs: load data, train, evaluate, save, load, predict. The test swaps only
/// <c>google/rembert</c> for the tiny reference checkpoint and the file names for files it generates. Every snippet
/// marker in those files is one of the names run here or by NamedEntityReadmeSnippetTests.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed partial class ReadmeTrainerSnippetTests : MLNetFileTestBase
{
    [SkippableTheory]
    [InlineData("front-door")]
    [InlineData("multiclass")]
    [InlineData("binary")]
    [InlineData("regression")]
    [InlineData("multiple-choice")]
    [InlineData("question-answering")]
    [InlineData("multi-label")]
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

    /// <summary>The names this class and NamedEntityReadmeSnippetTests run.</summary>
    private static readonly string[] TestedSnippets = ["front-door", "multiclass", "binary", "regression", "multiple-choice", "question-answering", "ner", "multi-label"];

    [Fact]
    public void EverySnippetInTheDocsIsRunByATest()
    {
        var names = DocumentationFiles().SelectMany(file => SnippetMarker().Matches(File.ReadAllText(file)).Select(m => m.Groups[1].Value)).ToList();
        Assert.Equal(TestedSnippets.Order(), names.Order());
    }

    /// <summary>The code block after the snippet's marker, in whichever of README.md and docs/*.md holds it (exactly one).</summary>
    internal static string Snippet(string name)
    {
        var matches = DocumentationFiles()
            .Select(file => (File: file, Match: Regex.Match(File.ReadAllText(file), $@"<!-- snippet: {name} -->\s*```csharp\n(.*?)```", RegexOptions.Singleline)))
            .Where(found => found.Match.Success).ToList();
        Assert.True(matches.Count == 1, $"snippet '{name}' is in {matches.Count} of README.md and docs/*.md: {string.Join(", ", matches.Select(m => m.File))}");
        return matches[0].Match.Groups[1].Value;
    }

    private static IEnumerable<string> DocumentationFiles() =>
        Directory.EnumerateFiles(Path.Combine(TestPaths.RepoRoot, "docs"), "*.md").Prepend(Path.Combine(TestPaths.RepoRoot, "README.md"));

    [GeneratedRegex("<!-- snippet: ([a-z-]+) -->")]
    private static partial Regex SnippetMarker();

    private void WriteData(string name)
    {
        foreach (var (file, seed) in new[] { ("train.tsv", 1), ("test.tsv", 2) })
        {
            IEnumerable<string> lines = name switch
            {
                "multiclass" or "front-door" => KeywordData.IntentRows(48, seed).Select(row => $"{row.Sentence1}\t{row.Label}").Prepend("Text\tLabel"),
                "multiple-choice" => MultipleChoice.ChoiceData.Rows(48, seed).Select(row => $"{row.Prompt}\t{string.Join('\t', row.Choices)}\t{row.Label}")
                    .Prepend("Prompt\tChoice0\tChoice1\tChoice2\tChoice3\tLabel"),
                "multi-label" => MultiLabel.MultiLabelData.Rows(48, seed).Select(row => $"{row.Sentence1}\t{string.Join(',', row.Label)}").Prepend("Text\tLabels"),
                "binary" => KeywordData.IntentRows(48, seed).Select(row => $"{row.Sentence1}\t{(row.Label == "weather" ? "true" : "false")}").Prepend("Text\tLabel"),
                // TSV fields are literal text: the generated tabs and newlines become spaces (same length, same answer starts).
                "question-answering" => QuestionAnswering.AnswerData.Rows(48, seed)
                    .Select(row => $"{row.Context.Replace('\t', ' ').Replace('\n', ' ')}\t{row.Question}\t{row.TrainingAnswer}\t{row.AnswerIndex}")
                    .Prepend("Context\tQuestion\tTrainingAnswer\tAnswerIndex"),
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
