using Microsoft.ML.RemBert.Tests.Infrastructure;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.MLNet.Trainers.NamedEntities;

/// <summary>
/// The named-entity pipeline of docs/tasks.md (snippet "ner") compiles against the public API and runs: load tagged sentences,
/// train, evaluate by entity, save, load, tag a sentence. Only <c>google/rembert</c> and the file names are swapped.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class NamedEntityReadmeSnippetTests : MLNetFileTestBase
{
    [SkippableFact]
    public void NerSnippetCompilesAndRuns()
    {
        string checkpoint = KeywordData.BaseCheckpoint;
        foreach (var (file, seed) in new[] { ("train.tsv", 1), ("test.tsv", 2) })
            File.WriteAllLines(Path.Combine(TempDirectory, file),
                NamedEntityData.SpacedRows(48, seed).Select(row => $"{row.Sentence1}\t{string.Join(' ', row.Tags)}").Prepend("Sentence\tTags"));
        string source = ReadmeTrainerSnippetTests.Snippet("ner")
            .Replace("\"google/rembert\"", ReadmeTrainerSnippetTests.Literal(checkpoint), StringComparison.Ordinal);
        source = ReadmeTrainerSnippetTests.FileName().Replace(source,
            match => ReadmeTrainerSnippetTests.Literal(Path.Combine(TempDirectory, match.Groups[1].Value)));

        CSharpProgram.Run(CSharpProgram.Compile(source, "readme_ner"));

        Assert.True(File.Exists(Path.Combine(TempDirectory, "entities.zip")));
    }
}
