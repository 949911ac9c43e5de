using TorchSharp;

namespace Microsoft.ML.RemBert.Checkpoints;

/// <summary>A Python global (module.name) referenced by a pickle, e.g. <c>torch._utils._rebuild_tensor_v2</c>.</summary>
internal sealed record PickleGlobal(string Module, string Name)
{
    public override string ToString() => $"{Module}.{Name}";
}

/// <summary>A storage named by torch.save's persistent id: its element type and the archive entry <c>data/Key</c> holding its bytes.</summary>
internal sealed record TorchStorageReference(torch.ScalarType DType, string Key, long ElementCount);

/// <summary>A tensor as torch.save describes it: a view (offset, shape, strides in elements) of a storage.</summary>
internal sealed record TorchPickledTensor(TorchStorageReference Storage, long StorageOffset, long[] Shape, long[] Strides);

/// <summary>A Python dict or OrderedDict, keeping insertion order (state-dict order).</summary>
internal sealed class PickleDict : List<KeyValuePair<object?, object?>>;
