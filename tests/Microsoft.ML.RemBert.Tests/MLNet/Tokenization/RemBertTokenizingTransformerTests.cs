using Microsoft.ML.Data;
using Microsoft.ML.RemBert.MLNet.Tokenization;
using Microsoft.ML.RemBert.Tokenization;
using Microsoft.ML.RemBert.Transforms;
using Xunit;
using static Microsoft.ML.RemBert.Tests.MLNet.Tokenization.TokenizerTestData;

namespace Microsoft.ML.RemBert.Tests.MLNet.Tokenization;

public class RemBertTokenizingTransformerTests
{
    private readonly MLContext _mlContext = new(seed: 1);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void OutputEqualsTheTokenizerPaddedToMaxSequenceLength(bool withPair)
    {
        var data = _mlContext.Data.LoadFromEnumerable(Rows);
        var tokenizer = LoadTokenizer();

        var output = ReadOutput(_mlContext, Fit(_mlContext, data, withPair).Transform(data));

        Assert.Equal(Rows.Length, output.Length);
        for (int i = 0; i < Rows.Length; i++)
        {
            var expected = Expected(tokenizer, Rows[i], withPair);
            Assert.Equal(expected.InputIds.Select(id => (long)id), output[i].InputIds);
            Assert.Equal(expected.AttentionMask.Select(m => (long)m), output[i].AttentionMask);
            Assert.Equal(expected.TokenTypeIds.Select(t => (long)t), output[i].TokenTypeIds);
            Assert.Equal(tokenizer.ClsTokenId, output[i].InputIds[0]);
            Assert.Equal(withPair ? 2 : 1, output[i].InputIds.Count(id => id == tokenizer.SepTokenId));
            Assert.Equal(withPair, output[i].TokenTypeIds.Contains(1));
        }
        // The long row really was truncated, not just padded.
        Assert.All(output[1].AttentionMask, m => Assert.Equal(1, m));
    }

    [Fact]
    public void OutputColumnsAreFixedLengthInt64Vectors()
    {
        var data = _mlContext.Data.LoadFromEnumerable(Rows);
        var estimator = _mlContext.Transforms.Text.TokenizeForRemBert(LoadTokenizer(), Options(withPair: true));

        var schema = estimator.Fit(data).GetOutputSchema(data.Schema);

        foreach (string name in new[] { "InputIds", "AttentionMask", "TokenTypeIds" })
        {
            var type = Assert.IsType<VectorDataViewType>(schema[name].Type);
            Assert.Equal(NumberDataViewType.Int64, type.ItemType);
            Assert.Equal(MaxSequenceLength, type.Size);
        }
    }

    [Fact]
    public void ParallelCursorsAgreeWithASequentialRead()
    {
        var rows = Enumerable.Range(0, 200).Select(i => Rows[i % Rows.Length] with { Text = $"{i} {Rows[i % Rows.Length].Text}" }).ToArray();
        var data = _mlContext.Data.LoadFromEnumerable(rows);
        var transformed = Fit(_mlContext, data, withPair: true).Transform(data);
        var sequential = ReadOutput(_mlContext, transformed);

        var parallel = new long[Environment.ProcessorCount * 2][][];
        Parallel.For(0, parallel.Length, k =>
        {
            using var cursor = transformed.GetRowCursor(transformed.Schema);
            var getter = cursor.GetGetter<VBuffer<long>>(transformed.Schema["InputIds"]);
            var ids = new List<long[]>();
            VBuffer<long> buffer = default;
            while (cursor.MoveNext())
            {
                getter(ref buffer);
                ids.Add(buffer.DenseValues().ToArray());
            }
            parallel[k] = ids.ToArray();
        });

        Assert.All(parallel, run => Assert.Equal(sequential.Select(r => r.InputIds), run));
    }

    [Fact]
    public void MissingInputColumnIsNamed()
    {
        var data = _mlContext.Data.LoadFromEnumerable(Rows);
        var options = Options(withPair: false) with { InputColumnName = "Sentence" };

        var ex = Assert.ThrowsAny<Exception>(() => _mlContext.Transforms.Text.TokenizeForRemBert(LoadTokenizer(), options).Fit(data));

        Assert.Contains("'Sentence'", ex.Message);
    }

    [Fact]
    public void NonTextInputColumnIsNamedWithItsType()
    {
        var data = _mlContext.Data.LoadFromEnumerable(new[] { new NumberRow(1.5f) });
        var options = Options(withPair: false) with { InputColumnName = nameof(NumberRow.Score) };

        var ex = Assert.ThrowsAny<Exception>(() => _mlContext.Transforms.Text.TokenizeForRemBert(LoadTokenizer(), options).Fit(data));

        Assert.Contains("'Score'", ex.Message);
        Assert.Contains("Single", ex.Message);
    }

    [Fact]
    public void RowTooLongWithoutTruncationNamesRowAndColumn()
    {
        var rows = new TextRow[] { new("fox", ""), new(string.Join(' ', Enumerable.Repeat("The quick brown fox.", 10)), "") };
        var data = _mlContext.Data.LoadFromEnumerable(rows);
        var options = Options(withPair: false) with { Truncation = TruncationStrategy.DoNotTruncate };
        var transformed = _mlContext.Transforms.Text.TokenizeForRemBert(LoadTokenizer(), options).Fit(data).Transform(data);

        var ex = Assert.ThrowsAny<Exception>(() => ReadOutput(_mlContext, transformed));

        // ML.NET's parallel cursors may wrap the mapper's exception; the cause must be in the chain.
        string chain = ex.ToString();
        Assert.True(chain.Contains("Row 1 of column 'Text'") && chain.Contains("MaxSequenceLength 16"), chain);
    }

    /// <summary>OnlySecond truncation cannot shorten a row whose pair is empty (missing values arrive as empty text): the
    /// tokenizer's error must still say which row and columns.</summary>
    [Fact]
    public void RowTheTruncationCannotFitNamesRowAndColumns()
    {
        var rows = new TextRow[] { new("fox", "dog"), new(string.Join(' ', Enumerable.Repeat("The quick brown fox.", 10)), "") };
        var data = _mlContext.Data.LoadFromEnumerable(rows);
        var options = Options(withPair: true) with { Truncation = TruncationStrategy.OnlySecond };
        var transformed = _mlContext.Transforms.Text.TokenizeForRemBert(LoadTokenizer(), options).Fit(data).Transform(data);

        var ex = Assert.ThrowsAny<Exception>(() => ReadOutput(_mlContext, transformed));

        string chain = ex.ToString();
        Assert.True(chain.Contains("Row 1 of column 'Text' and 'Pair'") && chain.Contains("OnlySecond"), chain);
    }

    [Fact]
    public void TooShortMaxSequenceLengthIsRejected()
    {
        var options = Options(withPair: true) with { MaxSequenceLength = 4 };

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => _mlContext.Transforms.Text.TokenizeForRemBert(LoadTokenizer(), options));

        Assert.Equal(nameof(RemBertTokenizingOptions.MaxSequenceLength), ex.ParamName);
    }

    private sealed record NumberRow(float Score);
}
