using Microsoft.ML.RemBert.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.Onnx;

/// <summary>
/// Writes a RemBERT model's forward pass into an <see cref="OnnxGraph"/>: embeddings, the encoder, the pooler and
/// linear task heads, operator for operator as <see cref="RemBertModel"/> computes them (same order of additions,
/// same mask value), so an ONNX Runtime run matches ours within float rounding. Weights become float32
/// initializers named after their state-dict keys, as raw bytes in the graph or in the side file of
/// <see cref="RemBertOnnxExportOptions.ExternalDataPath"/>; a linear layer's weight is stored transposed ([in, out]) so it
/// feeds MatMul directly. Task writers (sequence classification, token classification, question answering…) call
/// <see cref="Encode"/> and then write their head with <see cref="Linear"/>.
/// </summary>
internal sealed class RemBertOnnxWriter
{
    // The int8 weight quantization's numbers, held for the process (Runtime/HeldScalars): max |w| / 127 per column,
    // at least 1e-12, and weights rounded into [-127, 127].
    private static readonly Scalar SmallestScale = 1e-12f;
    private static readonly Scalar Int8ScaleDivisor = 127f;
    private static readonly Scalar Int8Bound = 127;
    private static readonly Scalar NegativeInt8Bound = -127;

    private readonly OnnxGraph _graph;
    private readonly Dictionary<string, Tensor> _weights;
    private readonly RemBertConfig _config;
    private readonly RemBertOnnxExportOptions _options;

    /// <summary>A writer over <paramref name="model"/>'s weights (its state dict, read, not copied, until written).</summary>
    public RemBertOnnxWriter(OnnxGraph graph, RemBertPreTrainedModel model, RemBertOnnxExportOptions options)
    {
        RemBertOnnxExportCheck.ThrowIfUnsupported(model, options);
        _graph = graph;
        _options = options;
        _config = model.Config;
        _weights = model.state_dict();
    }

    /// <summary>
    /// The base model's outputs for ids <c>[batch, seq]</c> (int64): the sequence output <c>[batch, seq, hidden]</c>
    /// and, when the model has a pooler, the pooled output <c>[batch, hidden]</c> (else null).
    /// </summary>
    public (string SequenceOutput, string? PooledOutput) Encode(OnnxModelInputs inputs, string prefix = "rembert.")
    {
        var embedded = Embeddings(inputs, prefix + "embeddings.");
        var mask = ExtendedMask(inputs.AttentionMask);
        var hidden = Linear(embedded, prefix + "encoder.embedding_hidden_mapping_in");
        for (int i = 0; i < _config.NumHiddenLayers; i++)
            hidden = Layer(hidden, mask, $"{prefix}encoder.layer.{i}.");
        string? pooled = null;
        if (_weights.ContainsKey(prefix + "pooler.dense.weight"))
        {
            // The [CLS] position: Gather with a scalar index drops the sequence axis, like select(1, 0).
            var first = _graph.Op("Gather", [hidden, _graph.LongScalar(0)], node => node.AddAttribute("axis", 1L));
            pooled = _graph.Op("Tanh", Linear(first, prefix + "pooler.dense"));
        }
        return (hidden, pooled);
    }

    /// <summary><c>x · Wᵀ + b</c> for the nn.Linear whose state-dict keys start with <paramref name="name"/>.</summary>
    public string Linear(string x, string name)
    {
        var weight = _weights[name + ".weight"];
        var product = _graph.Op("MatMul", x, Weight(name + ".weight.T", weight.t()));
        return _weights.TryGetValue(name + ".bias", out var bias) ? _graph.Op("Add", product, Weight(name + ".bias", bias)) : product;
    }

    /// <summary>A weight's initializer, in the side file when the options name one (<see cref="RemBertOnnxExportOptions.ExternalDataPath"/>).</summary>
    private string Weight(string name, Tensor tensor) => _graph.Weight(name, tensor, _options.ExternalData);

    /// <summary>
    /// Whether the state-dict key <paramref name="key"/> is a weight that <see cref="RemBertOnnxExportOptions.QuantizeInt8"/>
    /// stores as int8: the linear layers of the encoder's layers (attention's query, key, value and output, the
    /// intermediate and output dense), the ones <see cref="EncoderLinear"/> writes.
    /// </summary>
    public static bool IsQuantizedWeight(string key)
        => key.Contains("encoder.layer.", StringComparison.Ordinal) && key.EndsWith(".weight", StringComparison.Ordinal)
            && !key.Contains("LayerNorm", StringComparison.Ordinal);

    /// <summary>An encoder layer's linear layer: int8 when <see cref="RemBertOnnxExportOptions.QuantizeInt8"/>.</summary>
    private string EncoderLinear(string x, string name) => _options.QuantizeInt8 ? QuantizedLinear(x, name) : Linear(x, name);

    /// <summary>
    /// Dynamic quantization: W as int8 [in, out] with a float scale per output column (max |w| / 127, zero point 0);
    /// x quantized to uint8 per call (DynamicQuantizeLinear: one scale and zero point per tensor);
    /// y = MatMulInteger(xq, Wq, xz, 0) · (x_scale · w_scale) + b.
    /// </summary>
    private string QuantizedLinear(string x, string name)
    {
        string weights, scales;
        using (NewDisposeScope())
        {
            var transposed = _weights[name + ".weight"].detach().cpu().to_type(ScalarType.Float32).t();
            var scale = transposed.abs().amax([0]).clamp_min(SmallestScale).div(Int8ScaleDivisor);
            weights = Weight(name + ".weight.int8", (transposed / scale).round().clamp(NegativeInt8Bound, Int8Bound).to_type(ScalarType.Int8));
            scales = Weight(name + ".weight.scale", scale);
        }
        var (xq, xScale, xZero) = _graph.DynamicQuantizeLinear(x);
        var product = _graph.Op("MatMulInteger", xq, weights, xZero, _graph.Context.AddInitializer(0, typeof(sbyte), OnnxGraph.NamePrefix + "int8.zero"));
        var scaled = _graph.Op("Mul", _graph.ToFloat(product), _graph.Op("Mul", xScale, scales));
        return _graph.Op("Add", scaled, Weight(name + ".bias", _weights[name + ".bias"]));
    }

    private string Embeddings(OnnxModelInputs inputs, string prefix)
    {
        var words = _graph.Op("Gather", Weight(prefix + "word_embeddings.weight", _weights[prefix + "word_embeddings.weight"]), inputs.InputIds);
        var types = _graph.Op("Gather", Weight(prefix + "token_type_embeddings.weight", _weights[prefix + "token_type_embeddings.weight"]), inputs.TokenTypeIds);
        // Positions 0..seq-1: the first seq rows of the position table, broadcast over the batch.
        var length = _graph.Op("Gather", [_graph.Op("Shape", inputs.InputIds), _graph.Longs(1)], node => node.AddAttribute("axis", 0L));
        var positions = _graph.Op("Slice", Weight(prefix + "position_embeddings.weight", _weights[prefix + "position_embeddings.weight"]),
            _graph.Longs(0), length, _graph.Longs(0));
        var sum = _graph.Op("Add", _graph.Op("Add", words, types), positions);
        return LayerNorm(sum, prefix + "LayerNorm");
    }

    /// <summary>(1 − mask) × float.MinValue, shaped [batch, 1, 1, seq], as RemBertAttentionMask.Extend computes it.</summary>
    private string ExtendedMask(string attentionMask)
    {
        var keep = _graph.Unsqueeze(_graph.ToFloat(attentionMask), 1, 2);
        return _graph.Scale(_graph.Op("Sub", _graph.Scalar(1f), keep), float.MinValue);
    }

    private string Layer(string hidden, string mask, string prefix)
    {
        var context = SelfAttention(hidden, mask, prefix + "attention.self.");
        var attended = ResidualOutput(context, hidden, prefix + "attention.output.");
        var intermediate = Activation(EncoderLinear(attended, prefix + "intermediate.dense"));
        return ResidualOutput(intermediate, attended, prefix + "output.");
    }

    private string SelfAttention(string hidden, string mask, string prefix)
    {
        long heads = _config.NumAttentionHeads, headSize = _config.AttentionHeadSize;
        string Heads(string x) => _graph.Reshape(x, 0, 0, heads, headSize);
        var q = _graph.Transpose(Heads(EncoderLinear(hidden, prefix + "query")), 0, 2, 1, 3);
        var kT = _graph.Transpose(Heads(EncoderLinear(hidden, prefix + "key")), 0, 2, 3, 1);
        var v = _graph.Transpose(Heads(EncoderLinear(hidden, prefix + "value")), 0, 2, 1, 3);
        var scores = _graph.Op("Div", _graph.Op("MatMul", q, kT), _graph.Scalar((float)Math.Sqrt(headSize)));
        var probabilities = _graph.Softmax(_graph.Op("Add", scores, mask));
        var context = _graph.Transpose(_graph.Op("MatMul", probabilities, v), 0, 2, 1, 3);
        return _graph.Reshape(context, 0, 0, heads * headSize);
    }

    private string ResidualOutput(string x, string residual, string prefix)
        => LayerNorm(_graph.Op("Add", EncoderLinear(x, prefix + "dense"), residual), prefix + "LayerNorm");

    /// <summary>
    /// LayerNorm over the last axis, decomposed (opset ≤ 12 has no LayerNormalization): biased variance, as torch. Written
    /// node for node as torch.onnx.export writes nn.LayerNorm (ReduceMean, Sub, Pow 2, ReduceMean, Add ε, Sqrt, Div, Mul,
    /// Add), the pattern ONNX Runtime's LayerNormFusion turns into one LayerNormalization kernel: with Mul(x, x) for the
    /// square it keeps all nine operators.
    /// </summary>
    private string LayerNorm(string x, string name)
    {
        var centered = _graph.Op("Sub", x, _graph.MeanOfLastAxis(x));
        var variance = _graph.MeanOfLastAxis(_graph.Op("Pow", centered, _graph.Scalar(2f)));
        var deviation = _graph.Op("Sqrt", _graph.Op("Add", variance, _graph.Scalar((float)_config.LayerNormEps)));
        var normalized = _graph.Op("Div", centered, deviation);
        var scaled = _graph.Op("Mul", normalized, Weight(name + ".weight", _weights[name + ".weight"]));
        return _graph.Op("Add", scaled, Weight(name + ".bias", _weights[name + ".bias"]));
    }

    /// <summary>config.hidden_act, decomposed where opset ≤ 12 has no operator for it.</summary>
    private string Activation(string x) => _config.HiddenAct switch
    {
        // Exact GELU: (x · (erf(x / √2) + 1)) · ½, in torch.onnx.export's order: the pattern ONNX Runtime's GeluFusion
        // turns into one Gelu kernel (then BiasGelu with the intermediate dense's bias); x · (1/√2) is not matched.
        RemBertActivation.Gelu or RemBertActivation.GeluPython => _graph.Scale(_graph.Op("Mul", x,
            _graph.Op("Add", _graph.Op("Erf", _graph.Op("Div", x, _graph.Scalar((float)Math.Sqrt(2)))), _graph.Scalar(1f))), 0.5f),
        // Tanh GELU: ½ · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³))).
        RemBertActivation.GeluNew => _graph.Op("Mul", _graph.Scale(x, 0.5f), _graph.Op("Add", _graph.Scalar(1f), _graph.Op("Tanh",
            _graph.Scale(_graph.Op("Add", x, _graph.Scale(_graph.Op("Mul", x, _graph.Op("Mul", x, x)), 0.044715f)), (float)Math.Sqrt(2 / Math.PI))))),
        RemBertActivation.Relu => _graph.Op("Relu", x),
        RemBertActivation.Silu or RemBertActivation.Swish => _graph.Op("Mul", x, _graph.Op("Sigmoid", x)),
        RemBertActivation.Tanh => _graph.Op("Tanh", x),
        _ => throw new NotSupportedException($"ONNX export: hidden_act '{_config.HiddenAct}' has no ONNX form."),
    };
}
