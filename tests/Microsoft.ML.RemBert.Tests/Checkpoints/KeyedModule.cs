using TorchSharp;

namespace Microsoft.ML.RemBert.Tests.Checkpoints;

/// <summary>
/// A module built from dotted state-dict keys and shapes (nested submodules per dot), so the loader can be
/// tested against any key layout without the RemBERT modules.
/// </summary>
internal sealed class KeyedModule : torch.nn.Module
{
    private readonly Dictionary<string, KeyedModule> _children = new();

    private KeyedModule(string name) : base(name) { }

    /// <summary>A module with a random float32 parameter for each (key, shape).</summary>
    public static KeyedModule Create(IEnumerable<(string Key, long[] Shape)> parameters)
    {
        var root = new KeyedModule("root");
        foreach (var (key, shape) in parameters) root.Add(key.Split('.'), shape);
        return root;
    }

    private void Add(ReadOnlySpan<string> path, long[] shape)
    {
        if (path.Length == 1)
        {
            register_parameter(path[0], new TorchSharp.Modules.Parameter(torch.randn(shape)));
            return;
        }
        if (!_children.TryGetValue(path[0], out var child))
        {
            child = new KeyedModule(path[0]);
            _children[path[0]] = child;
            register_module(path[0], child);
        }
        child.Add(path[1..], shape);
    }
}
