using Microsoft.ML.Runtime;

namespace Microsoft.ML.RemBert.Pretraining;

/// <summary>
/// ELECTRA's loss is a sum of three parts that move in opposite directions (a better generator makes the
/// discriminator's task harder), so the total alone cannot tell a learning run from a stuck one: this notes each part's
/// mean, the share of replaced tokens and the discriminator's accuracy every <see cref="Interval"/> steps.
/// </summary>
internal sealed class ElectraProgressNotes
{
    /// <summary>Steps per note: enough to average out batch noise, few enough to follow a run of a few thousand steps.</summary>
    public const int Interval = 50;

    private double _generator, _discriminator, _probe, _replaced, _accuracy;
    private int _count;

    public void Add(ElectraPretrainingModel electra, int step, IChannel channel)
    {
        _generator += electra.LastLosses.Generator;
        _discriminator += electra.LastLosses.Discriminator;
        _probe += electra.LastLosses.Probe;
        _replaced += electra.LastDetection.ReplacedShare;
        _accuracy += electra.LastDetection.Accuracy;
        _count++;
        if (step % Interval != 0) return;
        channel.Info(FormattableString.Invariant(
            $"electra, steps to {step}: generator MLM loss {_generator / _count:F3}, discriminator loss {_discriminator / _count:F4} (accuracy {_accuracy / _count:P1}, replaced {_replaced / _count:P1}), LM-head probe loss {_probe / _count:F3}"));
        _generator = _discriminator = _probe = _replaced = _accuracy = 0;
        _count = 0;
    }
}
