using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Modeling;

/// <summary>
/// The activation functions a RemBERT config may name in <c>hidden_act</c>, mapped exactly as transformers' ACT2FN maps
/// them. Activations carry no parameters, so they never appear in a state dict.
/// </summary>
public static class RemBertActivation
{
    /// <summary>Exact (erf) GELU, transformers' default for RemBERT.</summary>
    public const string Gelu = "gelu";

    /// <summary>transformers' pure-Python erf GELU: the same function as <see cref="Gelu"/>.</summary>
    public const string GeluPython = "gelu_python";

    /// <summary>The tanh approximation of GELU (GPT-2's "new" GELU).</summary>
    public const string GeluNew = "gelu_new";

    /// <summary>Rectified linear unit.</summary>
    public const string Relu = "relu";

    /// <summary>Sigmoid linear unit x·σ(x).</summary>
    public const string Silu = "silu";

    /// <summary>transformers' alias of <see cref="Silu"/>.</summary>
    public const string Swish = "swish";

    /// <summary>Hyperbolic tangent.</summary>
    public const string Tanh = "tanh";

    /// <summary>Every name <see cref="Create"/> accepts.</summary>
    public static IReadOnlyList<string> SupportedNames { get; } = new[] { Gelu, GeluPython, GeluNew, Relu, Silu, Swish, Tanh };

    /// <summary>True when <paramref name="name"/> is one of <see cref="SupportedNames"/> (case-sensitive, like transformers).</summary>
    public static bool IsSupported(string? name) => name is not null && SupportedNames.Contains(name);

    /// <summary>Creates the activation module for a <c>hidden_act</c> name.</summary>
    /// <exception cref="ArgumentException">The name is not one of <see cref="SupportedNames"/>.</exception>
    public static nn.Module<Tensor, Tensor> Create(string name) => name switch
    {
        Gelu or GeluPython => nn.GELU(),
        GeluNew => nn.GELU(TorchSharp.Modules.GELU.Approximate.tanh),
        Relu => nn.ReLU(),
        Silu or Swish => nn.SiLU(),
        Tanh => nn.Tanh(),
        _ => throw new ArgumentException(
            $"Unknown hidden_act '{name}'. Supported: {string.Join(", ", SupportedNames)}.", nameof(name)),
    };
}
