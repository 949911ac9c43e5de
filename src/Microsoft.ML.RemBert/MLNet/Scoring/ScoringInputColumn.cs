using Microsoft.ML.Data;

namespace Microsoft.ML.RemBert.MLNet.Scoring;

/// <summary>
/// An input column a scoring task reads (e.g. the text to classify): its name and the type it must have. The
/// scoring plumbing checks it against the input schema when fitting, transforming and building a row mapper, and
/// errors name the column and both types.
/// </summary>
internal sealed record ScoringInputColumn(string Name, DataViewType ItemType, bool IsVector = false)
{
    /// <summary>A scalar text column.</summary>
    public static ScoringInputColumn Text(string name) => new(name, TextDataViewType.Instance);

    /// <summary>What the column must be, for error messages.</summary>
    public string ExpectedType => IsVector ? $"Vector<{ItemType}>" : $"{ItemType}";

    /// <summary>Whether a column of <paramref name="type"/> can be read as this input.</summary>
    public bool Accepts(DataViewType type) => IsVector
        ? type is VectorDataViewType vector && vector.ItemType.Equals(ItemType)
        : type.Equals(ItemType);

    /// <summary>Whether a column of the estimator-time shape <paramref name="column"/> can be read as this input.</summary>
    public bool Accepts(SchemaShape.Column column) => IsVector
        ? column.Kind != SchemaShape.Column.VectorKind.Scalar && column.ItemType.Equals(ItemType)
        : column.Kind == SchemaShape.Column.VectorKind.Scalar && column.ItemType.Equals(ItemType);
}
