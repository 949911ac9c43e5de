using System.Text;

namespace Microsoft.ML.RemBert.Tokenization;

/// <summary>The text clean-up behind RemBERT's tokenizer_config.json options: <c>do_lower_case</c> lower-cases each
/// character like Python's <c>str.lower</c> (as transformers' <c>tokenize</c> does, outside special tokens), and <c>keep_accents=false</c>
/// applies NFKD and drops combining marks (ALBERT/XLNet's <c>preprocess_text</c>). Every output character remembers its
/// original range so offsets survive the rewriting.</summary>
/// <remarks>transformers' slow RemBertTokenizer stores remove_space and keep_accents without applying them. remove_space is
/// therefore not applied here either: Python's <c>" ".join(s.split())</c> is not id-neutral, because <c>str.split</c> counts
/// \v, \x1c-\x1f and \x85 as whitespace while SentencePiece's normalizer drops or keeps them (it collapses the ordinary
/// whitespace by itself). keep_accents=false is applied, a deliberate extension (the checkpoint default is true).
/// ALBERT's replacement of <c>``</c> and <c>''</c> by <c>"</c> is not applied.</remarks>
internal sealed class TextPreprocessor
{
    private readonly RemBertTokenizerOptions _options;

    public TextPreprocessor(RemBertTokenizerOptions options) => _options = options;

    /// <summary>Preprocesses <c>text[start..end)</c>; offsets of the result point into <paramref name="text"/>.</summary>
    public PreprocessedSegment Process(string text, int start, int end)
    {
        if (_options.KeepAccents && !_options.DoLowerCase)
            return new PreprocessedSegment(text.AsMemory(start, end - start), start);

        var mapped = Identity(text, start, end);
        if (!_options.KeepAccents) mapped = StripAccents(mapped);
        if (_options.DoLowerCase) mapped = Lower(mapped);
        return new PreprocessedSegment(mapped.Text.ToString(), mapped.Starts.ToArray(), mapped.Ends.ToArray(), end);
    }

    private static MappedText Identity(string text, int start, int end)
    {
        var mapped = new MappedText(end - start);
        for (var i = start; i < end; i++) mapped.Append(text[i], i, i + 1);
        return mapped;
    }

    /// <summary>Python's <c>"".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))</c>.
    /// NFKD works code point by code point here: canonical reordering only moves combining marks, and those are dropped.</summary>
    private static MappedText StripAccents(MappedText input) => MapRunes(input, rune =>
    {
        var kept = new StringBuilder();
        foreach (var part in rune.ToString().Normalize(NormalizationForm.FormKD).EnumerateRunes())
            if (!PythonText.IsCombining(part)) kept.Append(part.ToString());
        return kept.ToString();
    });

    private static MappedText Lower(MappedText input) => MapRunes(input, PythonText.Lower);

    /// <summary>Replaces each code point by <paramref name="map"/>(rune), every output character keeping the
    /// code point's original range. A lone surrogate has no code point to map and passes through unchanged.</summary>
    private static MappedText MapRunes(MappedText input, Func<Rune, string> map)
    {
        var text = input.Text.ToString();
        var output = new MappedText(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var width = Rune.TryCreate(text[i], out var rune) ? 1
                : i + 1 < text.Length && Rune.TryCreate(text[i], text[i + 1], out rune) ? 2 : 0;
            if (width == 0)
            {
                output.Append(text[i], input.Starts[i], input.Ends[i]);
                i++;
                continue;
            }
            output.Append(map(rune), input.Starts[i], input.Ends[i + width - 1]);
            i += width;
        }
        return output;
    }

    /// <summary>Text under construction with the original range of each character.</summary>
    private sealed class MappedText
    {
        public MappedText(int capacity)
        {
            Text = new StringBuilder(capacity);
            Starts = new List<int>(capacity);
            Ends = new List<int>(capacity);
        }

        public StringBuilder Text { get; }
        public List<int> Starts { get; }
        public List<int> Ends { get; }

        public void Append(char c, int start, int end)
        {
            Text.Append(c);
            Starts.Add(start);
            Ends.Add(end);
        }

        public void Append(string s, int start, int end)
        {
            foreach (var c in s) Append(c, start, end);
        }
    }
}
