using System.Globalization;
using Microsoft.ML.Data;

namespace Microsoft.ML.RemBert.MLNet.Training;

/// <summary>
/// The optional example-weight column of a trainer (ML.NET's <c>ExampleWeightColumnName</c> convention: a Single
/// column, null = every row weighs 1). A weight must be finite and at least 0; a zero weight keeps the row out of the
/// loss; a training set whose weights are all zero has nothing to learn from. Errors name the row, the column and the data.
/// </summary>
internal static class ExampleWeightColumn
{
    /// <summary>The option naming the column, for error messages.</summary>
    public const string OptionName = "ExampleWeightColumnName";

    /// <summary>The weight column of <paramref name="schema"/>, or null without one; throws naming it when it is missing or not Single.</summary>
    public static DataViewSchema.Column? Find(DataViewSchema schema, string? name, string dataName)
    {
        if (name is null)
            return null;
        var column = schema.GetColumnOrNull(name)
            ?? throw new ArgumentOutOfRangeException(OptionName, name, $"The {dataName} has no weight column '{name}' ({OptionName}).");
        if (column.Type != NumberDataViewType.Single)
            throw new ArgumentOutOfRangeException(OptionName, name,
                $"Weight column '{name}' ({OptionName}) of the {dataName} is {column.Type}; it must be Single (float).");
        return column;
    }

    /// <summary>
    /// A function reading the current row's weight; 1 for every row without a column. A negative, NaN or infinite weight
    /// is an error naming the row, the column and <paramref name="dataName"/>.
    /// </summary>
    public static Func<float> CreateReader(DataViewRow row, DataViewSchema.Column? column, string dataName)
    {
        if (column is not { } weightColumn)
            return static () => 1f;
        var getter = row.GetGetter<float>(weightColumn);
        float weight = 0;
        return () =>
        {
            getter(ref weight);
            if (!float.IsFinite(weight) || weight < 0)
                throw new InvalidOperationException(
                    $"Row {row.Position} of the {dataName} has weight {weight.ToString(CultureInfo.InvariantCulture)} in column '{weightColumn.Name}' ({OptionName}); a weight must be a finite number >= 0.");
            return weight;
        };
    }

    /// <summary>Throws naming the column and the data when every weight is zero (the weighted loss would be 0 / 0).</summary>
    public static void RequireSomeWeight(IEnumerable<float> weights, DataViewSchema.Column? column, string dataName)
    {
        if (column is { } weightColumn && weights.All(weight => weight == 0))
            throw new ArgumentException(
                $"Every row of the {dataName} has weight 0 in column '{weightColumn.Name}' ({OptionName}): there is nothing to train on.", dataName);
    }
}
