using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Modeling;

/// <summary>
/// The modules a linear layer can carry as named children (a LoRA adapter, a prepacked weight): what
/// <see cref="PrecisionOps.Linear"/> looks for beside the layer's own weight.
/// </summary>
internal static class LinearChildren
{
    /// <summary>The child of type <typeparamref name="T"/> attached to <paramref name="layer"/>, or null (the usual case).</summary>
    public static T? Find<T>(Linear layer) where T : nn.Module
    {
        foreach (var (_, child) in layer.named_children())
            if (child is T found)
                return found;
        return null;
    }

    /// <summary>Detaches the child named <paramref name="name"/>, of type <typeparamref name="T"/>, and disposes it; false when there was none.</summary>
    public static bool Remove<T>(Linear layer, string name) where T : nn.Module
    {
        if (Find<T>(layer) is not { } child)
            return false;
        // TorchSharp's register_module with null unregisters the name.
        layer.register_module(name, null!);
        child.Dispose();
        return true;
    }
}
