using Microsoft.ML.RemBert.Tokenization.SentencePiece;
using Microsoft.ML.RemBert.Tokenization;
using Xunit;
using static Microsoft.ML.RemBert.Tests.Tokenization.FixtureTokenizer;
using Microsoft.ML.RemBert.Tests.Infrastructure;

namespace Microsoft.ML.RemBert.Tests.Tokenization;

public class TokenizerLoadingTests
{
    private static string ModelFile => Path.Combine(FixtureTokenizer.CheckpointDirectory, RemBertTokenizer.VocabularyFileName);

    [Fact]
    public void MissingPath_IsNamed()
    {
        var e = Assert.Throws<FileNotFoundException>(() => RemBertTokenizer.FromPretrained("/no/such/tokenizer"));
        Assert.Contains("/no/such/tokenizer", e.Message);
    }

    [Fact]
    public void DirectoryWithoutModel_NamesTheMissingFile()
    {
        using var dir = new TemporaryDirectory();
        var e = Assert.Throws<FileNotFoundException>(() => RemBertTokenizer.FromPretrained(dir.Path));
        Assert.Contains("sentencepiece.model", e.Message);
        Assert.Equal(dir.File("sentencepiece.model"), e.FileName);
    }

    [Fact]
    public void CorruptModel_NamesTheFile()
    {
        using var dir = new TemporaryDirectory();
        File.WriteAllBytes(dir.File("sentencepiece.model"), [0xFF, 0xFF, 0xFF, 0x01, 0x02]);
        var e = Assert.ThrowsAny<Exception>(() => RemBertTokenizer.FromPretrained(dir.Path));
        Assert.Contains("sentencepiece.model", e.Message);
    }

    [SkippableFact]
    public void ModelFile_AloneGivesDefaultOptions()
    {
        var tokenizer = RemBertTokenizer.FromPretrained(ModelFile);
        Assert.Equal(new RemBertTokenizerOptions(), tokenizer.Options);
        Assert.Equal(Mask, tokenizer.MaskTokenId);
    }

    [SkippableTheory]
    [InlineData("{ not json", "not valid JSON")]
    [InlineData("[1, 2]", "JSON object")]
    [InlineData("{\"do_lower_case\": \"yes\"}", "'do_lower_case' must be true or false")]
    [InlineData("{\"mask_token\": 5}", "'mask_token'")]
    [InlineData("{\"model_max_length\": -3}", "'model_max_length' must be a positive integer")]
    public void CorruptConfig_NamesFileAndKey(string json, string expected)
    {
        using var dir = CheckpointWithConfig(json);
        var e = Assert.Throws<InvalidDataException>(() => RemBertTokenizer.FromPretrained(dir.Path));
        Assert.Contains("tokenizer_config.json", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [SkippableFact]
    public void Config_ReadsFlagsAddedTokenObjectsAndHugeMaxLength()
    {
        using var dir = CheckpointWithConfig("""
            {"do_lower_case": true, "remove_space": false, "keep_accents": false,
             "mask_token": {"__type": "AddedToken", "content": "[MASK]", "lstrip": true, "rstrip": false},
             "model_max_length": 1000000000000000019884624838656, "tokenizer_class": "RemBertTokenizer"}
            """);
        var options = RemBertTokenizer.FromPretrained(dir.Path).Options;
        Assert.Equal(new RemBertTokenizerOptions { DoLowerCase = true, RemoveSpace = false, KeepAccents = false, ModelMaxLength = int.MaxValue }, options);
    }

    [SkippableFact]
    public void SpecialTokenMissingFromTheVocabulary_IsNamed()
    {
        var model = SentencePieceProcessor.Load(ModelFile);
        var e = Assert.Throws<InvalidDataException>(() => RemBertTokenizer.FromSentencePiece(model, new RemBertTokenizerOptions { ClsToken = "<s>" }));
        Assert.Contains("'<s>'", e.Message);
        Assert.Contains("cls_token", e.Message);
    }

    [SkippableFact]
    public void SaveVocabulary_WritesTheExactModelBytes()
    {
        var tokenizer = Load();
        using var dir = new TemporaryDirectory();
        var path = tokenizer.SaveVocabulary(dir.Path);
        Assert.Equal(dir.File("sentencepiece.model"), path);
        Assert.Equal(File.ReadAllBytes(ModelFile), File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(dir.Path));   // no temporary file left behind
        Assert.Equal(tokenizer.Encode("Hello world").InputIds, RemBertTokenizer.FromPretrained(dir.Path).Encode("Hello world").InputIds);
        // Saving again over an existing file replaces it.
        Assert.Equal(path, tokenizer.SaveVocabulary(dir.Path));
    }

    [SkippableFact]
    public void SaveVocabulary_IntoAMissingDirectory_Throws()
    {
        var e = Assert.Throws<DirectoryNotFoundException>(() => Load().SaveVocabulary("/no/such/dir"));
        Assert.Contains("/no/such/dir", e.Message);
    }

    private static TemporaryDirectory CheckpointWithConfig(string json)
    {
        var dir = new TemporaryDirectory();
        File.Copy(ModelFile, dir.File("sentencepiece.model"));
        File.WriteAllText(dir.File("tokenizer_config.json"), json);
        return dir;
    }
}
