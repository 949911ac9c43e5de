using Microsoft.ML.RemBert.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.MLNet.Training;

/// <summary>
/// TorchSharp's <see cref="AdamW"/> (same options, groups, state and state dict) whose step does the same arithmetic in
/// the same order with every number held through the libtorch call that reads it. TorchSharp 0.107's own
/// <see cref="AdamW.step"/> converts them to <see cref="Scalar"/> implicitly and nothing keeps those alive, so a
/// finalizer can free one mid-update (issue 25, Runtime/HeldScalars). Not thread-safe, like every optimizer.
/// </summary>
internal sealed class HeldScalarAdamW(IEnumerable<AdamW.ParamGroup> groups, double lr, double beta1, double beta2, double eps, double weight_decay)
    : AdamW(groups, lr, beta1, beta2, eps, weight_decay)
{
    /// <inheritdoc/>
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(Update, closure);

    /// <summary>
    /// The optimizer's state for a checkpoint: each parameter's first and second moments (named by group and position,
    /// as the parameters are fixed by the model and options) and, as one int64 tensor, the step counts. The tensors are
    /// the live ones (write them out, do not keep them); <c>steps</c> is a new tensor for the caller to dispose.
    /// </summary>
    public IReadOnlyList<(string Name, Tensor Tensor)> StateTensors()
    {
        var tensors = new List<(string, Tensor)>();
        var steps = new List<long>();
        foreach (var (group, g) in ParamGroups.Cast<ParamGroup>().Select((group, g) => (group, g)))
            foreach (var (param, p) in group.Parameters.Select((param, p) => (param, p)))
            {
                var state = (State)_state[param.Handle];
                tensors.Add(($"group{g}.param{p}.exp_avg", state.exp_avg));
                tensors.Add(($"group{g}.param{p}.exp_avg_sq", state.exp_avg_sq));
                steps.Add(state.step);
            }
        tensors.Add(("steps", tensor(steps.ToArray())));
        return tensors;
    }

    /// <summary>Sets the step counts from the <c>steps</c> tensor of <see cref="StateTensors"/> after its moments were filled in place.</summary>
    public void SetSteps(Tensor steps)
    {
        var values = steps.data<long>().ToArray();
        int i = 0;
        foreach (var group in ParamGroups.Cast<ParamGroup>())
            foreach (var param in group.Parameters)
                ((State)_state[param.Handle]).step = values[i++];
    }

    // AdamW.step of TorchSharp 0.107 line for line; each Scalar is a using local, disposed only after its last call.
    private void Update(ParamGroup group)
    {
        var options = (Options)group.Options;
        var beta1 = options.beta1!.Value;
        var beta2 = options.beta2!.Value;
        var weightDecay = options.weight_decay!.Value;
        var amsgrad = options.amsgrad!.Value;
        var maximize = options.maximize!.Value;
        var eps = options.eps!.Value;
        var lr = options.LearningRate!.Value;
        using var decay = (1 - lr * weightDecay).ToScalar();
        using var beta1Scalar = beta1.ToScalar();
        using var beta2Scalar = beta2.ToScalar();
        using var gradientShare = (1 - beta1).ToScalar();
        using var squareShare = (1 - beta2).ToScalar();
        using var epsScalar = eps.ToScalar();

        foreach (var param in group.Parameters)
        {
            var state = (State)_state[param.Handle];
            var grad = param.grad;
            if (grad is null) continue;
            if (maximize) grad = -grad;

            state.step += 1;
            param.mul_(decay);

            var biasCorrection1 = 1 - Math.Pow(beta1, state.step);
            var biasCorrection2 = 1 - Math.Pow(beta2, state.step);

            state.exp_avg.mul_(beta1Scalar).add_(grad, gradientShare);
            state.exp_avg_sq.mul_(beta2Scalar).addcmul_(grad, grad, squareShare);

            Tensor denominator;
            using (var correction = Math.Sqrt(biasCorrection2).ToScalar())
            {
                if (amsgrad)
                {
                    var previous = state.max_exp_avg_sq;
                    state.max_exp_avg_sq = maximum(previous, state.exp_avg_sq).DetachFromDisposeScope();
                    previous.Dispose();
                    denominator = state.max_exp_avg_sq.sqrt().div(correction).add_(epsScalar, HeldScalars.One);
                }
                else
                {
                    denominator = state.exp_avg_sq.sqrt().div(correction).add_(epsScalar, HeldScalars.One);
                }
            }

            using var stepSize = (-(lr / biasCorrection1)).ToScalar();
            param.addcdiv_(state.exp_avg, denominator, stepSize);
        }
    }
}
