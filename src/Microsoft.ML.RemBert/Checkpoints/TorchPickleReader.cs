using System.Buffers.Binary;
using System.Text;

namespace Microsoft.ML.RemBert.Checkpoints;

/// <summary>
/// A deliberately small unpickler for the <c>data.pkl</c> of a torch.save'd state dict. It understands the
/// opcodes Python's pickle protocols 2–5 use for dicts, tuples, strings and numbers, and the handful of
/// torch globals that rebuild tensors; tensors come back as <see cref="TorchPickledTensor"/> descriptions so
/// no tensor data is read here. Any other global is refused: a state dict needs none, and executing
/// arbitrary pickled constructors is how malicious checkpoints work.
/// </summary>
internal sealed class TorchPickleReader
{
    /// <summary>
    /// How deep data.pkl may nest tuples, lists and dicts. A torch.save state dict nests four deep (the dict, a
    /// tensor's rebuild arguments, its persistent id, and <c>_metadata</c>'s dict of dicts); the limit is far above
    /// that and far below what would exhaust the stack of anything that walks the values.
    /// </summary>
    public const int MaxNestingDepth = 256;

    /// <summary>The pickle entry's name inside the archive, used in messages.</summary>
    private const string EntryName = "data.pkl";

    private readonly BinaryReader _input;
    private readonly string _filePath;
    private readonly Stack<object?> _stack = new();
    private readonly Stack<int> _marks = new();
    private readonly Dictionary<long, object?> _memo = new();
    /// <summary>The nesting depth of every container built so far (by reference: a pickle shares values freely).</summary>
    private readonly Dictionary<object, int> _depths = new(ReferenceEqualityComparer.Instance);

    private TorchPickleReader(Stream pickle, string filePath)
    {
        _input = new BinaryReader(pickle, Encoding.UTF8, leaveOpen: true);
        _filePath = filePath;
    }

    /// <summary>Reads the state dict pickled in <paramref name="pickle"/>; <paramref name="filePath"/> names the checkpoint in errors.</summary>
    public static IReadOnlyList<KeyValuePair<string, TorchPickledTensor>> ReadStateDict(Stream pickle, string filePath)
    {
        object? root;
        try { root = new TorchPickleReader(pickle, filePath).Run(); }
        catch (EndOfStreamException ex)
        {
            throw new CheckpointFormatException(filePath, "data.pkl ends before its STOP opcode: the pickle is truncated.", ex);
        }
        if (root is not PickleDict dict)
            throw new CheckpointFormatException(filePath, $"data.pkl holds a {Describe(root)}, not a state dict (a dict of tensors).");
        var result = new List<KeyValuePair<string, TorchPickledTensor>>(dict.Count);
        foreach (var (key, value) in dict)
        {
            if (key is not string name)
                throw new CheckpointFormatException(filePath, $"data.pkl has a state-dict key that is a {Describe(key)}, not a string.");
            if (value is not TorchPickledTensor tensor)
                throw new CheckpointFormatException(filePath, $"state-dict key '{name}' holds a {Describe(value)}, not a tensor.");
            result.Add(new(name, tensor));
        }
        return result;
    }

    private object? Run()
    {
        while (true)
        {
            byte opcode = _input.ReadByte();
            switch (opcode)
            {
                case PickleOpcodes.Stop: return Pop();
                case PickleOpcodes.Proto: _input.ReadByte(); break;
                case PickleOpcodes.Frame: _input.ReadInt64(); break;
                case PickleOpcodes.Mark: _marks.Push(_stack.Count); break;
                case PickleOpcodes.None: _stack.Push(null); break;
                case PickleOpcodes.NewTrue: _stack.Push(true); break;
                case PickleOpcodes.NewFalse: _stack.Push(false); break;
                case PickleOpcodes.BinInt: _stack.Push((long)_input.ReadInt32()); break;
                case PickleOpcodes.BinInt1: _stack.Push((long)_input.ReadByte()); break;
                case PickleOpcodes.BinInt2: _stack.Push((long)_input.ReadUInt16()); break;
                case PickleOpcodes.Long1: _stack.Push(ReadLong(_input.ReadByte())); break;
                case PickleOpcodes.BinFloat: _stack.Push(BinaryPrimitives.ReadDoubleBigEndian(_input.ReadBytes(sizeof(double)))); break;
                case PickleOpcodes.ShortBinUnicode: _stack.Push(ReadUtf8(_input.ReadByte())); break;
                case PickleOpcodes.BinUnicode: _stack.Push(ReadUtf8(_input.ReadUInt32())); break;
                case PickleOpcodes.BinUnicode8: _stack.Push(ReadUtf8(_input.ReadInt64())); break;
                case PickleOpcodes.ShortBinString or PickleOpcodes.ShortBinBytes: _stack.Push(ReadBytes(_input.ReadByte())); break;
                case PickleOpcodes.BinString or PickleOpcodes.BinBytes: _stack.Push(ReadBytes(_input.ReadUInt32())); break;
                case PickleOpcodes.EmptyDict: _stack.Push(new PickleDict()); break;
                case PickleOpcodes.EmptyList: _stack.Push(new List<object?>()); break;
                case PickleOpcodes.EmptyTuple: _stack.Push(Array.Empty<object?>()); break;
                case PickleOpcodes.Tuple: _stack.Push(NewTuple(PopToMark().ToArray())); break;
                case PickleOpcodes.Tuple1: _stack.Push(NewTuple(PopMany(1))); break;
                case PickleOpcodes.Tuple2: _stack.Push(NewTuple(PopMany(2))); break;
                case PickleOpcodes.Tuple3: _stack.Push(NewTuple(PopMany(3))); break;
                case PickleOpcodes.Global: _stack.Push(new PickleGlobal(ReadLine(), ReadLine())); break;
                case PickleOpcodes.StackGlobal: { var name = PopString(); _stack.Push(new PickleGlobal(PopString(), name)); break; }
                case PickleOpcodes.BinPut: _memo[_input.ReadByte()] = Peek(); break;
                case PickleOpcodes.LongBinPut: _memo[_input.ReadUInt32()] = Peek(); break;
                case PickleOpcodes.Memoize: _memo[_memo.Count] = Peek(); break;
                case PickleOpcodes.BinGet: _stack.Push(Recall(_input.ReadByte())); break;
                case PickleOpcodes.LongBinGet: _stack.Push(Recall(_input.ReadUInt32())); break;
                case PickleOpcodes.BinPersId: _stack.Push(ResolveStorage(Pop())); break;
                case PickleOpcodes.Reduce: { var args = Pop(); _stack.Push(Call(Pop(), args)); break; }
                case PickleOpcodes.NewObj: { var args = Pop(); _stack.Push(Call(Pop(), args)); break; }
                case PickleOpcodes.Build: Pop(); break; // object state (OrderedDict._metadata): not part of the tensors
                case PickleOpcodes.SetItem: { var value = Pop(); var key = Pop(); var dict = PeekDict(); Nest(dict, key, value); dict.Add(new(key, value)); break; }
                case PickleOpcodes.SetItems: SetItems(); break;
                case PickleOpcodes.Append: { var value = Pop(); var list = PeekList(); Nest(list, value); list.Add(value); break; }
                case PickleOpcodes.Appends: { var values = PopToMark(); var list = PeekList(); Nest(list, values.ToArray()); list.AddRange(values); break; }
                default:
                    throw Error($"unsupported pickle opcode 0x{opcode:x2} at byte {_input.BaseStream.Position - 1} of {EntryName}.");
            }
        }
    }

    private object? Call(object? callable, object? args)
    {
        if (callable is not PickleGlobal global)
            throw Error($"data.pkl calls a {Describe(callable)}, which is not a global.");
        var arguments = args as object?[] ?? throw Error($"data.pkl calls {global} with a {Describe(args)} instead of an argument tuple.");
        return global.ToString() switch
        {
            "collections.OrderedDict" or "builtins.dict" => new PickleDict(),
            "torch._utils._rebuild_tensor_v2" or "torch._utils._rebuild_tensor" => RebuildTensor(global, arguments),
            // A saved nn.Parameter wraps a tensor; the state dict only needs the tensor.
            "torch._utils._rebuild_parameter" or "torch._utils._rebuild_parameter_with_state" => arguments.Length > 0 ? arguments[0] : throw Error($"{global} without its tensor argument."),
            _ => throw Error($"data.pkl calls {global}, which a state dict never needs (is this a whole pickled model rather than a state dict?)."),
        };
    }

    private TorchPickledTensor RebuildTensor(PickleGlobal global, object?[] args)
    {
        const int RequiredArguments = 4; // storage, storage_offset, size, stride
        if (args.Length < RequiredArguments || args[0] is not TorchStorageReference storage || args[1] is not long offset)
            throw Error($"{global} called with unexpected arguments: {Describe(args)}.");
        return new TorchPickledTensor(storage, offset, ToLongs(args[2], "size"), ToLongs(args[3], "stride"));
    }

    private TorchStorageReference ResolveStorage(object? persistentId)
    {
        // torch.save's persistent id: ("storage", storage_type, key, location, numel).
        const int PersistentIdLength = 5;
        if (persistentId is not object?[] { Length: PersistentIdLength } id || id[0] as string != "storage"
            || id[1] is not PickleGlobal storageType || id[2] is not string key || id[4] is not long count)
            throw Error($"unexpected persistent id {Describe(persistentId)}; expected ('storage', type, key, location, numel).");
        var dtype = TensorDataTypes.FromTorchStorageName(storageType.Name)
            ?? throw Error($"storage '{key}' has unsupported type {storageType}.");
        if (count < 0)
            throw Error($"storage '{key}' claims {count} elements; a storage size cannot be negative.");
        if (count > long.MaxValue / TensorDataTypes.ElementSize(dtype))
            throw Error($"storage '{key}' claims {count} elements of {TensorDataTypes.ElementSize(dtype)} bytes, a size that overflows 64 bits.");
        return new TorchStorageReference(dtype, key, count);
    }

    private void SetItems()
    {
        var items = PopToMark();
        if (items.Count % 2 != 0) throw Error("SETITEMS with an odd number of keys and values.");
        var dict = PeekDict();
        Nest(dict, items.ToArray());
        for (int i = 0; i < items.Count; i += 2) dict.Add(new(items[i], items[i + 1]));
    }

    private long[] ToLongs(object? value, string what) =>
        value is object?[] tuple && tuple.All(v => v is long)
            ? tuple.Select(v => (long)v!).ToArray()
            : throw Error($"tensor {what} is a {Describe(value)}, not a tuple of integers.");

    private long ReadLong(int byteCount)
    {
        var bytes = _input.ReadBytes(byteCount);
        var value = new System.Numerics.BigInteger(bytes, isUnsigned: false, isBigEndian: false);
        return value >= long.MinValue && value <= long.MaxValue ? (long)value : throw Error($"integer {value} does not fit in 64 bits.");
    }

    private string ReadUtf8(long length) => Encoding.UTF8.GetString(ReadBytes(length));

    private byte[] ReadBytes(long length)
    {
        if (length < 0 || length > _input.BaseStream.Length) throw Error($"a string of {length} bytes is longer than the pickle.");
        var bytes = _input.ReadBytes((int)length);
        return bytes.Length == length ? bytes : throw new EndOfStreamException();
    }

    private string ReadLine()
    {
        var line = new StringBuilder();
        for (char c = (char)_input.ReadByte(); c != '\n'; c = (char)_input.ReadByte()) line.Append(c);
        return line.ToString();
    }

    private object? Recall(long index) =>
        _memo.TryGetValue(index, out var value) ? value : throw Error($"memo entry {index} is read before it is written.");

    private object? Peek() => _stack.Count > 0 ? _stack.Peek() : throw Error("the pickle memoizes the top of an empty stack.");

    private object? Pop() => _stack.Count > 0 ? _stack.Pop() : throw Error("the pickle pops from an empty stack.");

    private string PopString() => Pop() as string ?? throw Error("STACK_GLOBAL expects module and name strings.");

    private object?[] PopMany(int count)
    {
        var items = new object?[count];
        for (int i = count - 1; i >= 0; i--) items[i] = Pop();
        return items;
    }

    private List<object?> PopToMark()
    {
        if (_marks.Count == 0) throw Error("the pickle uses a MARK it never set.");
        int mark = _marks.Pop();
        if (mark > _stack.Count) throw Error("the pickle popped values below its MARK before using it.");
        var items = new List<object?>(PopMany(_stack.Count - mark));
        return items;
    }

    private PickleDict PeekDict() =>
        _stack.Count > 0 && _stack.Peek() is PickleDict dict ? dict : throw Error("SETITEM(S) without a dict to set into.");

    private List<object?> PeekList() =>
        _stack.Count > 0 && _stack.Peek() is List<object?> list ? list : throw Error("APPEND(S) without a list to append to.");

    private object?[] NewTuple(object?[] items)
    {
        Nest(items, items);
        return items;
    }

    /// <summary>Records that <paramref name="container"/> now holds <paramref name="children"/>, refusing nesting deeper than <see cref="MaxNestingDepth"/>.</summary>
    /// <remarks>
    /// A list or dict that grows after it was put inside another container does not update its ancestors; that is
    /// harmless, since nothing here recurses over values and <see cref="PickleValueDescriber"/> has its own budget.
    /// </remarks>
    private void Nest(object container, params object?[] children)
    {
        int depth = _depths.TryGetValue(container, out var current) ? current : 1;
        foreach (var child in children)
            if (child is not null && _depths.TryGetValue(child, out var childDepth)) depth = Math.Max(depth, childDepth + 1);
        if (depth > MaxNestingDepth)
            throw Error($"{EntryName} nests tuples, lists or dicts more than {MaxNestingDepth} deep (at byte {_input.BaseStream.Position} of {EntryName}); " +
                "a state dict nests a few levels, so this is not a torch.save checkpoint.");
        _depths[container] = depth;
    }

    private CheckpointFormatException Error(string problem) => new(_filePath, problem);

    private static string Describe(object? value) => PickleValueDescriber.Describe(value);
}
