using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.MLNet.Training;

/// <summary>A CPU copy of the model's state dict at its best validation, with the metric and when it was scored.</summary>
internal sealed class BestWeights : IDisposable
{
    private BestWeights(List<(string Name, Tensor Tensor)> tensors, double metric, int epoch, int step)
    {
        Tensors = tensors;
        Metric = metric;
        Epoch = epoch;
        Step = step;
    }

    public double Metric { get; }

    public int Epoch { get; }

    /// <summary>The optimizer steps done when these weights were scored.</summary>
    public int Step { get; }

    /// <summary>The copies, by state dict name (a checkpoint writes and reads them).</summary>
    public IReadOnlyList<(string Name, Tensor Tensor)> Tensors { get; }

    public static BestWeights Copy(nn.Module model, double metric, int epoch, int step)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var tensors = model.state_dict().Select(pair => (pair.Key, pair.Value.detach().cpu().clone().DetachFromDisposeScope())).ToList();
        return new BestWeights(tensors, metric, epoch, step);
    }

    public void RestoreInto(nn.Module model)
    {
        using var noGrad = no_grad();
        var copies = Tensors.ToDictionary(pair => pair.Name, pair => pair.Tensor);
        foreach (var (name, target) in model.state_dict())
            target.copy_(copies[name]);
    }

    public void Dispose()
    {
        foreach (var (_, tensor) in Tensors)
            tensor.Dispose();
    }
}
