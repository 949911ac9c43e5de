namespace Microsoft.ML.RemBert.Tokenization;

/// <summary>Lays out one encoding as RemBERT expects it: <c>[CLS] A [SEP]</c> or <c>[CLS] A [SEP] B [SEP]</c>
/// (transformers' <c>build_inputs_with_special_tokens</c> and <c>create_token_type_ids_from_sequences</c>), or just
/// <c>A B</c> without special tokens, together with masks, offsets and sequence ids.</summary>
internal sealed class EncodingAssembler
{
    private const int FirstSequence = 0, SecondSequence = 1;
    private const int IsSpecial = 1, IsText = 0, Attended = 1;
    private readonly int _clsId;
    private readonly int _sepId;

    public EncodingAssembler(int clsId, int sepId)
    {
        _clsId = clsId;
        _sepId = sepId;
    }

    /// <summary>How many special tokens wrap one text (2) or a pair (3); none when they are not added.</summary>
    public static int SpecialTokenCount(bool hasPair, bool addSpecialTokens) => !addSpecialTokens ? 0 : hasPair ? 3 : 2;

    /// <summary>The encoding of the <paramref name="firstWindow"/> tokens of <paramref name="first"/> and, with a pair, the
    /// <paramref name="secondWindow"/> tokens of <paramref name="second"/>.</summary>
    public RemBertEncoding Assemble(TokenizedSequence first, TokenWindow firstWindow, TokenizedSequence? second, TokenWindow secondWindow,
        bool addSpecialTokens)
    {
        var length = firstWindow.Length + (second is null ? 0 : secondWindow.Length) + SpecialTokenCount(second is not null, addSpecialTokens);
        var layout = new Layout(length);
        if (addSpecialTokens) layout.AddSpecial(_clsId, FirstSequence);
        layout.AddText(first, firstWindow, FirstSequence);
        if (addSpecialTokens) layout.AddSpecial(_sepId, FirstSequence);
        if (second is not null)
        {
            layout.AddText(second, secondWindow, SecondSequence);
            if (addSpecialTokens) layout.AddSpecial(_sepId, SecondSequence);
        }
        return layout.ToEncoding();
    }

    /// <summary>The arrays of an encoding being filled left to right.</summary>
    private sealed class Layout(int length)
    {
        private readonly int[] _ids = new int[length];
        private readonly int[] _typeIds = new int[length];
        private readonly int[] _specialMask = new int[length];
        private readonly (int, int)[] _offsets = new (int, int)[length];
        private readonly int[] _sequenceIds = new int[length];
        private int _next;

        /// <summary>An added special token belongs to the token type of the sequence it closes (or opens, for [CLS]).</summary>
        public void AddSpecial(int id, int tokenType) => Add(id, tokenType, IsSpecial, (0, 0), RemBertEncoding.NoSequence);

        public void AddText(TokenizedSequence sequence, TokenWindow window, int sequenceId)
        {
            for (var i = window.Start; i < window.Start + window.Length; i++)
                Add(sequence.Ids[i], sequenceId, IsText, sequence.Offsets[i], sequenceId);
        }

        public RemBertEncoding ToEncoding()
        {
            var attention = new int[_ids.Length];
            Array.Fill(attention, Attended);
            return new RemBertEncoding(_ids, _typeIds, attention, _specialMask, _offsets, _sequenceIds);
        }

        private void Add(int id, int tokenType, int special, (int, int) offset, int sequenceId)
        {
            _ids[_next] = id;
            _typeIds[_next] = tokenType;
            _specialMask[_next] = special;
            _offsets[_next] = offset;
            _sequenceIds[_next] = sequenceId;
            _next++;
        }
    }
}
