using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Runtime;
using Microsoft.ML.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.MLNet.Training;

/// <summary>
/// The one training loop every RemBERT trainer runs (transformers' Trainer, reduced to what fine-tuning needs):
/// length-grouped batches reshuffled every epoch from the seed, AdamW without decay on biases and LayerNorm weights,
/// linear warm-up then decay, gradient accumulation and clipping, validation after each epoch with early stopping
/// that restores the best weights, progress, and cancellation between steps. What differs per task is behind
/// <see cref="ITrainingTask{TExample}"/>.
/// </summary>
internal static class TrainingLoop
{
    /// <summary>
    /// Trains <paramref name="model"/> in place and leaves it in eval mode. With a validation set the returned value
    /// is the best epoch's metric (whose weights the model then holds), otherwise null.
    /// </summary>
    /// <exception cref="OperationCanceledException">The settings' token was cancelled; the model is then half-trained.</exception>
    public static double? Run<TExample>(ITrainingTask<TExample> task, RemBertPreTrainedModel model, IReadOnlyList<TExample> training,
        IReadOnlyList<TExample>? validation, TrainingSettings settings, IChannel channel)
        where TExample : ITrainingExample
    {
        var options = settings.Options;
        var random = new Random(settings.Seed);
        var lengths = training.Select(example => example.Length).ToArray();
        int batchesPerEpoch = (training.Count + settings.BatchSize - 1) / settings.BatchSize;
        int stepsPerEpoch = (batchesPerEpoch + settings.GradientAccumulationSteps - 1) / settings.GradientAccumulationSteps;
        int totalSteps = stepsPerEpoch * settings.MaxEpochs;
        var schedule = new LinearWarmupSchedule(options.LearningRate, totalSteps, options.WarmupRatio);
        var reporter = new TrainingProgressReporter(channel, options.Progress, settings.MaxEpochs, totalSteps);
        var parameters = model.parameters().Where(p => p.requires_grad).ToList();
        using var optimizer = DecoupledWeightDecay.CreateOptimizer(model, options.LearningRate, options.WeightDecay);
        BestWeights? best = null;
        int step = 0, epochsWithoutImprovement = 0;
        try
        {
            for (int epoch = 1; epoch <= settings.MaxEpochs; epoch++)
            {
                model.train();
                var batches = LengthGroupedBatches.Shuffled(lengths, settings.BatchSize, random);
                for (int first = 0; first < batches.Count; first += settings.GradientAccumulationSteps)
                {
                    settings.CancellationToken.ThrowIfCancellationRequested();
                    var group = batches.Skip(first).Take(settings.GradientAccumulationSteps).ToList();
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
                    step++;
                    reporter.Step(epoch, step, group.Sum(batch => batch.Length), loss ?? 0, learningRate);
                }

                if (validation is null)
                    continue;
                settings.CancellationToken.ThrowIfCancellationRequested();
                double metric = Evaluate(task, model, validation, options.InferenceBatchSize, settings.Device, options.TrainingPrecision);
                reporter.Validation(epoch, step, task.MetricName, metric);
                if (best is null || (task.HigherIsBetter ? metric > best.Metric : metric < best.Metric))
                {
                    best?.Dispose();
                    best = BestWeights.Copy(model, metric, epoch);
                    epochsWithoutImprovement = 0;
                }
                else if (options.EarlyStoppingPatience > 0 && ++epochsWithoutImprovement >= options.EarlyStoppingPatience)
                {
                    reporter.Info($"Early stopping after epoch {epoch}: {task.MetricName} has not improved for {epochsWithoutImprovement} epochs.");
                    break;
                }
            }
            if (best is not null)
            {
                best.RestoreInto(model);
                reporter.Info($"Keeping the weights of epoch {best.Epoch} (validation {task.MetricName} {best.Metric:G5}).");
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
    /// The task's metric over <paramref name="examples"/>, the model in eval mode, batched by length, computed in
    /// <paramref name="precision"/> (validation during training uses the training precision: the weights are still float32).
    /// </summary>
    public static double Evaluate<TExample>(ITrainingTask<TExample> task, RemBertPreTrainedModel model, IReadOnlyList<TExample> examples,
        int batchSize, Device device, RemBertPrecision precision = RemBertPrecision.Float32)
        where TExample : ITrainingExample
    {
        model.eval();
        using var noGrad = no_grad();
        using var autocast = RemBertAutocast.Enter(precision);
        var batches = LengthGroupedBatches.Sorted(examples.Select(example => example.Length).ToArray(), batchSize);
        return task.Evaluate(model, batches.Select(batch => (IReadOnlyList<TExample>)batch.Select(i => examples[i]).ToArray()), device);
    }

    // Sums the gradients of the group's batches, each batch's (weighted mean) loss weighted by its share of the group's
    // total example weight (its share of the examples when unweighted), so the step follows the weighted mean loss over
    // every example of the group (Σ wᵢ·lossᵢ / Σ wᵢ) whatever the batch sizes and weights. Returns that mean loss, or
    // null when every weight of the group is 0 (nothing to learn from; batches of zero weight are skipped).
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

    /// <summary>A CPU copy of the model's state dict at its best epoch.</summary>
    private sealed class BestWeights : IDisposable
    {
        private readonly Dictionary<string, Tensor> _state;

        private BestWeights(Dictionary<string, Tensor> state, double metric, int epoch)
        {
            _state = state;
            Metric = metric;
            Epoch = epoch;
        }

        public double Metric { get; }

        public int Epoch { get; }

        public static BestWeights Copy(nn.Module model, double metric, int epoch)
        {
            using var noGrad = no_grad();
            var state = model.state_dict().ToDictionary(pair => pair.Key, pair => pair.Value.detach().cpu().clone().DetachFromDisposeScope());
            return new BestWeights(state, metric, epoch);
        }

        public void RestoreInto(nn.Module model)
        {
            using var noGrad = no_grad();
            foreach (var (name, target) in model.state_dict())
                target.copy_(_state[name]);
        }

        public void Dispose()
        {
            foreach (var tensor in _state.Values)
                tensor.Dispose();
        }
    }
}
