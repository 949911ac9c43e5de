namespace Microsoft.ML.RemBert.Checkpoints;

/// <summary>Small shape helpers shared by the readers and the writer.</summary>
internal static class TensorShapes
{
    /// <summary>Formats a shape the way PyTorch prints it, e.g. [8000, 24].</summary>
    public static string Format(IReadOnlyList<long> shape) => "[" + string.Join(", ", shape) + "]";

    /// <summary>The number of elements of a tensor with this shape (1 for a scalar).</summary>
    public static long ElementCount(IReadOnlyList<long> shape)
    {
        long count = 1;
        foreach (var dim in shape) count = checked(count * dim);
        return count;
    }

    /// <summary>
    /// The byte length of a tensor of this shape and element size, or false when a dimension is negative or the
    /// product overflows 64 bits (a hostile header can claim any shape).
    /// </summary>
    public static bool TryByteLength(IReadOnlyList<long> shape, long elementSize, out long bytes)
    {
        bytes = 0;
        long count = elementSize;
        foreach (var dim in shape)
        {
            if (dim < 0) return false;
            if (dim != 0 && count > long.MaxValue / dim) return false;
            count *= dim;
        }
        bytes = count;
        return true;
    }

    /// <summary>The strides of a row-major (C-contiguous) tensor of this shape, in elements.</summary>
    public static long[] ContiguousStrides(IReadOnlyList<long> shape)
    {
        var strides = new long[shape.Count];
        long stride = 1;
        for (int i = shape.Count - 1; i >= 0; i--)
        {
            strides[i] = stride;
            stride *= shape[i];
        }
        return strides;
    }

    /// <summary>True when both shapes have the same rank and sizes.</summary>
    public static bool SameShape(IReadOnlyList<long> a, IReadOnlyList<long> b) => a.SequenceEqual(b);
}
