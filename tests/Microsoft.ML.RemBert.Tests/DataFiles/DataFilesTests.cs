using Microsoft.ML.Data;
using Microsoft.ML.RemBert.Cli.DataFiles;
using Microsoft.ML.RemBert.Tests.MLNet;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.DataFiles;

public sealed class DataFilesTests : MLNetFileTestBase
{
    private static DataViewSchema Schema()
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumn("Text", TextDataViewType.Instance);
        builder.AddColumn("Scores", new VectorDataViewType(NumberDataViewType.Single, 3));
        builder.AddColumn("Label", BooleanDataViewType.Instance);
        return builder.ToSchema();
    }

    private string Write(string name, params string[] lines)
    {
        string path = Path.Combine(TempDirectory, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public void JsonLinesRoundTripWithVectorsAndEscapedText()
    {
        string input = Write("rows.jsonl",
            """{"Text":"héllo \"you\"","Scores":[1.5,-2,0],"Label":true,"Ignored":1}""",
            """{"Label":false,"Scores":[0.25,3,4],"Text":""}""");

        var data = ModelInputFile.Load(MLContext, input, Schema());
        using var output = new MemoryStream();
        long rows = JsonLinesWriter.Write(data, ["Text", "Scores", "Label"], output);

        Assert.Equal(2, rows);
        var lines = System.Text.Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // Text in any script is written as itself; quotes are still escaped (ReadableJson).
        Assert.Equal("""{"Text":"héllo \"you\"","Scores":[1.5,-2,0],"Label":true}""", lines[0]);
        Assert.Equal("""{"Text":"","Scores":[0.25,3,4],"Label":false}""", lines[1]);
    }

    // NaN and infinities are not JSON: the writer names them as strings, the same rule as `rembert forward`.
    [Fact]
    public void NonFiniteFloatsBecomeNamedStrings()
    {
        string input = Write("rows.jsonl", """{"Text":"a","Scores":[0,1,-1],"Label":true}""");
        var data = ModelInputFile.Load(MLContext, input, Schema());
        var divided = MLContext.Transforms.Expression("Ratio", "x : x / 0", "Scores").Fit(data).Transform(data);

        using var output = new MemoryStream();
        JsonLinesWriter.Write(divided, ["Ratio"], output);

        Assert.Equal("""{"Ratio":["NaN","Infinity","-Infinity"]}""", System.Text.Encoding.UTF8.GetString(output.ToArray()).Trim());
    }

    [Fact]
    public void MalformedJsonLineNamesFileAndLine()
    {
        string input = Write("rows.jsonl", """{"Text":"a","Scores":[1,2,3],"Label":true}""", "", """{"Text":"b","Scores":[1,2],"Label":true}""");

        var ex = Assert.Throws<InvalidDataException>(() => ModelInputFile.Load(MLContext, input, Schema()));

        Assert.Contains($"{input}:3", ex.Message);
        Assert.Contains("'Scores'", ex.Message);
        Assert.Contains("expected 3 values", ex.Message);
    }

    [Fact]
    public void CsvColumnsAreMatchedByHeaderName()
    {
        string input = Write("rows.csv", "Label,Other,Text", "true,1,\"a, b\"", "false,2,c");

        var data = ModelInputFile.Load(MLContext, input, Schema());

        Assert.Equal(["Label", "Text"], data.Schema.Select(c => c.Name).Order());
        Assert.Equal(["a, b", "c"], data.GetColumn<ReadOnlyMemory<char>>("Text").Select(t => t.ToString()));
        Assert.Equal([true, false], data.GetColumn<bool>("Label"));
    }

    [Fact]
    public void FileWithNoneOfTheModelsColumnsIsRejected()
    {
        string input = Write("rows.tsv", "A\tB", "1\t2");

        var ex = Assert.Throws<InvalidDataException>(() => ModelInputFile.Load(MLContext, input, Schema()));

        Assert.Contains("Text, Scores, Label", ex.Message);
        Assert.Contains("it has: A, B", ex.Message);
    }
}
