using System.Buffers;
using Microsoft.ML.Tokenizers;

namespace Microsoft.ML.RemBert.Tokenization;

/// <summary>
/// <see cref="RemBertTokenizer"/> behind Microsoft.ML.Tokenizers' <see cref="Tokenizer"/>, the abstraction that
/// ML.NET, Semantic Kernel and others take: the same ids as <see cref="RemBertTokenizer.Encode"/> (RemBERT's
/// preprocessing, exact SentencePiece, special tokens typed in the text, and <c>[CLS] text [SEP]</c> unless
/// <see cref="AddSpecialTokens"/> is off), offsets into the caller's original text, token counting and token-budget
/// cuts. Immutable and thread-safe, like the tokenizer it wraps.
/// </summary>
/// <remarks>
/// RemBERT's preprocessing is part of the model, so <see cref="EncodeSettings.ConsiderNormalization"/> and
/// <see cref="EncodeSettings.ConsiderPreTokenization"/> do not switch it off; <c>normalizedText</c> is always null
/// because every offset is into the original text. A token budget counts the added <c>[CLS]</c> and <c>[SEP]</c>;
/// budget cuts never split the tokens of one character (a ligature's pieces, a character's byte pieces); a budget
/// smaller than the added special tokens gives no tokens.
/// </remarks>
public sealed class RemBertMLTokenizer : Tokenizer
{
    private readonly RemBertEncodeOptions _encodeOptions;

    /// <summary>Wraps <paramref name="tokenizer"/>.</summary>
    /// <param name="tokenizer">The RemBERT tokenizer, e.g. from <see cref="RemBertTokenizer.FromPretrained"/>.</param>
    /// <param name="addSpecialTokens">Wrap every encoding as <c>[CLS] text [SEP]</c>, as the model expects.</param>
    public RemBertMLTokenizer(RemBertTokenizer tokenizer, bool addSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        RemBertTokenizer = tokenizer;
        AddSpecialTokens = addSpecialTokens;
        _encodeOptions = new RemBertEncodeOptions { AddSpecialTokens = addSpecialTokens };
    }

    /// <summary>The wrapped tokenizer (pairs, truncation, padding and overflowing windows are there).</summary>
    public RemBertTokenizer RemBertTokenizer { get; }

    /// <summary>Whether encodings are wrapped as <c>[CLS] text [SEP]</c>.</summary>
    public bool AddSpecialTokens { get; }

    /// <inheritdoc/>
    protected override EncodeResults<EncodedToken> EncodeToTokens(string? text, ReadOnlySpan<char> textSpan, EncodeSettings settings)
    {
        var cut = Cut(text, textSpan, settings.MaxTokenCount, fromEnd: false);
        var tokens = new EncodedToken[cut.Count];
        for (int i = 0; i < cut.Count; i++)
        {
            int id = cut.Ids[cut.Start + i];
            var (start, end) = cut.Offsets[cut.Start + i];
            tokens[i] = new EncodedToken(id, RemBertTokenizer.SentencePiece.IdToPiece(id), new Range(start, end));
        }
        return new EncodeResults<EncodedToken> { Tokens = tokens, NormalizedText = null, CharsConsumed = cut.Index };
    }

    /// <inheritdoc/>
    protected override EncodeResults<int> EncodeToIds(string? text, ReadOnlySpan<char> textSpan, EncodeSettings settings)
    {
        var cut = Cut(text, textSpan, settings.MaxTokenCount, fromEnd: false);
        return new EncodeResults<int> { Tokens = cut.Ids.AsSpan(cut.Start, cut.Count).ToArray(), NormalizedText = null, CharsConsumed = cut.Index };
    }

    /// <inheritdoc/>
    protected override int CountTokens(string? text, ReadOnlySpan<char> textSpan, EncodeSettings settings) =>
        Cut(text, textSpan, settings.MaxTokenCount, fromEnd: false).Count;

    /// <summary>
    /// The index in the text where the first (or, <paramref name="fromEnd"/>, the last) <c>MaxTokenCount</c> tokens
    /// end (start), and how many tokens that is.
    /// </summary>
    protected override int GetIndexByTokenCount(string? text, ReadOnlySpan<char> textSpan, EncodeSettings settings, bool fromEnd,
        out string? normalizedText, out int tokenCount)
    {
        var cut = Cut(text, textSpan, settings.MaxTokenCount, fromEnd);
        normalizedText = null;
        tokenCount = cut.Count;
        return cut.Index;
    }

    /// <summary>Text of <paramref name="ids"/>, as <see cref="RemBertTokenizer.Decode"/> with special tokens written out.</summary>
    public override string Decode(IEnumerable<int> ids) => RemBertTokenizer.Decode(ids);

    /// <summary>Text of <paramref name="ids"/>, without the special tokens when <paramref name="skipSpecialTokens"/> is set.</summary>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens) => RemBertTokenizer.Decode(ids, skipSpecialTokens);

    /// <summary>
    /// Writes the text of <paramref name="ids"/> to <paramref name="destination"/>; when it does not fit, writes the
    /// text of the longest prefix of the ids that does and returns <see cref="OperationStatus.DestinationTooSmall"/>.
    /// </summary>
    public override OperationStatus Decode(IEnumerable<int> ids, Span<char> destination, out int idsConsumed, out int charsWritten)
    {
        ArgumentNullException.ThrowIfNull(ids);
        int[] all = ids as int[] ?? ids.ToArray();
        string text = RemBertTokenizer.Decode(all);
        if (text.Length <= destination.Length)
        {
            text.CopyTo(destination);
            (idsConsumed, charsWritten) = (all.Length, text.Length);
            return OperationStatus.Done;
        }
        // Binary search for the longest prefix whose text fits: a prefix's text is never longer than a longer one's.
        int low = 0, high = all.Length - 1;
        string fitting = "";
        while (low < high)
        {
            int middle = (low + high + 1) / 2;
            string candidate = RemBertTokenizer.Decode(all.AsSpan(0, middle).ToArray());
            if (candidate.Length <= destination.Length) (low, fitting) = (middle, candidate);
            else high = middle - 1;
        }
        fitting.CopyTo(destination);
        (idsConsumed, charsWritten) = (low, fitting.Length);
        return OperationStatus.DestinationTooSmall;
    }

    /// <summary>
    /// Encodes the text and keeps at most <paramref name="maxTokenCount"/> tokens: the added special tokens and the
    /// first (last, <paramref name="fromEnd"/>) text tokens, cut where no character is shared across the cut.
    /// <see cref="Cutting.Index"/> is where the kept text ends (starts).
    /// </summary>
    private Cutting Cut(string? text, ReadOnlySpan<char> textSpan, int maxTokenCount, bool fromEnd)
    {
        string input = text ?? textSpan.ToString();
        var encoding = RemBertTokenizer.Encode(input, options: _encodeOptions);
        int[] ids = encoding.InputIds;
        var offsets = encoding.Offsets;
        int added = AddSpecialTokens ? 2 : 0;
        if (ids.Length <= maxTokenCount)
            return new Cutting(ids, offsets, 0, ids.Length, fromEnd ? 0 : input.Length);

        // Text tokens are ids[first..last); the [CLS] before and [SEP] after them are kept whole or not at all.
        int first = AddSpecialTokens ? 1 : 0, last = ids.Length - (AddSpecialTokens ? 1 : 0);
        int budget = maxTokenCount - added;
        if (budget < 0) return new Cutting(ids, offsets, 0, 0, fromEnd ? input.Length : 0);

        if (!fromEnd)
        {
            int end = first + budget;                       // keep ids[first..end)
            while (end > first && offsets[end].Start < offsets[end - 1].End) end--;
            int index = end == first ? 0 : offsets[end - 1].End;
            return Kept(ids, offsets, first, end, index);
        }
        int start = last - budget;                          // keep ids[start..last)
        while (start < last && offsets[start].Start < offsets[start - 1].End) start++;
        int from = start == last ? input.Length : offsets[start].Start;
        return Kept(ids, offsets, start, last, from);
    }

    /// <summary>The text tokens ids[start..end) with the added special tokens around them, as one contiguous run.</summary>
    private Cutting Kept(int[] ids, (int Start, int End)[] offsets, int start, int end, int index)
    {
        if (!AddSpecialTokens) return new Cutting(ids, offsets, start, end - start, index);
        int count = end - start + 2;
        var keptIds = new int[count];
        var keptOffsets = new (int, int)[count];
        (keptIds[0], keptOffsets[0]) = (RemBertTokenizer.ClsTokenId, (0, 0));
        Array.Copy(ids, start, keptIds, 1, end - start);
        Array.Copy(offsets, start, keptOffsets, 1, end - start);
        (keptIds[^1], keptOffsets[^1]) = (RemBertTokenizer.SepTokenId, (0, 0));
        return new Cutting(keptIds, keptOffsets, 0, count, index);
    }

    /// <summary>Ids[Start..Start+Count) with their offsets, and the text index of the cut.</summary>
    private readonly record struct Cutting(int[] Ids, (int Start, int End)[] Offsets, int Start, int Count, int Index);
}
