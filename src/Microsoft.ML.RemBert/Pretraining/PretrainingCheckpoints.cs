using Microsoft.ML.RemBert.MLNet.Training;
using Microsoft.ML.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Pretraining;

/// <summary>
/// The checkpoints of a pretraining run and its resume from one, in fine-tuning's format (<see cref="TrainingCheckpoints"/>):
/// each <c>checkpoint-STEP</c> holds the trained module's state dict (any <see cref="nn.Module"/>: a language model or
/// an objective's module of several), AdamW's moments and step counts, libtorch's and the named generators' states
/// (masking draws from its own), the epoch's batches of block indices, and a <see cref="TrainingPosition"/>: the step,
/// the epoch, the next batch and the settings' fingerprint (<see cref="PretrainingFingerprint"/>). The block order is
/// not stored as a generator: it is replayed from the seed, one shuffle per epoch, and checked against the stored
/// batches. Written every <see cref="RemBertPretrainingOptions.CheckpointSteps"/> steps and when the time limit ends a
/// sitting. Not thread-safe: one per run.
/// </summary>
internal sealed class PretrainingCheckpoints
{
    private readonly TrainingCheckpoints? _writer;
    private readonly int _every;
    private readonly (string Path, TrainingPosition Position)? _resumeFrom;
    private readonly IReadOnlyDictionary<string, string> _fingerprint;
    private readonly IChannel _channel;
    private nn.Module? _module;
    private HeldScalarAdamW? _optimizer;
    private IReadOnlyList<(string Name, Generator Generator)> _generators = [];
    private List<int[]>? _resumedOrder;
    private int _lastSaved;

    private PretrainingCheckpoints(RemBertPretrainingOptions options, (string Path, TrainingPosition Position)? resumeFrom,
        IReadOnlyDictionary<string, string> fingerprint, IChannel channel)
    {
        _writer = options.CheckpointDirectory is { } directory ? new TrainingCheckpoints(directory, options.CheckpointsToKeep, channel) : null;
        _every = options.CheckpointSteps;
        _resumeFrom = resumeFrom;
        _fingerprint = fingerprint;
        _channel = channel;
    }

    /// <summary>
    /// The checkpoint <see cref="RemBertPretrainingOptions.ResumeFrom"/> names (null when it is not set), found before
    /// the corpus is read so that a wrong path fails at once: a <c>checkpoint-STEP</c> directory is taken as it is, a
    /// directory of them gives its newest complete one (a damaged newer one skipped with a warning).
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="InvalidDataException">It holds no complete checkpoint, or the checkpoint it names is damaged (the file is named).</exception>
    public static (string Path, TrainingPosition Position)? Locate(RemBertPretrainingOptions options, IChannel channel)
    {
        if (options.ResumeFrom is not { } from)
            return null;
        string path = Path.TrimEndingDirectorySeparator(Path.GetFullPath(from));
        if (!Directory.Exists(path))
            throw new DirectoryNotFoundException($"{nameof(RemBertPretrainingOptions.ResumeFrom)} {path}: no such directory.");
        if (TrainingCheckpoints.IsCheckpoint(path))
            return (path, TrainingCheckpoints.Read(path));
        return new TrainingCheckpoints(path, int.MaxValue, channel).Newest()
            ?? throw new InvalidDataException($"{nameof(RemBertPretrainingOptions.ResumeFrom)} {path}: it holds no complete checkpoint (a checkpoint-STEP directory) to resume from.");
    }

    /// <summary>The checkpoints of a run that writes or resumes from them; null when it does neither.</summary>
    public static PretrainingCheckpoints? For(RemBertPretrainingOptions options, (string Path, TrainingPosition Position)? resumeFrom,
        IReadOnlyDictionary<string, string> fingerprint, IChannel channel) =>
        options.CheckpointDirectory is null && resumeFrom is null ? null : new PretrainingCheckpoints(options, resumeFrom, fingerprint, channel);

    /// <summary>
    /// Binds the state a checkpoint holds and, when resuming, loads it: refuses a checkpoint of other settings
    /// (<see cref="ArgumentException"/> naming each), then fills <paramref name="module"/>, <paramref name="optimizer"/>,
    /// libtorch's generator and <paramref name="generators"/>. Returns where training starts (step 0 of epoch 1 otherwise).
    /// </summary>
    public TrainingPosition Begin(nn.Module module, HeldScalarAdamW optimizer, IReadOnlyList<(string Name, Generator Generator)> generators)
    {
        _module = module;
        _optimizer = optimizer;
        _generators = generators;
        if (_resumeFrom is not { } from)
            return new TrainingPosition { Fingerprint = _fingerprint };
        TrainingFingerprint.EnsureSame(from.Position.Fingerprint, _fingerprint, from.Path,
            $"start afresh without {nameof(RemBertPretrainingOptions.ResumeFrom)}", nameof(RemBertPretrainingOptions.ResumeFrom));
        (_, _resumedOrder) = TrainingCheckpoints.Restore(from.Path, from.Position, module, optimizer, generators);
        _lastSaved = from.Position.Step;
        _channel.Info($"Resuming from {from.Path}: step {from.Position.Step}, epoch {from.Position.Epoch}, batch {from.Position.NextBatch}.");
        return from.Position with { Fingerprint = _fingerprint };
    }

    /// <summary>
    /// The index of the first batch to train in <paramref name="epoch"/>: the checkpoint's next batch in the resumed
    /// epoch (after checking that the replayed <paramref name="batches"/> are the stored ones), 0 otherwise.
    /// </summary>
    public int FirstBatch(int epoch, List<int[]> batches)
    {
        if (_resumedOrder is null || _resumeFrom is not { } from)
            return 0;
        TrainingCheckpoints.CheckOrder(_resumedOrder, batches, epoch, from.Path, nameof(RemBertPretrainingOptions.ResumeFrom));
        _resumedOrder = null;
        return from.Position.NextBatch;
    }

    /// <summary>After optimizer step <paramref name="step"/>: writes a checkpoint when one is due.</summary>
    public void Stepped(int step, int epoch, int nextBatch, List<int[]> batches, CancellationToken cancellationToken)
    {
        if (step % _every == 0)
            Save(step, epoch, nextBatch, batches, cancellationToken);
    }

    /// <summary>When the time limit ends a sitting before batch <paramref name="nextBatch"/>: writes a checkpoint the next sitting resumes from.</summary>
    public void Stopped(int step, int epoch, int nextBatch, List<int[]> batches, CancellationToken cancellationToken)
    {
        // A checkpoint of this step exists already (written at it, or resumed from): rewriting it would delete it first.
        if (step != _lastSaved)
            Save(step, epoch, nextBatch, batches, cancellationToken);
    }

    private void Save(int step, int epoch, int nextBatch, List<int[]> batches, CancellationToken cancellationToken)
    {
        if (_writer is null)
            return;
        var position = new TrainingPosition { Step = step, Epoch = epoch, NextBatch = nextBatch, Fingerprint = _fingerprint };
        _writer.Save(position, _module!, _optimizer!, best: null, batches, cancellationToken, _generators);
        _lastSaved = step;
    }
}
