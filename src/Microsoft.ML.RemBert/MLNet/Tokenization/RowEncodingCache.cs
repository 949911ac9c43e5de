using Microsoft.ML.RemBert.Tokenization;

namespace Microsoft.ML.RemBert.MLNet.Tokenization;

/// <summary>
/// The encoding of a cursor's current row, computed once and shared by the InputIds, AttentionMask and
/// TokenTypeIds getters. Created per cursor (per <see cref="RemBertTokenizingMapper.CreateGetters"/> call), so a
/// cache is never used by two threads at once.
/// </summary>
internal sealed class RowEncodingCache
{
    private readonly DataViewRow _row;
    private readonly RemBertTokenizingMapper _mapper;
    private readonly ValueGetter<ReadOnlyMemory<char>> _first;
    private readonly ValueGetter<ReadOnlyMemory<char>>? _second;
    private long _position = -1;
    private RemBertEncoding? _encoding;

    public RowEncodingCache(DataViewRow row, RemBertTokenizingMapper mapper)
    {
        _row = row;
        _mapper = mapper;
        _first = mapper.FirstGetter(row);
        _second = mapper.SecondGetter(row);
    }

    /// <summary>The current row's encoding, tokenizing only when the cursor has moved.</summary>
    public RemBertEncoding Get()
    {
        if (_encoding is null || _position != _row.Position)
        {
            _encoding = _mapper.Encode(_row, _first, _second);
            _position = _row.Position;
        }
        return _encoding;
    }
}
