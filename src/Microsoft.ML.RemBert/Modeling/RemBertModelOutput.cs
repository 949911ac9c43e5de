using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Modeling;

/// <summary>
/// What a RemBERT model returns: a few tensors, by transformers' output names, plus the loss when labels were given.
/// The caller owns the tensors; dispose the output (or move its tensors) when done.
/// </summary>
public abstract class RemBertModelOutput : IDisposable
{
    /// <summary>Creates an output holding <paramref name="loss"/> (null without labels).</summary>
    protected RemBertModelOutput(Tensor? loss) => Loss = loss;

    /// <summary>The scalar training loss, when labels were passed; otherwise null.</summary>
    public Tensor? Loss { get; }

    /// <summary>The tensors of this output by transformers' names (loss first when present), nulls left out.</summary>
    public IReadOnlyList<(string Name, Tensor Value)> NamedTensors() =>
        Fields().Prepend<(string Name, Tensor? Value)>(("loss", Loss)).Where(f => f.Value is not null).Select(f => (f.Name, f.Value!)).ToList();

    /// <summary>The output's own tensors, by transformers' names.</summary>
    protected abstract IEnumerable<(string Name, Tensor? Value)> Fields();

    /// <summary>Moves every tensor of this output out of the current dispose scope, so that it outlives the forward pass.</summary>
    internal T MoveToOuterDisposeScope<T>() where T : RemBertModelOutput
    {
        foreach (var (_, tensor) in NamedTensors()) tensor.MoveToOuterDisposeScope();
        return (T)this;
    }

    /// <summary>Disposes every tensor of this output.</summary>
    public void Dispose()
    {
        foreach (var (_, tensor) in NamedTensors()) tensor.Dispose();
        GC.SuppressFinalize(this);
    }
}
