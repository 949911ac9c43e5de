namespace Microsoft.ML.RemBert.Evaluation;

/// <summary>
/// Orders strings by Unicode code point, as Python's <c>sorted</c> does (UTF-16 ordinal order differs for
/// characters above U+FFFF versus U+E000-U+FFFF).
/// </summary>
internal sealed class CodePointComparer : IComparer<string>
{
    public static readonly CodePointComparer Instance = new();

    public int Compare(string? x, string? y)
    {
        if (x is null || y is null)
            return x is null ? (y is null ? 0 : -1) : 1;
        var left = x.EnumerateRunes();
        var right = y.EnumerateRunes();
        while (true)
        {
            var hasLeft = left.MoveNext();
            var hasRight = right.MoveNext();
            if (!hasLeft || !hasRight)
                return hasLeft.CompareTo(hasRight);
            var order = left.Current.Value.CompareTo(right.Current.Value);
            if (order != 0)
                return order;
        }
    }
}
