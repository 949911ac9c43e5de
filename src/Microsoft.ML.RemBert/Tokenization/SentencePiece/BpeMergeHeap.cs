namespace Microsoft.ML.RemBert.Tokenization.SentencePiece;

/// <summary>
/// Binary max-heap with sentencepiece's agenda order: higher score first, then the leftmost pair. Entries that
/// compare equal under that order are never both valid, so the heap layout cannot change results.
/// </summary>
internal sealed class BpeMergeHeap
{
    private BpeMerge[] _items = new BpeMerge[256];

    public int Count { get; private set; }

    public void Clear() => Count = 0;

    public void Push(in BpeMerge item)
    {
        if (Count == _items.Length) Array.Resize(ref _items, Count * 2);
        var i = Count++;
        while (i > 0)
        {
            var parent = (i - 1) >> 1;
            if (!Before(item, _items[parent])) break;
            _items[i] = _items[parent];
            i = parent;
        }
        _items[i] = item;
    }

    public BpeMerge Pop()
    {
        var top = _items[0];
        var last = _items[--Count];
        var i = 0;
        while (true)
        {
            var child = 2 * i + 1;
            if (child >= Count) break;
            if (child + 1 < Count && Before(_items[child + 1], _items[child])) child++;
            if (!Before(_items[child], last)) break;
            _items[i] = _items[child];
            i = child;
        }
        if (Count > 0) _items[i] = last;
        return top;
    }

    private static bool Before(in BpeMerge a, in BpeMerge b) => a.Score > b.Score || (a.Score == b.Score && a.Left < b.Left);
}
