using Microsoft.ML.RemBert.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Modeling.Lora;

/// <summary>
/// A LoRA update for one linear layer W (PEFT's <c>LoraLayer</c>): <c>scaling · lora_B(lora_A(lora_dropout(x)))</c>,
/// added to W's output. It is registered as the child <c>lora</c> of the nn.Linear it adapts, so it moves, switches
/// to training or eval mode, is saved in state dicts and is disposed with the model; <see cref="PrecisionOps.Linear"/>
/// adds its output. <see cref="MergeAndRemove"/> folds it into W (W += scaling · B·A) and detaches it.
/// Not thread-safe while attached (a training-time object).
/// </summary>
internal sealed class LoraAdapter : nn.Module<Tensor, Tensor>
{
    /// <summary>The adapter's name under its linear layer (state-dict keys <c>….query.lora.lora_A.weight</c>).</summary>
    public const string ChildName = "lora";

#pragma warning disable IDE1006 // field names are the state-dict names (PEFT's)
    private readonly Linear lora_A;
    private readonly Linear lora_B;
    private readonly Dropout lora_dropout;
#pragma warning restore IDE1006
    private readonly double _scaling;

    private LoraAdapter(long inFeatures, long outFeatures, int rank, double scaling, double dropout, ScalarType dtype, Generator generator)
        : base(nameof(LoraAdapter))
    {
        lora_A = nn.Linear(inFeatures, rank, hasBias: false, dtype: dtype);
        lora_B = nn.Linear(rank, outFeatures, hasBias: false, dtype: dtype);
        lora_dropout = nn.Dropout(dropout);
        _scaling = scaling;
        using (no_grad())
        {
            // PEFT: kaiming_uniform_(A, a=√5), whose bound √(6 / ((1 + a²)·fan_in)) is 1/√in; B = 0, so W is unchanged at step 0.
            double bound = 1.0 / Math.Sqrt(inFeatures);
            lora_A.weight!.uniform_(-bound, bound, generator);
            lora_B.weight!.zero_();
        }
        RegisterComponents();
    }

    /// <summary>A: [rank, in].</summary>
    public Parameter A => lora_A.weight!;

    /// <summary>B: [out, rank].</summary>
    public Parameter B => lora_B.weight!;

    /// <summary>
    /// Attaches a new adapter of <paramref name="rank"/> to <paramref name="layer"/> (on its device, in its weight's type),
    /// A drawn from <paramref name="generator"/> (a CPU generator: A is drawn on the CPU, then moved).
    /// </summary>
    public static LoraAdapter Attach(Linear layer, int rank, double scaling, double dropout, Generator generator)
    {
        if (Find(layer) is not null)
            throw new InvalidOperationException("The layer already has a LoRA adapter.");
        var weight = layer.weight!;
        var adapter = new LoraAdapter(weight.shape[1], weight.shape[0], rank, scaling, dropout, weight.dtype, generator);
        adapter.to(weight.device);
        adapter.train(layer.training);
        layer.register_module(ChildName, adapter);
        return adapter;
    }

    /// <summary>The adapter attached to <paramref name="layer"/>, or null (the usual case: no children to look through).</summary>
    public static LoraAdapter? Find(Linear layer) => LinearChildren.Find<LoraAdapter>(layer);

    /// <summary>The update <c>scaling · B(A(dropout(<paramref name="input"/>)))</c>, in the type the layer computes in.</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        using var scaling = _scaling.ToScalar();
        var update = PrecisionOps.Linear(lora_B, PrecisionOps.Linear(lora_A, lora_dropout.forward(input)));
        return update.mul(scaling).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Folds the adapter of <paramref name="layer"/> into its weight (W += scaling · B·A, in place, so W keeps its
    /// storage layout), then detaches and disposes the adapter. The layer then computes what it computed with the
    /// adapter in eval mode, up to float rounding.
    /// </summary>
    public static void MergeAndRemove(Linear layer)
    {
        var adapter = Find(layer) ?? throw new InvalidOperationException("The layer has no LoRA adapter to merge.");
        // A packed copy of the weight would keep the weight from before the merge.
        PrepackedWeight.Remove(layer);
        using (no_grad())
        using (var scope = NewDisposeScope())
        using (var scaling = adapter._scaling.ToScalar())
        {
            var weight = layer.weight!;
            var delta = adapter.B.matmul(adapter.A).to(weight.dtype);
            weight.add_(delta, scaling);
        }
        Remove(layer);
    }

    /// <summary>Detaches and disposes the adapter of <paramref name="layer"/> without merging it (a failed run).</summary>
    public static void Remove(Linear layer) => LinearChildren.Remove<LoraAdapter>(layer, ChildName);
}
