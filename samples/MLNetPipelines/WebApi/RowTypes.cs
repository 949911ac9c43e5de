using System.Reflection;
using System.Reflection.Emit;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetPipelines.WebApi;

/// <summary>One column of a served row: its name, the .NET type it is read or written as, and the field holding it.</summary>
internal sealed record RowField(string Name, DataViewType ColumnType, Type ClrType, FieldInfo Field, bool Required);

/// <summary>
/// The input and output row classes of a zip whose task is known only when it is loaded: ML.NET's engines map public
/// fields to columns by name, so one class per zip is emitted with a field named and typed after each input column
/// (e.g. <c>string Sentence1</c>, <c>string[] Choices</c>) and each output column the model adds (<c>string PredictedLabel</c>,
/// <c>float[] Score</c>, <c>string[] Answer</c>...). Emitted types are never collected, and ML.NET keeps what it builds
/// for each row type, so the classes are made once per distinct pair of schemas and reused by every reload of a zip
/// with the same columns (the usual case: a retrained model of the same task). Thread-safe.
/// </summary>
internal sealed class RowTypes
{
    private static readonly ModuleBuilder Module = AssemblyBuilder
        .DefineDynamicAssembly(new AssemblyName("MLNetPipelines.WebApi.Rows"), AssemblyBuilderAccess.Run)
        .DefineDynamicModule("Rows");
    private static int _serial;
    private static readonly Dictionary<string, (Type Input, Type Output)> Emitted = new();

    private RowTypes(Type inputType, IReadOnlyList<RowField> inputs, Type outputType, IReadOnlyList<RowField> outputs)
        => (InputType, Inputs, OutputType, Outputs) = (inputType, inputs, outputType, outputs);

    public Type InputType { get; }

    /// <summary>Every input column of the zip; <see cref="RowField.Required"/> for those the RemBERT transformer reads.</summary>
    public IReadOnlyList<RowField> Inputs { get; }

    public Type OutputType { get; }

    /// <summary>The visible columns the model adds to its input (named differently from every input column).</summary>
    public IReadOnlyList<RowField> Outputs { get; }

    /// <summary>Emits the row classes of a model with <paramref name="inputSchema"/> and <paramref name="outputSchema"/>.</summary>
    /// <exception cref="NotSupportedException">A column's type has no JSON form here (named).</exception>
    public static RowTypes Create(DataViewSchema inputSchema, DataViewSchema outputSchema, IReadOnlyCollection<string> required)
    {
        var inputColumns = inputSchema.Where(column => !column.IsHidden).ToList();
        var inputNames = inputSchema.Select(column => column.Name).ToHashSet();
        var outputColumns = outputSchema.Where(column => !column.IsHidden && !inputNames.Contains(column.Name)).ToList();

        string key = Signature(inputColumns) + " -> " + Signature(outputColumns);
        Type inputType, outputType;
        lock (Emitted)
        {
            if (!Emitted.TryGetValue(key, out var types))
            {
                int serial = ++_serial;
                types = (Emit($"Input{serial}", inputColumns, forInput: true), Emit($"Output{serial}", outputColumns, forInput: false));
                Emitted.Add(key, types);
            }
            (inputType, outputType) = types;
        }
        return new RowTypes(
            inputType, inputColumns.Select(column => Field(inputType, column, required.Contains(column.Name))).ToList(),
            outputType, outputColumns.Select(column => Field(outputType, column, required: false)).ToList());
    }

    /// <summary>A new input row with every field at its empty value ("" and empty arrays rather than null, which ML.NET cannot read).</summary>
    public object NewInput()
    {
        var row = Activator.CreateInstance(InputType)!;
        foreach (var input in Inputs)
        {
            if (input.ClrType == typeof(string))
                input.Field.SetValue(row, "");
            else if (input.ClrType.IsArray)
                input.Field.SetValue(row, Array.CreateInstance(input.ClrType.GetElementType()!, 0));
        }
        return row;
    }

    private static RowField Field(Type type, DataViewSchema.Column column, bool required)
    {
        var field = type.GetField(column.Name)!;
        return new RowField(column.Name, column.Type, field.FieldType, field, required);
    }

    /// <summary>What the emitted class depends on: each column's name and type (DataViewType's text names size and key count).</summary>
    private static string Signature(List<DataViewSchema.Column> columns) =>
        string.Join("; ", columns.Select(column => $"{column.Name}: {column.Type}"));

    private static Type Emit(string name, List<DataViewSchema.Column> columns, bool forInput)
    {
        var builder = Module.DefineType(name, TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.Class);
        foreach (var column in columns)
        {
            var field = builder.DefineField(column.Name, ClrType(column), FieldAttributes.Public);
            // An input vector of known size must be declared so (e.g. Vector<String, 4>): ML.NET checks the schema.
            if (forInput && column.Type is VectorDataViewType { IsKnownSize: true } vector)
                field.SetCustomAttribute(new CustomAttributeBuilder(typeof(VectorTypeAttribute).GetConstructor([typeof(int[])])!, [new[] { vector.Size }]));
            if (forInput && ItemType(column.Type) is KeyDataViewType key)
                field.SetCustomAttribute(new CustomAttributeBuilder(typeof(KeyTypeAttribute).GetConstructor([typeof(ulong)])!, [key.Count]));
        }
        return builder.CreateType();
    }

    private static DataViewType ItemType(DataViewType type) => type is VectorDataViewType vector ? vector.ItemType : type;

    private static Type ClrType(DataViewSchema.Column column)
    {
        var itemType = ItemType(column.Type);
        Type item = itemType switch
        {
            TextDataViewType => typeof(string),
            KeyDataViewType or NumberDataViewType or BooleanDataViewType => itemType.RawType,
            _ => throw new NotSupportedException($"Column '{column.Name}' is {column.Type}; the Web API reads and writes text, numbers, booleans, keys and vectors of them."),
        };
        return column.Type is VectorDataViewType ? item.MakeArrayType() : item;
    }
}
