using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Modeling;

/// <summary>
/// What every RemBERT architecture shares (transformers' RemBertPreTrainedModel): the validated configuration, the
/// weight initialisation, parameter counting, and a forward pass that returns the common output type.
/// </summary>
/// <remarks>
/// <para>New models are in training mode (dropout active), as in PyTorch; call <c>eval()</c> before inference.
/// Modules run on whatever device and dtype they were moved to with <c>to(...)</c>; inputs must be on the same device.</para>
/// <para>Thread safety: a model in eval mode may run forward passes from many threads at once, provided each thread
/// enters its own <c>torch.no_grad()</c> (gradient mode and dispose scopes are per thread in libtorch/TorchSharp) and
/// nobody mutates the model meanwhile (no <c>train()</c>/<c>eval()</c>, <c>to()</c>, weight loading or optimiser steps).
/// The forward passes only read parameters and keep no per-call state in the modules; the unit test
/// <c>ConcurrentInferenceTests</c> checks that concurrent results equal sequential ones bit for bit.
/// Training, or inference in training mode, is not thread-safe.</para>
/// </remarks>
public abstract class RemBertPreTrainedModel : nn.Module
{
    /// <summary>The state-dict prefix of the base model inside every task head (transformers' <c>base_model_prefix</c>).</summary>
    public const string BaseModelPrefix = "rembert";

    /// <summary>Validates <paramref name="config"/> and keeps it.</summary>
    /// <exception cref="RemBertConfigException">The configuration cannot describe a model, or the model would not fit in memory.</exception>
    protected RemBertPreTrainedModel(string name, RemBertConfig config) : base(name)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        // Before any submodule exists: libtorch answers an impossible allocation by killing the process.
        config.CheckModelFitsInMemory(RemBertConfig.InCodeSource, name);
        // Before the first matmul: oneMKL keeps the kernels it picks then. Never throws (see MklAvx512Dispatch).
        Runtime.TorchRuntime.UseMklAvx512Kernels();
        Config = config;
    }

    /// <summary>The configuration this model was built from.</summary>
    public RemBertConfig Config { get; }

    /// <summary>The bare encoder: this model itself for <see cref="RemBertModel"/>, the <c>rembert</c> submodule of a head.</summary>
    public abstract RemBertModel BaseModel { get; }

    /// <summary>Re-initialises every weight as transformers' <c>_init_weights</c> does (see <see cref="RemBertWeightInitializer"/>).</summary>
    /// <param name="generator">The random source; null for libtorch's global one (seeded by <c>torch.manual_seed</c>).</param>
    public void InitializeWeights(Generator? generator = null) => RemBertWeightInitializer.Initialize(this, Config, generator);

    /// <summary>The number of scalar parameters (transformers' <c>num_parameters</c>), optionally only trainable ones.</summary>
    public long CountParameters(bool onlyTrainable = false) =>
        parameters().Where(p => !onlyTrainable || p.requires_grad).Sum(p => p.numel());

    /// <summary>
    /// Runs the model without labels and returns its outputs as the common base type, for callers that handle every
    /// architecture alike (e.g. a command that prints all outputs).
    /// </summary>
    /// <param name="input_ids">Token ids, [batch, seq] ([batch, choices, seq] for multiple choice).</param>
    /// <param name="attention_mask">1 for real tokens, 0 for padding, same shape; all ones when null.</param>
    /// <param name="token_type_ids">Segment ids, same shape; all zeros when null.</param>
    public abstract RemBertModelOutput ForwardOutputs(Tensor input_ids, Tensor? attention_mask = null, Tensor? token_type_ids = null);
}
