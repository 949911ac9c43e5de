using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.RemBert.MLNet.Tokenization;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Microsoft.ML.RemBert.Tests.MLNet;
using Microsoft.ML.RemBert.Tests.Tokenization;
using Microsoft.ML.RemBert.Tokenization;
using Microsoft.ML.RemBert.Transforms;
using Microsoft.ML.Transforms.Onnx;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.RemBert.Tests.Onnx;

/// <summary>
/// The tokenizer transform's text-in ONNX export (ONNX Runtime Extensions' SentencePiece operator plus standard
/// operators), run by ONNX Runtime with the extensions registered, against the ML.NET zip on the fixtures' 3,020
/// multilingual lines: single texts and pairs, lengths that force truncation, the whole set as one batch and rows one
/// at a time.
/// </summary>
public sealed class TextInputOnnxExportTests(ITestOutputHelper output) : MLNetFileTestBase
{
    private static readonly string[] Lines = SentencePieceFixtures.ReadLines(TestPaths.Fixture("sentencepiece", "lines.txt"));

    private static RemBertTokenizer Tokenizer() => RemBertTokenizer.FromPretrained(TestPaths.Fixture("rembert-reference", "seqcls"));

    [Theory]
    [InlineData(false, 16)]
    [InlineData(true, 20)]
    public void TokenizerGraphGivesTheZipsColumnsOnEverySharedLine(bool withPair, int maxLength)
    {
        var rows = Enumerable.Range(0, Lines.Length).Select(i => new TextPair(Lines[i], Lines[(i + 7) % Lines.Length])).ToArray();
        var data = MLContext.Data.LoadFromEnumerable(rows);
        var options = new RemBertTokenizingOptions { InputColumnName = "Text", SecondInputColumnName = withPair ? "Pair" : null, MaxSequenceLength = maxLength };
        var model = MLContext.Transforms.Text.TokenizeForRemBert(Tokenizer(), options).Fit(data);
        string zip = Path.Combine(TempDirectory, "tokenizer.zip");
        MLContext.Model.Save(model, data.Schema, zip);
        var expected = Columns(MLContext.Model.Load(zip, out _).Transform(data));
        string onnx = Export(model, withPair);

        var batch = RunTokenizer(onnx, rows, withPair);
        int truncated = Enumerable.Range(0, rows.Length).Count(i => expected.AttentionMask[i][^1] == 1);
        output.WriteLine($"{rows.Length} rows ({(withPair ? "pairs" : "single texts")}, MaxSequenceLength {maxLength}): {truncated} fill every position (truncated or exactly full)");
        Assert.True(truncated > rows.Length / 10, $"only {truncated} rows reach MaxSequenceLength: truncation is not exercised");
        AssertRowsEqual(expected, batch, 0);

        // Batch handling: a few rows alone, and a small batch in another order, give the same rows as the big batch.
        foreach (int i in new[] { 0, 1, 500, 1500, rows.Length - 1 })
            AssertRowEqual(expected, i, RunTokenizer(onnx, [rows[i]], withPair), 0);
        int[] shuffled = [2999, 3, 1200, 42];
        var small = RunTokenizer(onnx, shuffled.Select(i => rows[i]).ToArray(), withPair);
        for (int k = 0; k < shuffled.Length; k++)
            AssertRowEqual(expected, shuffled[k], small, k);
    }

    [Fact]
    public void ApplyOnnxModelRunsTheTokenizerGraphWithTheExtensionsRegistered()
    {
        var rows = Lines.Take(40).Select(line => new TextPair(line, "")).ToArray();
        var data = MLContext.Data.LoadFromEnumerable(rows);
        var model = MLContext.Transforms.Text.TokenizeForRemBert(Tokenizer(), new RemBertTokenizingOptions { InputColumnName = "Text", MaxSequenceLength = 12 }).Fit(data);
        string onnx = Export(model, withPair: false);
        var expected = Columns(model.Transform(data));

        MLContext.SetOnnxSessionOption(ExtensionsSessionOptions());
        var applied = MLContext.Transforms.ApplyOnnxModel(onnx).Fit(data).Transform(data);

        // ML.NET names the columns of an ML.NET-exported graph's outputs without their ".output" suffix.
        Assert.Equal(expected.InputIds, applied.GetColumn<long[]>("InputIds").ToArray());
        Assert.Equal(expected.AttentionMask, applied.GetColumn<long[]>("AttentionMask").ToArray());
        Assert.Equal(expected.TokenTypeIds, applied.GetColumn<long[]>("TokenTypeIds").ToArray());
    }

    [Fact]
    public void TokenizerTheGraphCannotReproduceFailsNamingTheOption()
    {
        var lowerCasing = RemBertTokenizer.FromSentencePiece(Tokenizer().SentencePiece, new RemBertTokenizerOptions { DoLowerCase = true });
        var data = MLContext.Data.LoadFromEnumerable(new[] { new TextPair("Hello", "") });
        var model = MLContext.Transforms.Text.TokenizeForRemBert(lowerCasing, new RemBertTokenizingOptions { InputColumnName = "Text", MaxSequenceLength = 8 }).Fit(data);

        var error = Assert.Throws<NotSupportedException>(() => Export(model, withPair: false));
        Assert.Contains("do_lower_case", error.Message);
    }

    /// <summary>The session options that register ONNX Runtime Extensions' operators in every ONNX session ML.NET creates.</summary>
    internal static OnnxSessionOptions ExtensionsSessionOptions() => new()
    {
        CreateSessionOptions = () =>
        {
            var options = new SessionOptions();
            options.RegisterOrtExtensions();
            return options;
        },
    };

    private string Export(ITransformer model, bool withPair)
    {
        string path = Path.Combine(TempDirectory, "tokenizer.onnx");
        var schema = withPair
            ? MLContext.Data.LoadFromEnumerable(new[] { new TextPair("", "") })
            : MLContext.Data.LoadFromEnumerable(new[] { new TextOnly("") });
        using (var stream = File.Create(path))
            MLContext.Model.ConvertToOnnx(model, schema, stream);
        return path;
    }

    private static Encoded RunTokenizer(string onnx, TextPair[] rows, bool withPair)
    {
        using var options = new SessionOptions();
        options.RegisterOrtExtensions();
        var outputs = OrtOutput.Run(onnx, (name, _) => OrtOutput.Texts(name, rows.Select(row => name == "Pair" ? row.Pair : row.Text).ToArray()), options);
        long[][] Rows(string column) => outputs[column + ".output"].Rows<long>();
        return new Encoded(Rows("InputIds"), Rows("AttentionMask"), Rows("TokenTypeIds"));
    }

    private static Encoded Columns(IDataView view)
        => new(view.GetColumn<long[]>("InputIds").ToArray(), view.GetColumn<long[]>("AttentionMask").ToArray(), view.GetColumn<long[]>("TokenTypeIds").ToArray());

    private static void AssertRowsEqual(Encoded expected, Encoded actual, int offset)
    {
        Assert.Equal(expected.InputIds.Length, actual.InputIds.Length);
        var differing = Enumerable.Range(0, expected.InputIds.Length).Where(i => !RowEqual(expected, i, actual, i + offset)).ToList();
        foreach (int i in differing.Take(3))
            Assert.Fail($"row {i} '{Lines[i]}': expected ids [{string.Join(' ', expected.InputIds[i])}] types [{string.Join(' ', expected.TokenTypeIds[i])}], " +
                $"ONNX gave [{string.Join(' ', actual.InputIds[i])}] types [{string.Join(' ', actual.TokenTypeIds[i])}] ({differing.Count} rows differ)");
    }

    private static void AssertRowEqual(Encoded expected, int row, Encoded actual, int actualRow)
        => Assert.True(RowEqual(expected, row, actual, actualRow), $"row {row} alone or in a small batch differs from the zip");

    private static bool RowEqual(Encoded expected, int row, Encoded actual, int actualRow)
        => expected.InputIds[row].SequenceEqual(actual.InputIds[actualRow])
            && expected.AttentionMask[row].SequenceEqual(actual.AttentionMask[actualRow])
            && expected.TokenTypeIds[row].SequenceEqual(actual.TokenTypeIds[actualRow]);

    private sealed record Encoded(long[][] InputIds, long[][] AttentionMask, long[][] TokenTypeIds);

    private sealed record TextPair(string Text, string Pair);

    private sealed record TextOnly(string Text);
}
