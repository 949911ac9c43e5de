using System.Text;
using Microsoft.ML.Data;
using Microsoft.ML.RemBert.Cli;
using Microsoft.ML.RemBert.Cli.DataFiles;
using Microsoft.ML.RemBert.IO;
using Microsoft.ML.RemBert.Pretraining;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Microsoft.ML.RemBert.Tests.MLNet;
using Microsoft.ML.RemBert.Tokenization;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Hostile;

/// <summary>
/// Careless data files (issue 20, items 6 and 8): one rule for every reader — invalid UTF-8 is refused naming the file,
/// line, byte and offset; a line longer than <see cref="DataFileLines.MaxLineBytes"/> is refused with the reader having
/// allocated a bounded amount, not gigabytes — and truncation tokenizes only the prefix it keeps.
/// </summary>
public sealed class DataFileLineTests : IDisposable
{
    /// <summary>What reading a file with one 50 MB line may allocate: the cap and buffers, not the line.</summary>
    private const long ReaderAllocationBound = 48L << 20;

    private const int HugeLineBytes = 50 << 20;

    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    public static TheoryData<string> Readers => ["tsv", "csv", "jsonl", "conll", "choices", "squad", "predict-tsv", "corpus"];

    [Theory]
    [MemberData(nameof(Readers))]
    public void InvalidUtf8IsRefusedNamingTheFileLineByteAndOffsetByEveryReader(string reader)
    {
        var (header, line) = Sample(reader);
        string path = _directory.File("bad" + Extension(reader));
        byte[] good = Encoding.UTF8.GetBytes(header);
        byte[] bad = Encoding.UTF8.GetBytes(line);
        int at = Array.IndexOf(bad, (byte)'x');
        bad[at] = 0xFF;
        File.WriteAllBytes(path, [.. good, .. bad]);
        int lineNumber = header.Count(c => c == '\n') + 1, byteInLine = at + 1;
        long offset = good.Length + at;
        if (reader == "squad") byteInLine = good.Length + at + 1; // the whole document is one line

        var error = Assert.Throws<InvalidDataException>(() => Read(reader, path));

        Assert.Equal($"{path}: line {lineNumber}, byte {byteInLine} (offset {offset} in the file) is not valid UTF-8; every data file must be UTF-8 text.", error.Message);
    }

    [Theory]
    [MemberData(nameof(Readers))]
    public void AFiftyMegabyteLineIsRefusedByEveryReaderWithoutReadingItIntoMemory(string reader)
    {
        var (header, line) = Sample(reader);
        string path = _directory.File("huge" + Extension(reader));
        int at = line.IndexOf('x');
        using (var file = File.Create(path))
        {
            file.Write(Encoding.UTF8.GetBytes(header + line[..at]));
            var filler = Encoding.ASCII.GetBytes(new string('x', 1 << 20));
            for (int written = 0; written < HugeLineBytes; written += filler.Length) file.Write(filler);
            file.Write(Encoding.UTF8.GetBytes(line[(at + 1)..]));
        }
        GC.Collect();
        long before = GC.GetAllocatedBytesForCurrentThread();

        var error = Assert.Throws<InvalidDataException>(() => Read(reader, path));

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains(path, error.Message);
        Assert.Contains("1,048,576", error.Message);
        if (reader != "squad") Assert.Contains($"line {header.Count(c => c == '\n') + 1} is longer than 1,048,576 bytes", error.Message);
        else Assert.Contains("context is 52,4", error.Message);
        // SQuAD (one JSON document) and a pretraining corpus are read whole, bounded by their file size caps: the file's
        // bytes (and for JSON System.Text.Json's index, sized by the document), never the line's text on top.
        long bound = reader switch
        {
            "squad" => 2L * HugeLineBytes + ReaderAllocationBound,
            "corpus" => HugeLineBytes + ReaderAllocationBound,
            _ => ReaderAllocationBound,
        };
        Assert.True(allocated < bound, $"{reader}: allocated {allocated:N0} bytes reading a {HugeLineBytes:N0}-byte line (bound {bound:N0})");
    }

    [Fact]
    public void TrainRefusesAnInvalidUtf8TsvInOneLineAndWritesNothing()
    {
        string train = _directory.File("small.tsv");
        File.WriteAllBytes(train, [.. Encoding.UTF8.GetBytes("Label\tSentence1\nweather\tpogoda\nmusic\tmu"), 0xFF, .. "zyka\n"u8]);
        string output = _directory.File("model.zip");

        var result = RembertCli.Run("train", "text-classification", "--model", _directory.File("no-checkpoint-needed"), "--train", train, "--output", output);

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Equal($"rembert train: {train}: line 3, byte 9 (offset 39 in the file) is not valid UTF-8; every data file must be UTF-8 text.", result.StandardError.Trim());
        Assert.Equal(["small.tsv"], Directory.GetFileSystemEntries(_directory.Path).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData(TruncationStrategy.LongestFirst, false)]
    [InlineData(TruncationStrategy.LongestFirst, true)]
    [InlineData(TruncationStrategy.OnlyFirst, true)]
    [InlineData(TruncationStrategy.OnlySecond, true)]
    public void TruncationTokenizesOnlyThePrefixItKeepsAndGivesTheSameIds(TruncationStrategy truncation, bool pair)
    {
        var tokenizer = RemBertTokenizer.FromPretrained(TestPaths.TestData("MLNet", "tiny-unigram.model"));
        var random = new Random(5);
        string[] words = ["Où", "est", "la", "gare", "?", "hello", "world", "tokenize", "me", "please", "ça", "va", "très", "bien", "[SEP]"];
        string Text(int count) => string.Join(' ', Enumerable.Range(0, count).Select(_ => words[random.Next(words.Length)]));
        string shortText = Text(5);
        foreach (int count in new[] { 300, 3000, 30000 })
        {
            string text = Text(count);
            var options = new RemBertEncodeOptions { MaxLength = 64, Truncation = truncation };
            var (first, second) = truncation == TruncationStrategy.OnlySecond ? (shortText, text) : truncation == TruncationStrategy.OnlyFirst ? (text, shortText) : (text, pair ? Text(count / 2) : null);

            var expected = Reference(tokenizer, first, second, 64, truncation);
            var actual = tokenizer.Encode(first, second, options);

            Assert.Equal(expected, actual.InputIds);
        }

        GC.Collect();
        words = words[..^1]; // no special token: the splitter's matches would grow with the text
        string huge = Text(5_000_000); // ~30 MB of text
        long before = GC.GetAllocatedBytesForCurrentThread();
        var encoding = tokenizer.Encode(huge, pair ? shortText : null, new RemBertEncodeOptions { MaxLength = 128, Truncation = pair ? TruncationStrategy.OnlyFirst : truncation });
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(128, encoding.InputIds.Length);
        Assert.True(allocated < 16L << 20, $"truncating a {huge.Length:N0}-character text to 128 tokens allocated {allocated:N0} bytes");
    }

    [Fact]
    public void TokenizeRefusesALineOverTheCapAndKeepsPeakMemoryUnder500MB()
    {
        string model = TestPaths.TestData("MLNet", "tiny-unigram.model");
        string huge = _directory.File("huge.txt");
        string nearCap = _directory.File("near-cap.txt");
        using (var file = File.Create(huge))
        {
            var words = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("hello world ", 1 << 16)));
            for (long written = 0; written < 52L << 20; written += words.Length) file.Write(words);
            file.WriteByte((byte)'\n');
        }
        File.WriteAllText(nearCap, string.Concat(Enumerable.Repeat("hello world ", (DataFileLines.MaxLineBytes - 100) / 12)) + "\n");

        var refused = PeakKilobytes($"tokenize --tokenizer '{model}' --max-length 128 < '{huge}'");
        var truncated = PeakKilobytes($"tokenize --tokenizer '{model}' --max-length 128 < '{nearCap}'");

        Assert.Equal(ExitCodes.BadInput, refused.Result.ExitCode);
        Assert.Equal("rembert tokenize: standard input: line 1 is longer than 1,048,576 bytes, the longest line a data file may have (is it one huge record, or not a line-oriented text file?).", refused.Result.StandardError.Trim());
        Assert.True(refused.PeakKilobytes < 500 * 1024, $"peak RSS {refused.PeakKilobytes:N0} kB on a 52 MB line");
        Assert.True(truncated.Result.ExitCode == 0, truncated.Result.StandardError);
        Assert.Equal(128, truncated.Result.StandardOutput.Trim().Split(' ').Length);
        Assert.True(truncated.PeakKilobytes < 500 * 1024, $"peak RSS {truncated.PeakKilobytes:N0} kB on a 1 MB line");
    }

    [Fact]
    public void TokenizeRefusesInvalidUtf8NamingTheLine()
    {
        string model = TestPaths.TestData("MLNet", "tiny-unigram.model");
        string input = _directory.File("bad.txt");
        File.WriteAllBytes(input, [.. "hello\nwor"u8, 0xFF, .. "ld\n"u8]);

        var result = DotnetProcess.RunShell($"\"$DOTNET\" '{RembertCli.FindAssembly()}' tokenize --tokenizer '{model}' < '{input}'", TimeSpan.FromMinutes(2));

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Equal("rembert tokenize: standard input: line 2, byte 4 (offset 9 in the file) is not valid UTF-8; every data file must be UTF-8 text.", result.StandardError.Trim());
    }

    /// <summary>The CLI run under /usr/bin/time, for its peak resident set.</summary>
    private (DotnetProcess.Result Result, long PeakKilobytes) PeakKilobytes(string arguments)
    {
        string report = _directory.File($"time-{Guid.NewGuid():N}.txt");
        var result = DotnetProcess.RunShell($"/usr/bin/time -o '{report}' -f %M \"$DOTNET\" '{RembertCli.FindAssembly()}' {arguments}", TimeSpan.FromMinutes(2));
        return (result, long.Parse(File.ReadAllLines(report).Last(l => l.Trim().Length > 0).Trim()));
    }

    /// <summary>[CLS] A [SEP] (B [SEP]) truncated as transformers does, from the whole texts' tokens.</summary>
    private static IReadOnlyList<int> Reference(RemBertTokenizer tokenizer, string first, string? second, int maxLength, TruncationStrategy truncation)
    {
        var none = new RemBertEncodeOptions { AddSpecialTokens = false };
        var a = tokenizer.Encode(first, options: none).InputIds;
        if (second is null) return [tokenizer.ClsTokenId, .. a.Take(maxLength - 2), tokenizer.SepTokenId];
        var b = tokenizer.Encode(second, options: none).InputIds;
        int budget = maxLength - 3, keepA = a.Length, keepB = b.Length;
        if (truncation == TruncationStrategy.OnlyFirst) keepA = Math.Min(a.Length, budget - b.Length);
        else if (truncation == TruncationStrategy.OnlySecond) keepB = Math.Min(b.Length, budget - a.Length);
        else while (keepA + keepB > budget) { if (keepA > keepB) keepA--; else keepB--; }
        return [tokenizer.ClsTokenId, .. a.Take(keepA), tokenizer.SepTokenId, .. b.Take(keepB), tokenizer.SepTokenId];
    }

    private static string Extension(string reader) => reader switch
    {
        "tsv" or "predict-tsv" => ".tsv",
        "csv" => ".csv",
        "jsonl" or "choices" => ".jsonl",
        "conll" => ".conll",
        "squad" => ".json",
        _ => ".txt",
    };

    /// <summary>A valid file's first lines and a last line with an 'x' to corrupt (or to grow to 50 MB).</summary>
    private static (string Header, string Line) Sample(string reader) => reader switch
    {
        "tsv" or "predict-tsv" => ("Label\tSentence1\nweather\tpogoda\n", "music\tmuzxyka\n"),
        "csv" => ("Label,Sentence1\nweather,pogoda\n", "music,\"muzxyka\"\n"),
        "jsonl" => ("{\"Text\": \"pogoda\"}\n", "{\"Text\": \"muzxyka\"}\n"),
        "conll" => ("-DOCSTART- O\n\nParis\tB-LOC\njest\tO\n", "muzxyka\tO\n"),
        "choices" => ("{\"prompt\": \"a\", \"choices\": [\"b\", \"c\"], \"label\": 0}\n", "{\"prompt\": \"muzxyka\", \"choices\": [\"b\", \"c\"], \"label\": 1}\n"),
        "squad" => ("{\"data\": [{\"paragraphs\": [{\"context\": \"", "muzxyka\", \"qas\": [{\"question\": \"q\", \"answers\": [{\"text\": \"m\", \"answer_start\": 0}]}]}]}]}"),
        _ => ("pogoda jest ładna\n", "muzxyka gra\n"),
    };

    private static void Read(string reader, string path)
    {
        switch (reader)
        {
            case "tsv" or "csv": SentenceFileReader.Read(path, TextDataViewType.Instance); break;
            case "jsonl": Consume(JsonLinesReader.Read(path, [Column("Text")])); break;
            case "conll": ConllReader.Read(path); break;
            case "choices": ChoiceFileReader.Read(path); break;
            case "squad": SquadReader.Read(path); break;
            case "predict-tsv": DelimitedFileReader.Read(new MLContext(1), path, '\t', [Column("Sentence1")]); break;
            default: PretrainingCorpus.Read(path, RemBertTokenizer.FromPretrained(TestPaths.TestData("MLNet", "tiny-unigram.model")), 32, CancellationToken.None); break;
        }
    }

    private static DataViewSchema.Column Column(string name)
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumn(name, TextDataViewType.Instance);
        return builder.ToSchema()[0];
    }

    private static void Consume(IDataView view)
    {
        using var cursor = view.GetRowCursor(view.Schema);
        while (cursor.MoveNext()) { }
    }
}
