using Microsoft.ML.RemBert.Tokenization.SentencePiece;

namespace Microsoft.ML.RemBert.Tokenization;

/// <summary>transformers' <c>RemBertTokenizer</c> (the slow, SentencePiece-based one) on top of
/// <see cref="SentencePieceProcessor"/>: special tokens found in raw text, <c>[CLS] A [SEP] B [SEP]</c> layout,
/// truncation, padding, overflowing windows, and character offsets into the caller's original text. Thread-safe.</summary>
public sealed partial class RemBertTokenizer
{
    /// <summary>The vocabulary file name of a transformers RemBERT checkpoint.</summary>
    public const string VocabularyFileName = "sentencepiece.model";

    private static readonly RemBertEncodeOptions DefaultEncodeOptions = new();

    private readonly SpecialTokenSplitter _splitter;
    private readonly TextPreprocessor _preprocessor;
    private readonly EncodingAssembler _assembler;
    private readonly Dictionary<int, string> _specialTokenById;

    private RemBertTokenizer(SentencePieceProcessor model, RemBertTokenizerOptions options)
    {
        SentencePiece = model;
        Options = options;
        ClsTokenId = RequirePiece(model, options.ClsToken, "cls_token");
        SepTokenId = RequirePiece(model, options.SepToken, "sep_token");
        PadTokenId = RequirePiece(model, options.PadToken, "pad_token");
        UnkTokenId = RequirePiece(model, options.UnkToken, "unk_token");
        MaskTokenId = RequirePiece(model, options.MaskToken, "mask_token");

        // As transformers' RemBertTokenizer: the mask token behaves like a word and takes the space before it.
        var specials = new[]
        {
            new SpecialToken(options.ClsToken, ClsTokenId, LeftStrip: false, RightStrip: false),
            new SpecialToken(options.SepToken, SepTokenId, LeftStrip: false, RightStrip: false),
            new SpecialToken(options.PadToken, PadTokenId, LeftStrip: false, RightStrip: false),
            new SpecialToken(options.UnkToken, UnkTokenId, LeftStrip: false, RightStrip: false),
            new SpecialToken(options.MaskToken, MaskTokenId, LeftStrip: true, RightStrip: false),
        };
        _splitter = new SpecialTokenSplitter(specials);
        _specialTokenById = specials.DistinctBy(s => s.Id).ToDictionary(s => s.Id, s => s.Content);
        _preprocessor = new TextPreprocessor(options);
        _assembler = new EncodingAssembler(ClsTokenId, SepTokenId);
    }

    /// <summary>Loads a tokenizer from a SentencePiece <c>.model</c> file (default options) or from a checkpoint directory
    /// holding <c>sentencepiece.model</c> and, optionally, <c>tokenizer_config.json</c>.</summary>
    /// <exception cref="FileNotFoundException">The path, or the directory's sentencepiece.model, does not exist.</exception>
    /// <exception cref="SentencePieceModelException">The .model file is corrupt; the message names it and the fault.</exception>
    /// <exception cref="InvalidDataException">tokenizer_config.json is corrupt, or the vocabulary lacks a configured special token.</exception>
    public static RemBertTokenizer FromPretrained(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (File.Exists(path)) return FromSentencePiece(SentencePieceProcessor.Load(path));
        if (!Directory.Exists(path))
            throw new FileNotFoundException(
                $"Tokenizer '{path}' not found: expected a SentencePiece .model file or a checkpoint directory with {VocabularyFileName}.", path);

        var modelPath = Path.Combine(path, VocabularyFileName);
        if (!File.Exists(modelPath))
            throw new FileNotFoundException($"Checkpoint directory '{path}' has no {VocabularyFileName} (the RemBERT SentencePiece vocabulary).", modelPath);
        var configPath = Path.Combine(path, TokenizerConfigReader.FileName);
        var options = File.Exists(configPath) ? TokenizerConfigReader.Read(configPath) : null;
        return FromSentencePiece(SentencePieceProcessor.Load(modelPath), options);
    }

    /// <summary>A tokenizer over an already loaded SentencePiece model.</summary>
    /// <exception cref="InvalidDataException">The vocabulary lacks one of the special tokens of <paramref name="options"/>.</exception>
    public static RemBertTokenizer FromSentencePiece(SentencePieceProcessor model, RemBertTokenizerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new RemBertTokenizer(model, options ?? new RemBertTokenizerOptions());
    }

    /// <summary>The SentencePiece model that splits ordinary text.</summary>
    public SentencePieceProcessor SentencePiece { get; }

    /// <summary>The tokenizer_config.json settings in effect.</summary>
    public RemBertTokenizerOptions Options { get; }

    /// <summary>Id of <see cref="RemBertTokenizerOptions.ClsToken"/>.</summary>
    public int ClsTokenId { get; }
    /// <summary>Id of <see cref="RemBertTokenizerOptions.SepToken"/>.</summary>
    public int SepTokenId { get; }
    /// <summary>Id of <see cref="RemBertTokenizerOptions.PadToken"/>.</summary>
    public int PadTokenId { get; }
    /// <summary>Id of <see cref="RemBertTokenizerOptions.UnkToken"/>.</summary>
    public int UnkTokenId { get; }
    /// <summary>Id of <see cref="RemBertTokenizerOptions.MaskToken"/>.</summary>
    public int MaskTokenId { get; }

    /// <summary>Encodes <paramref name="text"/>, or the pair (<paramref name="text"/>, <paramref name="textPair"/>), like
    /// transformers' <c>tokenizer(text, text_pair, ...)</c>.</summary>
    /// <exception cref="ArgumentException">Options that cannot be met (a truncation that cannot fit, a stride too large, ...); the message names them.</exception>
    public RemBertEncoding Encode(string text, string? textPair = null, RemBertEncodeOptions? options = null)
    {
        options ??= DefaultEncodeOptions;
        var windows = EncodeWindows(text, textPair, options);
        var target = options.Padding switch
        {
            // transformers: padding to max_length with neither max_length nor a model limit warns and does not pad.
            PaddingStrategy.MaxLength => options.MaxLength ?? (Options.ModelMaxLength == RemBertTokenizerOptions.UnlimitedModelMaxLength ? 0 : Options.ModelMaxLength),
            PaddingStrategy.Longest => windows.Max(w => w.Length),
            _ => 0,
        };
        return Combine(windows, target);
    }

    /// <summary>Encodes each (text, pair) of <paramref name="inputs"/>; <see cref="PaddingStrategy.Longest"/> pads every
    /// encoding (overflowing windows included) to the longest of the batch.</summary>
    public IReadOnlyList<RemBertEncoding> EncodeBatch(IReadOnlyList<(string Text, string? Pair)> inputs, RemBertEncodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        options ??= DefaultEncodeOptions;
        if (options.Padding != PaddingStrategy.Longest) return inputs.Select(input => Encode(input.Text, input.Pair, options)).ToArray();

        var batch = inputs.Select(input => EncodeWindows(input.Text, input.Pair, options)).ToArray();
        var longest = batch.SelectMany(windows => windows).Select(w => w.Length).DefaultIfEmpty(0).Max();
        return batch.Select(windows => Combine(windows, longest)).ToArray();
    }

    /// <summary>Every window of the encoding, unpadded: the main one first, then the overflowing ones.</summary>
    private List<RemBertEncoding> EncodeWindows(string text, string? textPair, RemBertEncodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(text);
        Validate(options);
        var (firstLimit, secondLimit) = TokenLimits(options);
        var first = Tokenize(text, firstLimit);
        var second = textPair is null ? null : Tokenize(textPair, secondLimit);
        var specialCount = EncodingAssembler.SpecialTokenCount(second is not null, options.AddSpecialTokens);
        var plan = TruncationPlanner.Plan(first.Count, second?.Count, specialCount, options);

        var windows = new List<RemBertEncoding>(plan.FirstWindows.Count * plan.SecondWindows.Count);
        foreach (var firstWindow in plan.FirstWindows)
            foreach (var secondWindow in plan.SecondWindows)
                windows.Add(_assembler.Assemble(first, firstWindow, second, secondWindow, options.AddSpecialTokens));
        return windows;
    }

    /// <summary>Pads each window to <paramref name="padTo"/> and hangs the later windows under the first.</summary>
    private RemBertEncoding Combine(List<RemBertEncoding> windows, int padTo)
    {
        var padded = windows.Select(w => w.PadTo(padTo, PadTokenId)).ToArray();
        return padded.Length == 1 ? padded[0] : padded[0].WithOverflowing(padded[1..]);
    }

    private static void Validate(RemBertEncodeOptions options)
    {
        if (options.MaxLength is < 0)
            throw new ArgumentOutOfRangeException(nameof(options), $"MaxLength must not be negative, got {options.MaxLength}.");
        if (options.Stride < 0)
            throw new ArgumentOutOfRangeException(nameof(options), $"Stride must not be negative, got {options.Stride}.");
    }

    /// <summary>
    /// How many tokens of each sequence can matter: with truncation to MaxLength and no overflowing windows, a truncated
    /// sequence keeps at most MaxLength tokens, and <see cref="TruncationPlanner"/>'s decisions depend on its count only up
    /// to MaxLength (LongestFirst's split depends on min(count, budget); OnlyFirst/OnlySecond on the other sequence's count).
    /// So only a prefix long enough for MaxLength tokens is tokenized: a 50 MB line costs what a paragraph costs. Null: all.
    /// </summary>
    private static (int? First, int? Second) TokenLimits(RemBertEncodeOptions options)
    {
        if (options.MaxLength is not int maxLength || options.Truncation == TruncationStrategy.DoNotTruncate || options.ReturnOverflowing)
            return (null, null);
        return options.Truncation switch
        {
            TruncationStrategy.OnlyFirst => (maxLength, null),
            TruncationStrategy.OnlySecond => (null, maxLength),
            _ => (maxLength, maxLength),
        };
    }

    /// <summary>transformers' <c>tokenize</c>: split on special tokens, preprocess and SentencePiece-encode the text between
    /// them, keeping each token's character range in <paramref name="text"/>. With a <paramref name="limit"/>, it stops once
    /// it has at least that many tokens (the first <paramref name="limit"/> being those of the whole text).</summary>
    private TokenizedSequence Tokenize(string text, int? limit = null)
    {
        var ids = new List<int>();
        var offsets = new List<(int, int)>();
        var pieces = new List<SentencePieceToken>();
        foreach (var segment in _splitter.Split(text))
        {
            if (ids.Count >= limit) break;
            if (segment.IsSpecial)
            {
                ids.Add(segment.SpecialId);
                offsets.Add((segment.Start, segment.End));
                continue;
            }
            var preprocessed = EncodeSegment(text, segment.Start, segment.End, limit - ids.Count, pieces);
            foreach (var piece in pieces)
            {
                ids.Add(piece.Id);
                offsets.Add(preprocessed.ToOriginal(piece.Start, piece.Length));
            }
        }
        return new TokenizedSequence(ids.ToArray(), offsets.ToArray());
    }

    /// <summary>Tokens a prefix must have past the ones needed, so that none of the needed ones is next to the cut.</summary>
    private const int PrefixMarginTokens = 8;

    /// <summary>
    /// SentencePiece-encodes text[start..end) into <paramref name="pieces"/>, or with <paramref name="needed"/> only a prefix
    /// that yields that many tokens and a margin: it starts with 8 characters per token needed and doubles until there
    /// are enough tokens or the segment is whole. The prefix ends before a whitespace character where there is one near
    /// the cut; SentencePiece's pieces never span whitespace, so the prefix's tokens are exactly the whole text's first ones
    /// (in text without whitespace the margin keeps the cut away from the tokens used).
    /// </summary>
    private PreprocessedSegment EncodeSegment(string text, int start, int end, int? needed, List<SentencePieceToken> pieces)
    {
        for (long length = Math.Max(1024L, 8L * (needed ?? 0)); ; length *= 2)
        {
            int cut = needed is null || end - start <= length ? end : PrefixEnd(text, start + (int)length, end);
            var preprocessed = _preprocessor.Process(text, start, cut);
            pieces.Clear();
            SentencePiece.Encode(preprocessed.Text.Span, pieces);
            if (cut == end || pieces.Count >= needed + PrefixMarginTokens) return preprocessed;
        }
    }

    /// <summary>The first whitespace at or after <paramref name="from"/> (looking at most 1024 characters on), else <paramref name="from"/>
    /// moved off the middle of a surrogate pair.</summary>
    private static int PrefixEnd(string text, int from, int end)
    {
        int stop = Math.Min(end, from + 1024);
        for (int i = from; i < stop; i++)
            if (char.IsWhiteSpace(text[i])) return i;
        return from < end && char.IsLowSurrogate(text[from]) ? from + 1 : from;
    }

    /// <summary>The id of a configured special token, which must be a piece of the vocabulary.</summary>
    private static int RequirePiece(SentencePieceProcessor model, string token, string key)
    {
        var id = model.PieceToId(token);
        if (id < 0 || model.IdToPiece(id) != token)
            throw new InvalidDataException(
                $"The SentencePiece vocabulary has no piece '{token}' for {key}; RemBERT's special tokens must be pieces of the model.");
        return id;
    }
}
