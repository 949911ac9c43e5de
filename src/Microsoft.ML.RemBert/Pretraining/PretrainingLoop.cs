using System.Diagnostics;
using Microsoft.ML.RemBert.MLNet.Training;
using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Pretraining;

/// <summary>
/// The language-modelling loop: the fine-tuning loop's optimizer (<see cref="DecoupledWeightDecay"/>), schedule
/// (<see cref="LinearWarmupSchedule"/>) and progress (<see cref="TrainingProgressReporter"/>), over corpus blocks
/// reshuffled every epoch from the seed and collated (masked) afresh each time they are seen, with step and time limits.
/// </summary>
internal static class PretrainingLoop
{
    /// <summary>
    /// Trains <paramref name="model"/> in place (with <paramref name="electra"/>, the ELECTRA pair whose discriminator it
    /// is, trained as a whole; with <paramref name="ranking"/>, on translation pairs) and leaves it in eval mode; with
    /// <paramref name="checkpoints"/>, starts where the checkpoint to resume from stopped and writes checkpoints as the
    /// options ask.
    /// </summary>
    /// <exception cref="OperationCanceledException">The options' token was cancelled.</exception>
    /// <exception cref="ArgumentException">The checkpoint to resume from was written with other settings.</exception>
    public static RemBertPretrainingResult Run(RemBertLanguageModel model, ElectraPretrainingModel? electra, PretrainingCorpus corpus,
        LanguageModelingCollator collator, RemBertPretrainingOptions options, IChannel channel, PretrainingCheckpoints? checkpoints = null,
        TranslationRankingLoss? ranking = null)
    {
        nn.Module trained = (nn.Module?)electra ?? model;
        var electraReport = new ElectraProgressNotes();
        var device = options.Device ?? CPU;
        var order = new Random(options.Seed);
        using var generator = new Generator((ulong)options.Seed);
        int totalSteps = TotalSteps(corpus.Blocks.Count, options);
        var schedule = new LinearWarmupSchedule(options.LearningRate, totalSteps, options.WarmupRatio);
        var reporter = new TrainingProgressReporter(channel, options.Progress, options.Epochs, totalSteps);
        var parameters = trained.parameters().Where(p => p.requires_grad).ToList();
        using var optimizer = DecoupledWeightDecay.CreateOptimizer(trained, options.LearningRate, options.WeightDecay);
        var start = checkpoints?.Begin(trained, optimizer, [(MaskingGenerator, generator)]);
        int step = start?.Step ?? 0;
        reporter.StartAt(step);
        var losses = new List<double>();
        var clock = Stopwatch.StartNew();
        long tokens = 0;
        var stop = PretrainingStop.Completed;
        try
        {
            trained.train();
            for (int epoch = 1; epoch <= options.Epochs && stop == PretrainingStop.Completed; epoch++)
            {
                var blocks = Enumerable.Range(0, corpus.Blocks.Count).ToArray();
                // Every epoch's shuffle is drawn, those before a resumed epoch too: that replays the generator's draws exactly.
                order.Shuffle(blocks);
                if (epoch < (start?.Epoch ?? 1)) continue;
                var batches = blocks.Chunk(options.BatchSize).ToList();
                for (int next = checkpoints?.FirstBatch(epoch, batches) ?? 0; next < batches.Count; next++)
                {
                    options.CancellationToken.ThrowIfCancellationRequested();
                    if (step >= totalSteps) { stop = PretrainingStop.MaxSteps; break; }
                    if (options.TimeLimit is { } limit && clock.Elapsed >= limit)
                    {
                        stop = PretrainingStop.TimeLimit;
                        // How a sitting ends: the next one resumes at this batch.
                        checkpoints?.Stopped(step, epoch, next, batches, options.CancellationToken);
                        break;
                    }
                    var batch = batches[next].Select(i => corpus.Blocks[i]).ToList();
                    double learningRate = schedule.LearningRate(step);
                    foreach (var group in optimizer.ParamGroups)
                        group.LearningRate = learningRate;
                    using (var scope = NewDisposeScope())
                    {
                        var collated = ranking is null ? collator.Collate(batch, generator) : ranking.Collate(batch, collator, generator);
                        var loss = ranking is not null ? ranking.Loss(model, collated, device, step + 1, channel)
                            : electra is null ? Loss(model, collated, device)
                            : electra.Loss(collated, generator, device);
                        if (electra is not null && loss is not null) electraReport.Add(electra, step + 1, channel);
                        if (loss is null) continue;
                        loss.backward();
                        if (options.MaxGradNorm > 0)
                            nn.utils.clip_grad_norm_(parameters, options.MaxGradNorm);
                        optimizer.step();
                        optimizer.zero_grad();
                        losses.Add(loss.item<float>());
                        tokens += collated.RealTokens;
                    }
                    step++;
                    reporter.Step(epoch, step, batch.Count, losses[^1], learningRate);
                    checkpoints?.Stepped(step, epoch, next + 1, batches, options.CancellationToken);
                }
            }
            if (stop == PretrainingStop.Completed && options.MaxSteps is { } maxSteps && step >= maxSteps)
                stop = PretrainingStop.MaxSteps;
            return new RemBertPretrainingResult(model, step, tokens, losses, clock.Elapsed, stop);
        }
        finally
        {
            trained.eval();
        }
    }

    /// <summary>The name of the masking generator's state in a checkpoint.</summary>
    internal const string MaskingGenerator = "masking";

    /// <summary>The schedule's length: the steps of every epoch, or <see cref="RemBertPretrainingOptions.MaxSteps"/> when fewer.</summary>
    internal static int TotalSteps(int blocks, RemBertPretrainingOptions options)
    {
        int stepsPerEpoch = (blocks + options.BatchSize - 1) / options.BatchSize;
        return (int)Math.Min((long)stepsPerEpoch * options.Epochs, options.MaxSteps ?? int.MaxValue);
    }

    /// <summary>
    /// The batch's mean loss over its scored positions, or null when masking chose no token at all (possible only for
    /// a tiny batch; the step is skipped rather than taking a NaN).
    /// </summary>
    internal static Tensor? Loss(RemBertLanguageModel model, LanguageModelingBatch batch, Device device)
    {
        var ids = batch.InputIds.to(device);
        var mask = batch.AttentionMask.to(device);
        var labels = batch.Labels.to(device);
        switch (model)
        {
            case RemBertForCausalLM causal:
                return causal.forward(ids, mask, labels: labels).Loss;
            case RemBertForMaskedLM:
                var selected = labels.ne(LanguageModelingCollator.HeldIgnoreIndex);
                if (!selected.any().item<bool>()) return null;
                var logits = model.PredictionScoresAt(ids, mask, null, selected);
                return nn.functional.cross_entropy(logits, labels[selected]);
            default:
                throw new ArgumentException($"Pretraining needs RemBertForMaskedLM or RemBertForCausalLM, not {model.GetType().Name}.", nameof(model));
        }
    }
}
