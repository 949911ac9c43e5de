namespace Microsoft.ML.RemBert.Trainers;

/// <summary>
/// Low-rank adaptation (LoRA, Hu et al. 2021, as Hugging Face PEFT's <c>LoraConfig</c>): the encoder's weights are
/// frozen and each targeted linear layer W gains a trainable update <c>(Alpha / Rank) · B·A</c>, A being
/// [Rank, in] (Kaiming-uniform, as PEFT) and B [out, Rank] (zeros, so training starts from the pretrained model),
/// with dropout on the adapter's input. The task head and the pooler stay fully trainable (PEFT's
/// <c>modules_to_save</c> for sequence classification). When training ends the adapters are merged into the weights
/// (W += (Alpha / Rank) · B·A) and removed, so the trained model, its zip and its scoring are those of a full fine-tune.
/// Set it on <see cref="RemBertTrainerOptions.Lora"/>; see docs/lora.md.
/// </summary>
public sealed class RemBertLoraOptions
{
    /// <summary>The adapters' rank r (PEFT's <c>r</c>): the update of a targeted weight has rank at most r.</summary>
    public int Rank { get; set; } = 8;

    /// <summary>The update is scaled by Alpha / Rank (PEFT's <c>lora_alpha</c>).</summary>
    public double Alpha { get; set; } = 16;

    /// <summary>Dropout probability on the adapter's input while training (PEFT's <c>lora_dropout</c>); 0 disables it.</summary>
    public double Dropout { get; set; } = 0.05;

    /// <summary>
    /// The linear layers of every encoder layer that get adapters, matched as PEFT does by the end of the module's
    /// state-dict name: <c>query</c>, <c>key</c>, <c>value</c> (self-attention), <c>attention.output.dense</c>,
    /// <c>intermediate.dense</c>, <c>output.dense</c> (both output projections), <c>dense</c> (all three dense layers).
    /// The default, query and value, is PEFT's for BERT-like models. A name matching no layer is an error listing the valid ones.
    /// </summary>
    public IReadOnlyList<string> TargetModules { get; set; } = ["query", "value"];

    /// <summary>The scale of the update, <see cref="Alpha"/> / <see cref="Rank"/>.</summary>
    internal double Scaling => Alpha / Rank;

    /// <summary>Throws naming the first invalid property (as <c>Lora.Rank</c>, …) and its value.</summary>
    internal void Validate()
    {
        const string prefix = nameof(RemBertTrainerOptions.Lora) + ".";
        if (Rank < 1)
            throw new ArgumentOutOfRangeException(prefix + nameof(Rank), Rank, $"{prefix}{nameof(Rank)} is {Rank}; it must be at least 1.");
        if (!(Alpha > 0) || double.IsInfinity(Alpha))
            throw new ArgumentOutOfRangeException(prefix + nameof(Alpha), Alpha, $"{prefix}{nameof(Alpha)} is {Alpha}; it must be a positive finite number.");
        if (!(Dropout >= 0 && Dropout < 1))
            throw new ArgumentOutOfRangeException(prefix + nameof(Dropout), Dropout, $"{prefix}{nameof(Dropout)} is {Dropout}; it must be in [0, 1).");
        if (TargetModules is null || TargetModules.Count == 0)
            throw new ArgumentException($"{prefix}{nameof(TargetModules)} is empty: name at least one of {Modeling.Lora.LoraTargets.ValidNames}.", prefix + nameof(TargetModules));
        foreach (var target in TargetModules)
            if (!Modeling.Lora.LoraTargets.IsValid(target))
                throw new ArgumentException(
                    $"{prefix}{nameof(TargetModules)} holds '{target}', which names no linear layer of a RemBERT encoder layer; valid: {Modeling.Lora.LoraTargets.ValidNames}.",
                    prefix + nameof(TargetModules));
    }
}
