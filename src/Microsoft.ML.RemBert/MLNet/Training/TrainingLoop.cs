using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Runtime;
using Microsoft.ML.RemBert.Trainers;
using Microsoft.ML.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.MLNet.Training;

/// <summary>
/// The one training loop every RemBERT trainer runs (transformers' Trainer, reduced to what fine-tuning needs):
/// length-grouped batches reshuffled every epoch from the seed, AdamW without decay on biases and LayerNorm weights,
/// linear warm-up then decay, gradient accumulation and clipping, validation after each epoch or every N steps on the
/// chosen metric with early stopping that restores the best weights, checkpoints to resume from bit for bit,
/// progress, and cancellation between steps. What differs per task is behind <see cref="ITrainingTask{TExample}"/>.
/// </summary>
internal static class TrainingLoop
{
    /// <summary>
    /// Trains <paramref name="model"/> in place and leaves it in eval mode. With a validation set the returned value
    /// is the best validation's metric (whose weights the model then holds), otherwise null.
    /// </summary>
    /// <exception cref="OperationCanceledException">The settings' token was cancelled; the model is then half-trained.</exception>
    /// <exception cref="ArgumentException">The checkpoint to resume from was written with other options or data.</exception>
    public static double? Run<TExample>(ITrainingTask<TExample> task, RemBertPreTrainedModel model, IReadOnlyList<TExample> training,
        IReadOnlyList<TExample>? validation, TrainingSettings settings, IChannel channel)
        where TExample : ITrainingExample
    {
        var options = settings.Options;
        var metric = TrainingMetric.Select(task.Metrics, options.BestModelMetric);
        var random = new Random(settings.Seed);
        var lengths = training.Select(example => example.Length).ToArray();
        int batchesPerEpoch = (training.Count + settings.BatchSize - 1) / settings.BatchSize;
        int stepsPerEpoch = (batchesPerEpoch + settings.GradientAccumulationSteps - 1) / settings.GradientAccumulationSteps;
        int totalSteps = stepsPerEpoch * settings.MaxEpochs;
        var schedule = new LinearWarmupSchedule(options.LearningRate, totalSteps, options.WarmupRatio);
        var reporter = new TrainingProgressReporter(channel, options.Progress, settings.MaxEpochs, totalSteps);
        var parameters = model.parameters().Where(p => p.requires_grad).ToList();
        using var optimizer = DecoupledWeightDecay.CreateOptimizer(model, options.LearningRate, options.WeightDecay);
        var fingerprint = TrainingFingerprint.Of(settings, model, metric, training, validation);
        var checkpoints = options.CheckpointDirectory is { } directory ? new TrainingCheckpoints(directory, options.CheckpointsToKeep, channel) : null;
        var position = new TrainingPosition { MetricName = metric.Name, Fingerprint = fingerprint };
        BestWeights? best = null;
        List<int[]>? resumedOrder = null;
        try
        {
            if (options.ResumeFromCheckpoint)
                (position, best, resumedOrder) = Resume(checkpoints!, position, model, optimizer, channel);
            reporter.StartAt(position.Step);
            // A checkpoint written at the step validation that stopped the run resumes into the same stop.
            bool stop = options.EarlyStoppingPatience > 0 && position.EvaluationsWithoutImprovement >= options.EarlyStoppingPatience;
            for (int epoch = 1; epoch <= settings.MaxEpochs && !stop; epoch++)
            {
                // Every epoch's shuffle is drawn, those before a resumed epoch too: that replays the generator's draws exactly.
                var batches = LengthGroupedBatches.Shuffled(lengths, settings.BatchSize, random);
                if (epoch < position.Epoch)
                    continue;
                int first = 0;
                if (resumedOrder is not null)
                {
                    TrainingCheckpoints.CheckOrder(resumedOrder, batches, epoch, checkpoints!.Directory, nameof(RemBertTrainerOptions.ResumeFromCheckpoint));
                    first = position.NextBatch;
                    resumedOrder = null;
                }
                model.train();
                for (; first < batches.Count && !stop; first += settings.GradientAccumulationSteps)
                {
                    settings.CancellationToken.ThrowIfCancellationRequested();
                    var group = batches.Skip(first).Take(settings.GradientAccumulationSteps).ToList();
                    int step = position.Step;
                    double learningRate = schedule.LearningRate(step);
                    foreach (var paramGroup in optimizer.ParamGroups)
                        paramGroup.LearningRate = learningRate;
                    // A group whose examples all weigh 0 leaves the weights as they are (no step; the schedule still advances).
                    double? loss = AccumulateGradients(task, model, training, group, settings.Device, options.TrainingPrecision);
                    if (loss is not null)
                    {
                        if (options.MaxGradNorm > 0)
                            nn.utils.clip_grad_norm_(parameters, options.MaxGradNorm);
                        optimizer.step();
                    }
                    optimizer.zero_grad();
                    position = position with { Step = step + 1, Epoch = epoch, NextBatch = first + settings.GradientAccumulationSteps };
                    reporter.Step(epoch, position.Step, group.Sum(batch => batch.Length), loss ?? 0, learningRate);

                    if (validation is not null && options.EvaluationStrategy == EvaluationStrategy.Steps && position.Step % options.EvaluationSteps == 0)
                    {
                        (position, stop) = Validate(task, model, validation, settings, metric, position, ref best, reporter);
                        model.train();
                    }
                    if (checkpoints is not null && position.Step % options.CheckpointSteps == 0)
                        checkpoints.Save(position, model, optimizer, best, batches, settings.CancellationToken);
                }
                if (validation is not null && options.EvaluationStrategy == EvaluationStrategy.Epoch && !stop)
                {
                    settings.CancellationToken.ThrowIfCancellationRequested();
                    (position, stop) = Validate(task, model, validation, settings, metric, position, ref best, reporter);
                }
            }
            // With step validations, the final weights are scored too when the last step was not a multiple.
            if (validation is not null && options.EvaluationStrategy == EvaluationStrategy.Steps && !stop && position.Step % options.EvaluationSteps != 0)
                Validate(task, model, validation, settings, metric, position, ref best, reporter);
            if (best is not null)
            {
                best.RestoreInto(model);
                reporter.Info($"Keeping the weights of step {best.Step} (epoch {best.Epoch}; validation {metric.Name} {best.Metric:G5}).");
            }
            return best?.Metric;
        }
        finally
        {
            best?.Dispose();
            model.eval();
        }
    }

    /// <summary>
    /// The task's metrics over <paramref name="examples"/>, the model in eval mode, batched by length, computed in
    /// <paramref name="precision"/> (validation during training uses the training precision: the weights are still float32).
    /// </summary>
    public static IReadOnlyDictionary<string, double> Evaluate<TExample>(ITrainingTask<TExample> task, RemBertPreTrainedModel model,
        IReadOnlyList<TExample> examples, int batchSize, Device device, RemBertPrecision precision = RemBertPrecision.Float32)
        where TExample : ITrainingExample
    {
        model.eval();
        using var noGrad = no_grad();
        using var autocast = RemBertAutocast.Enter(precision);
        var batches = LengthGroupedBatches.Sorted(examples.Select(example => example.Length).ToArray(), batchSize);
        return task.Evaluate(model, batches.Select(batch => (IReadOnlyList<TExample>)batch.Select(i => examples[i]).ToArray()), device);
    }

    // Scores the validation set, keeps a copy of better weights, counts validations without improvement; returns the
    // new position and whether early stopping ends training.
    private static (TrainingPosition Position, bool Stop) Validate<TExample>(ITrainingTask<TExample> task, RemBertPreTrainedModel model,
        IReadOnlyList<TExample> validation, TrainingSettings settings, TrainingMetric metric, TrainingPosition position, ref BestWeights? best,
        TrainingProgressReporter reporter) where TExample : ITrainingExample
    {
        var options = settings.Options;
        var metrics = Evaluate(task, model, validation, options.InferenceBatchSize, settings.Device, options.TrainingPrecision);
        double value = metrics[metric.Name];
        reporter.Validation(position.Epoch, position.Step, metric.Name, metrics);
        if (best is null || metric.IsBetter(value, best.Metric))
        {
            best?.Dispose();
            best = BestWeights.Copy(model, value, position.Epoch, position.Step);
            return (position with { BestMetric = value, BestStep = position.Step, BestEpoch = position.Epoch, EvaluationsWithoutImprovement = 0 }, false);
        }
        position = position with { EvaluationsWithoutImprovement = position.EvaluationsWithoutImprovement + 1 };
        if (options.EarlyStoppingPatience > 0 && position.EvaluationsWithoutImprovement >= options.EarlyStoppingPatience)
        {
            reporter.Info($"Early stopping at step {position.Step} (epoch {position.Epoch}): {metric.Name} has not improved for {position.EvaluationsWithoutImprovement} validations.");
            return (position, true);
        }
        return (position, false);
    }

    // Loads the newest checkpoint, refusing one of other options; without one, training starts afresh.
    private static (TrainingPosition, BestWeights?, List<int[]>?) Resume(TrainingCheckpoints checkpoints, TrainingPosition start,
        RemBertPreTrainedModel model, HeldScalarAdamW optimizer, IChannel channel)
    {
        if (checkpoints.Newest() is not { } newest)
        {
            channel.Warning($"ResumeFromCheckpoint: {checkpoints.Directory} holds no complete checkpoint; training starts from the beginning.");
            return (start, null, null);
        }
        TrainingFingerprint.EnsureSame(newest.Position.Fingerprint, start.Fingerprint, newest.Path,
            $"train into another {nameof(RemBertTrainerOptions.CheckpointDirectory)}", nameof(RemBertTrainerOptions.ResumeFromCheckpoint));
        var (best, order) = TrainingCheckpoints.Restore(newest.Path, newest.Position, model, optimizer);
        channel.Info($"Resuming from {newest.Path}: step {newest.Position.Step}, epoch {newest.Position.Epoch}, batch {newest.Position.NextBatch}.");
        return (newest.Position with { Fingerprint = start.Fingerprint }, best, order);
    }

    // Sums the gradients of the group's batches, each loss weighted by its share of the group's examples, so the step
    // follows the mean loss over every example of the group whatever the batch sizes. Returns that mean loss.
    // In bfloat16 mixed precision the forward pass and loss run under autocast (bfloat16 matmuls, float32 loss); the
    // gradients reach the float32 master weights through the casts, so the optimizer never sees bfloat16.
    private static double? AccumulateGradients<TExample>(ITrainingTask<TExample> task, RemBertPreTrainedModel model,
        IReadOnlyList<TExample> training, List<int[]> group, Device device, RemBertPrecision precision)
        where TExample : ITrainingExample
    {
        double BatchWeight(int[] batch) => batch.Sum(i => (double)training[i].Weight);
        double groupWeight = group.Sum(BatchWeight);
        if (groupWeight == 0)
            return null;
        double total = 0;
        foreach (var batch in group)
        {
            double batchWeight = BatchWeight(batch);
            if (batchWeight == 0)
                continue;
            using var scope = NewDisposeScope();
            Tensor loss;
            using (RemBertAutocast.Enter(precision))
                loss = task.ComputeLoss(model, batch.Select(i => training[i]).ToArray(), device);
            double weight = batchWeight / groupWeight;
            using (var share = weight.ToScalar())
                loss.mul(share).backward();
            total += loss.item<float>() * weight;
        }
        return total;
    }
}
