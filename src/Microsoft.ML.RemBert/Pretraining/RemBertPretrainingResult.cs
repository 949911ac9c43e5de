using Microsoft.ML.RemBert.Modeling;

namespace Microsoft.ML.RemBert.Pretraining;

/// <summary>Why pretraining ended.</summary>
public enum PretrainingStop
{
    /// <summary>Every epoch ran.</summary>
    Completed,

    /// <summary><see cref="RemBertPretrainingOptions.MaxSteps"/> was reached.</summary>
    MaxSteps,

    /// <summary><see cref="RemBertPretrainingOptions.TimeLimit"/> was reached.</summary>
    TimeLimit,
}

/// <summary>A pretrained model (in eval mode, the caller's to dispose) and how its training went.</summary>
public sealed class RemBertPretrainingResult : IDisposable
{
    internal RemBertPretrainingResult(RemBertLanguageModel model, int steps, long tokens, IReadOnlyList<double> losses, TimeSpan elapsed, PretrainingStop stop)
    {
        Model = model;
        Steps = steps;
        Tokens = tokens;
        Losses = losses;
        Elapsed = elapsed;
        Stop = stop;
    }

    /// <summary>The same figures for another model (ELECTRA returns a copy of its discriminator); this result's model is not disposed.</summary>
    internal RemBertPretrainingResult WithModel(RemBertLanguageModel model) => new(model, Steps, Tokens, Losses, Elapsed, Stop);

    /// <summary><c>RemBertForMaskedLM</c> or <c>RemBertForCausalLM</c>, as the objective asked.</summary>
    public RemBertLanguageModel Model { get; }

    /// <summary>Optimizer steps taken since the start of the run, those before a resumed checkpoint included.</summary>
    public int Steps { get; }

    /// <summary>Tokens (padding excluded) the model was trained on, over the steps of this sitting (since the resumed checkpoint, if any).</summary>
    public long Tokens { get; }

    /// <summary>The training loss of every step of this sitting, in order.</summary>
    public IReadOnlyList<double> Losses { get; }

    /// <summary>The mean loss of the last 50 steps (all of them when fewer): a steadier figure than the last step's.</summary>
    public double FinalLoss => Losses.Count == 0 ? double.NaN : Losses.TakeLast(50).Average();

    /// <summary>Training wall time of this sitting.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Why training ended.</summary>
    public PretrainingStop Stop { get; }

    /// <summary>Disposes <see cref="Model"/>.</summary>
    public void Dispose() => Model.Dispose();
}
