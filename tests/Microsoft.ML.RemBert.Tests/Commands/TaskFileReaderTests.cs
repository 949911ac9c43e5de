using Microsoft.ML.Data;
using Microsoft.ML.RemBert.Cli.DataFiles;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Commands;

/// <summary>
/// The readers behind <c>rembert train/evaluate/predict</c>: each format gives the trainer's default columns, and a
/// malformed file is an <see cref="InvalidDataException"/> naming the file and the line (or JSON key) at fault.
/// </summary>
public sealed class TaskFileReaderTests : IDisposable
{
    private readonly TemporaryDirectory directory = new();

    public void Dispose() => directory.Dispose();

    private string Write(string name, string content)
    {
        File.WriteAllText(directory.File(name), content);
        return directory.File(name);
    }

    private static List<string> Texts(IDataView data, string column) =>
        data.GetColumn<ReadOnlyMemory<char>>(column).Select(v => v.ToString()).ToList();

    private static List<string[]> Vectors(IDataView data, string column) =>
        data.GetColumn<VBuffer<ReadOnlyMemory<char>>>(column).Select(v => v.DenseValues().Select(x => x.ToString()).ToArray()).ToList();

    private static void AssertRefused(Action read, params string[] expected)
    {
        var error = Assert.Throws<InvalidDataException>(read);
        foreach (var part in expected) Assert.Contains(part, error.Message);
    }

    [Fact]
    public void SentenceFilesGiveTypedLabelsAndTheOptionalPairColumn()
    {
        string csv = Write("pairs.csv", "Sentence2,Label,Sentence1\n\"deux, trois\",0.5,\"un \"\"mot\"\"\"\n\nвторой,1,\"многострочный\nтекст\"\n");
        var data = SentenceFileReader.Read(csv, NumberDataViewType.Single);

        Assert.Equal(["un \"mot\"", "многострочный\nтекст"], Texts(data, "Sentence1"));
        Assert.Equal(["deux, trois", "второй"], Texts(data, "Sentence2"));
        Assert.Equal([0.5f, 1f], data.GetColumn<float>("Label"));

        string tsv = Write("flags.tsv", "Label\tSentence1\nyes\t今日は晴れ\n0\tpluie\n");
        Assert.Equal([true, false], SentenceFileReader.Read(tsv, BooleanDataViewType.Instance).GetColumn<bool>("Label"));
        Assert.Null(SentenceFileReader.Read(tsv, BooleanDataViewType.Instance).Schema.GetColumnOrNull("Sentence2"));
    }

    [Fact]
    public void BadSentenceFilesNameTheLine()
    {
        // Line 4: the quoted field of line 2 spans line 3, so the bad label sits on the record starting at line 4.
        string numbers = Write("numbers.csv", "Label,Sentence1\n1,\"two\nlines\"\nabc,text\n");
        AssertRefused(() => SentenceFileReader.Read(numbers, NumberDataViewType.Single), numbers, "line 4", "'Label'", "'abc' is not a finite number");

        string ragged = Write("ragged.tsv", "Label\tSentence1\nweather\tsunny\nmusic\tsong\textra\n");
        AssertRefused(() => SentenceFileReader.Read(ragged, TextDataViewType.Instance), ragged, "line 3 has 3 fields");

        string noLabel = Write("nolabel.tsv", "Text\tSentence1\nx\ty\n");
        AssertRefused(() => SentenceFileReader.Read(noLabel, TextDataViewType.Instance), noLabel, "line 1", "no column 'Label'");

        string flags = Write("flags.tsv", "Label\tSentence1\nmaybe\tpluie\n");
        AssertRefused(() => SentenceFileReader.Read(flags, BooleanDataViewType.Instance), flags, "line 2", "not a Boolean");

        Assert.Throws<FileNotFoundException>(() => SentenceFileReader.Read(directory.File("missing.tsv"), TextDataViewType.Instance));
    }

    [Fact]
    public void ConllSentencesBecomeWordsAndTags()
    {
        string path = Write("ner.conll",
            "-DOCSTART- -X- O O\n\nMarie\tB-PER\nvit\tO\nà\tO\nParis\tB-LOC\n\n\n東京\tB-LOC\nに\tO\n\nAnna NNP B-NP B-PER\nKarenina NNP I-NP I-PER\n");
        var data = ConllReader.Read(path);

        Assert.Equal(["Marie vit à Paris", "東京 に", "Anna Karenina"], Texts(data, ConllReader.Sentence1));
        Assert.Equal(["東京", "に"], Vectors(data, ConllReader.Words)[1]);
        Assert.Equal(["B-PER", "O", "O", "B-LOC"], Vectors(data, ConllReader.Label)[0]);
        Assert.Equal(["B-PER", "I-PER"], Vectors(data, ConllReader.Label)[2]);

        // For prediction a file of words alone is read without a Label column.
        var words = ConllReader.Read(Write("words.conll", "Marie\nvit\n\nParis\n"), requireTags: false);
        Assert.Null(words.Schema.GetColumnOrNull(ConllReader.Label));
        Assert.Equal(["Marie vit", "Paris"], Texts(words, ConllReader.Sentence1));
    }

    [Fact]
    public void MalformedConllNamesTheLine()
    {
        string untagged = Write("untagged.conll", "Marie\tB-PER\nvit\tO\n\nParis\n");
        AssertRefused(() => ConllReader.Read(untagged), untagged, "line 4", "no tag");

        string emptyTag = Write("empty.conll", "Marie\tB-PER\nvit\t\n");
        AssertRefused(() => ConllReader.Read(emptyTag), emptyTag, "line 2", "the tag is empty");

        string mixed = Write("mixed.conll", "Marie\tB-PER\nvit\n");
        AssertRefused(() => ConllReader.Read(mixed, requireTags: false), mixed, "line 2");
    }

    private const string Squad = """
        {"version": "v2.0", "data": [{"title": "t", "paragraphs": [
          {"context": "Die Hauptstadt von Frankreich ist Paris.", "qas": [
            {"id": "1", "question": "Welche Stadt?", "answers": [{"text": "Paris", "answer_start": 34}, {"text": "Paris.", "answer_start": 34}], "is_impossible": false},
            {"id": "2", "question": "Wer?", "answers": [], "is_impossible": true}]},
          {"context": "東京は日本の首都です。", "qas": [{"id": "3", "question": "首都は?", "answers": [{"text": "東京", "answer_start": 0}]}]}]}]}
        """;

    [Fact]
    public void SquadQuestionsBecomeRowsWithImpossibleOnesEmpty()
    {
        var data = SquadReader.Read(Write("squad.json", Squad));

        Assert.Equal(["Welche Stadt?", "Wer?", "首都は?"], Texts(data, SquadReader.Question));
        Assert.Equal(["Paris", "", "東京"], Texts(data, SquadReader.TrainingAnswer));
        Assert.Equal([34, -1, 0], data.GetColumn<int>(SquadReader.AnswerIndex));
        Assert.Equal(["Paris", "Paris."], Vectors(data, SquadReader.Answers)[0]);
        Assert.Empty(Vectors(data, SquadReader.Answers)[1]);
        Assert.Equal("東京は日本の首都です。", Texts(data, SquadReader.Context)[2]);
    }

    [Fact]
    public void MalformedSquadNamesTheKeyOrLine()
    {
        string shifted = Write("shifted.json", Squad.Replace("\"answer_start\": 34}, {", "\"answer_start\": 33}, {"));
        AssertRefused(() => SquadReader.Read(shifted), shifted, "data[0].paragraphs[0].qas[0].answers[0].answer_start", "33", "'Paris'");

        string noQuestion = Write("noquestion.json", Squad.Replace("\"question\": \"Wer?\", ", ""));
        AssertRefused(() => SquadReader.Read(noQuestion), noQuestion, "data[0].paragraphs[0].qas[1].question is missing");

        string emptyContext = Write("empty.json", Squad.Replace("東京は日本の首都です。", ""));
        AssertRefused(() => SquadReader.Read(emptyContext), emptyContext, "data[0].paragraphs[1].context", "empty");

        string syntax = Write("syntax.json", "{\"data\": [\n  {\"paragraphs\": [}\n]}");
        AssertRefused(() => SquadReader.Read(syntax), syntax, "line");
    }

    [Fact]
    public void ChoiceLinesBecomePromptChoicesAndIndex()
    {
        string path = Write("choices.jsonl",
            "{\"prompt\": \"Il pleut.\", \"choices\": [\"Es regnet.\", \"Es schneit.\"], \"label\": 0}\n\n" +
            "{\"prompt\": \"雪が降る。\", \"choices\": [\"It rains.\", \"It snows.\"], \"label\": 1}\n");
        var data = ChoiceFileReader.Read(path);

        Assert.Equal(["Il pleut.", "雪が降る。"], Texts(data, ChoiceFileReader.Prompt));
        Assert.Equal(["It rains.", "It snows."], Vectors(data, ChoiceFileReader.Choices)[1]);
        Assert.Equal([0u, 1u], data.GetColumn<uint>(ChoiceFileReader.Label));
    }

    [Fact]
    public void MalformedChoiceLinesNameTheLineAndKey()
    {
        string unequal = Write("unequal.jsonl",
            "{\"prompt\": \"a\", \"choices\": [\"x\", \"y\"], \"label\": 0}\n{\"prompt\": \"b\", \"choices\": [\"x\", \"y\", \"z\"], \"label\": 2}\n");
        AssertRefused(() => ChoiceFileReader.Read(unequal), unequal, "line 2", "'choices'", "has 3 choices; the rows before have 2");

        string outOfRange = Write("range.jsonl", "{\"prompt\": \"a\", \"choices\": [\"x\", \"y\"], \"label\": 2}\n");
        AssertRefused(() => ChoiceFileReader.Read(outOfRange), outOfRange, "line 1", "'label'", "0 to 1");

        string broken = Write("broken.jsonl", "{\"prompt\": \"a\", \"choices\": [\"x\", \"y\"], \"label\": 0}\n{\"prompt\": \"b\", \"choices\": [\"x\"\n");
        AssertRefused(() => ChoiceFileReader.Read(broken), broken, ":2:", "invalid JSON");

        string missing = Write("missing.jsonl", "{\"choices\": [\"x\", \"y\"], \"label\": 0}\n");
        AssertRefused(() => ChoiceFileReader.Read(missing), missing, "line 1", "'prompt' is missing");
    }
}
