using Microsoft.ML.RemBert.Tokenization;

namespace Microsoft.ML.RemBert.Onnx;

/// <summary>
/// Writes <see cref="RemBertTokenizer.Encode"/> of one text column, or a pair of them, into an <see cref="OnnxGraph"/>:
/// ONNX Runtime Extensions' <c>SentencepieceTokenizer</c> (domain <c>ai.onnx.contrib</c>) splits each row's text into
/// ids, then standard operators lay out <c>[CLS] A [SEP]</c> or <c>[CLS] A [SEP] B [SEP]</c>, truncate longest first to
/// the maximum length, and pad the ragged batch into <c>[batch, length]</c> int64 ids, attention mask and token types.
/// </summary>
/// <remarks>
/// <para>The operator returns every row's ids in one flat tensor with row bounds (<c>indices</c>, N + 1 values); each
/// output position is therefore an index into <c>[CLS, SEP, PAD] ++ ids(A) ++ ids(B)</c>, chosen per position by
/// <c>Where</c>, and one <c>Gather</c> builds the padded matrix (no loop, opset 10).</para>
/// <para>The operator ignores its <c>nbest_size</c> and <c>alpha</c> inputs (it always encodes the best path, as we do);
/// <c>add_bos</c>/<c>add_eos</c> would add the SentencePiece model's own bos/eos ids, not the tokenizer's [CLS]/[SEP],
/// so they are off and the special tokens come from the tokenizer; <c>reverse</c> is off.</para>
/// <para>Not reproduced in the graph (see <see cref="Unsupported"/>): <c>do_lower_case</c>, <c>keep_accents = false</c>,
/// truncation strategies other than longest first. Raw text holding a special token's literal text
/// (<c>[MASK]</c>, <c>[SEP]</c>…) is encoded as ordinary text by the graph, where the tokenizer maps it to the token's id.</para>
/// </remarks>
internal static class RemBertOnnxTokenizerWriter
{
    /// <summary>The operator domain of ONNX Runtime Extensions.</summary>
    public const string ExtensionsDomain = "ai.onnx.contrib";

    /// <summary>Why this tokenizer's encoding cannot be written as a graph, or null when it can.</summary>
    public static string? Unsupported(RemBertTokenizer tokenizer, TruncationStrategy truncation, bool hasPair)
    {
        if (tokenizer.Options.DoLowerCase)
            return "the tokenizer lower-cases its text (do_lower_case = true), which the SentencePiece operator does not";
        if (!tokenizer.Options.KeepAccents)
            return "the tokenizer strips accents (keep_accents = false), which the SentencePiece operator does not";
        // A single text truncates from its end under LongestFirst and OnlyFirst alike.
        bool longestFirst = truncation == TruncationStrategy.LongestFirst || (!hasPair && truncation == TruncationStrategy.OnlyFirst);
        if (!longestFirst)
            return $"truncation {truncation} is not written in ONNX operators (only {TruncationStrategy.LongestFirst})";
        return null;
    }

    /// <summary>
    /// The encoding of the string column(s) <paramref name="text"/> (and <paramref name="pair"/>), <c>[batch, 1]</c> or
    /// <c>[batch]</c>, as three int64 <c>[batch, length]</c> values. <paramref name="padToLongest"/>: length is the
    /// batch's longest encoding (what scoring does); else it is <paramref name="maxLength"/> (the tokenizer transform).
    /// </summary>
    /// <exception cref="NotSupportedException">The encoding cannot be written (<see cref="Unsupported"/> says why).</exception>
    public static OnnxModelInputs Write(OnnxGraph graph, RemBertTokenizer tokenizer, string text, string? pair, int maxLength,
        TruncationStrategy truncation, bool padToLongest)
    {
        if (Unsupported(tokenizer, truncation, pair is not null) is string reason)
            throw new NotSupportedException($"ONNX export of the RemBERT tokenizer: {reason}.");
        var spm = new SentencePieceNode(graph, Convert.ToBase64String(tokenizer.SentencePiece.ModelBytes.Span));
        var first = spm.Encode(text);
        var second = pair is null ? null : spm.Encode(pair);

        // Longest-first truncation in closed form (see TruncationPlanner): with room m for text tokens,
        // a' = min(a, max(m - b, ceil(m / 2))) and b' = min(b, max(m - a, floor(m / 2))).
        long room = maxLength - (second is null ? 2 : 3);
        var keptFirst = second is null
            ? Min(graph, first.Counts, graph.LongScalar(room))
            : Min(graph, first.Counts, Max(graph, graph.Op("Sub", graph.LongScalar(room), second.Counts), graph.LongScalar((room + 1) / 2)));
        var keptSecond = second is null ? null
            : Min(graph, second.Counts, Max(graph, graph.Op("Sub", graph.LongScalar(room), first.Counts), graph.LongScalar(room / 2)));
        var total = graph.Op("Add", keptFirst, graph.LongScalar(2));
        if (keptSecond is not null)
            total = graph.Op("Add", graph.Op("Add", total, keptSecond), graph.LongScalar(1));

        // Positions 0..length-1 as [1, length]; per-row values as [batch, 1].
        var positions = graph.Longs(Enumerable.Range(0, maxLength).Select(i => (long)i).ToArray());
        if (padToLongest)
            positions = graph.Op("Slice", positions, graph.Longs(0), graph.Reshape(graph.Op("ReduceMax", [total], node => node.AddAttribute("keepdims", 1L)), 1), graph.Longs(0));
        var j = graph.Unsqueeze(positions, 0);
        string Column(string perRow) => graph.Unsqueeze(perRow, 1);
        var keptFirstColumn = Column(keptFirst);
        var totalColumn = Column(total);

        // Source ids: [CLS, SEP, PAD] ++ A ++ B; an A token at position j is at 3 + startA + (j - 1).
        const long Cls = 0, Sep = 1, Pad = 2;
        var sources = new List<string> { graph.Longs(tokenizer.ClsTokenId, tokenizer.SepTokenId, tokenizer.PadTokenId), first.Ids };
        var firstIndex = graph.Op("Add", j, Column(graph.Op("Add", first.Starts, graph.LongScalar(2))));
        var index = graph.Op("Where", Less(graph, j, totalColumn), graph.LongScalar(Sep), graph.LongScalar(Pad));
        string? secondStart = null;
        if (second is not null && keptSecond is not null)
        {
            sources.Add(second.Ids);
            // A B token at position j (from keptA + 2) is at 3 + |A| + startB + (j - keptA - 2).
            var firstLength = graph.Op("Shape", first.Ids);
            var offset = graph.Op("Sub", graph.Op("Add", second.Starts, graph.Op("Add", firstLength, graph.LongScalar(1))), keptFirst);
            secondStart = graph.Op("Add", keptFirstColumn, graph.LongScalar(2));
            var secondEnd = graph.Op("Add", secondStart, Column(keptSecond));
            index = graph.Op("Where", Less(graph, j, secondEnd), graph.Op("Add", j, Column(offset)), index);
            index = graph.Op("Where", Less(graph, j, secondStart), graph.LongScalar(Sep), index);
        }
        else
        {
            index = graph.Op("Where", Less(graph, j, graph.Op("Add", keptFirstColumn, graph.LongScalar(2))), graph.LongScalar(Sep), index);
        }
        index = graph.Op("Where", Less(graph, j, graph.Op("Add", keptFirstColumn, graph.LongScalar(1))), firstIndex, index);
        index = graph.Op("Where", Less(graph, j, graph.LongScalar(1)), graph.LongScalar(Cls), index);

        var ids = graph.Op("Gather", [graph.Op("Concat", sources.ToArray(), node => node.AddAttribute("axis", 0L)), index], node => node.AddAttribute("axis", 0L));
        var attended = Less(graph, j, totalColumn);
        var mask = graph.Cast(attended, OnnxDataType.Int64);
        var types = secondStart is null
            ? graph.Op("Mul", mask, graph.LongScalar(0))
            : graph.Cast(graph.Op("And", attended, graph.Op("Not", Less(graph, j, secondStart))), OnnxDataType.Int64);
        return new OnnxModelInputs(ids, mask, types);
    }

    /// <summary>
    /// A scoring graph's inputs: the text column(s) tokenized in the graph as scoring does (longest first to
    /// <paramref name="maxLength"/>, padded to the batch's longest row), or the ids inputs when
    /// <see cref="RemBertOnnxExportOptions.TokenIdsInput"/> asks for them or this tokenizer cannot be written as a graph
    /// (then <see cref="RemBertOnnxExportOptions.Warning"/> says why).
    /// </summary>
    public static OnnxModelInputs TextOrIds(OnnxGraph graph, RemBertTokenizer tokenizer, string textColumn, string? pairColumn, int maxLength,
        RemBertOnnxExportOptions options)
    {
        if (options.TokenIdsInput)
            return OnnxModelInputs.Declare(graph.Context);
        if (Unsupported(tokenizer, TruncationStrategy.LongestFirst, pairColumn is not null) is string reason)
        {
            options.Warning?.Invoke($"ONNX export: the graph reads token ids (InputIds, AttentionMask, TokenTypeIds), not text, because {reason}. " +
                "Tokenize with the model's CreateOnnxInputTokenizer() before the graph.");
            return OnnxModelInputs.Declare(graph.Context);
        }
        var ctx = graph.Context;
        return Write(graph, tokenizer, ctx.GetVariableName(textColumn), pairColumn is null ? null : ctx.GetVariableName(pairColumn),
            maxLength, TruncationStrategy.LongestFirst, padToLongest: true);
    }

    private static string Less(OnnxGraph graph, string x, string y) => graph.Op("Less", x, y);

    // Where over Less: Min and Max take int64 only from opset 12.
    private static string Min(OnnxGraph graph, string x, string y) => graph.Op("Where", Less(graph, x, y), x, y);

    private static string Max(OnnxGraph graph, string x, string y) => graph.Op("Where", Less(graph, x, y), y, x);

    /// <summary>One text column through the operator: its ids (int64, every row's in one flat tensor), each row's start in them and its count.</summary>
    private sealed record EncodedColumn(string Ids, string Starts, string Counts);

    /// <summary>The SentencepieceTokenizer operator's constant inputs, shared by the text and pair columns.</summary>
    private sealed class SentencePieceNode
    {
        private readonly OnnxGraph _graph;
        private readonly string _model;
        private readonly string _noSampling;
        private readonly string _alpha;
        private readonly string _false;

        public SentencePieceNode(OnnxGraph graph, string base64Model)
        {
            _graph = graph;
            // The operator reads its "model" attribute as base64 when it decodes as such (a string attribute is UTF-8).
            _model = base64Model;
            _noSampling = graph.Longs(0);
            _alpha = graph.Context.AddInitializer([0f], [1L], OnnxGraph.NamePrefix + "alpha");
            _false = graph.Cast(graph.Longs(0), OnnxDataType.Bool);
        }

        public EncodedColumn Encode(string text)
        {
            var flat = _graph.Reshape(text, -1);
            var ctx = _graph.Context;
            string tokens = ctx.AddIntermediateVariable(null!, OnnxGraph.NamePrefix + "SentencepieceTokenizer.tokens", skip: true);
            string rows = ctx.AddIntermediateVariable(null!, OnnxGraph.NamePrefix + "SentencepieceTokenizer.indices", skip: true);
            var node = ctx.CreateNode("SentencepieceTokenizer", [flat, _noSampling, _alpha, _false, _false, _false], [tokens, rows],
                ctx.GetNodeName(OnnxGraph.NamePrefix + "SentencepieceTokenizer"), ExtensionsDomain);
            node.AddAttribute("model", _model);
            var starts = _graph.Op("Slice", rows, _graph.Longs(0), _graph.Longs(-1), _graph.Longs(0));
            var ends = _graph.Op("Slice", rows, _graph.Longs(1), _graph.Longs(long.MaxValue), _graph.Longs(0));
            return new EncodedColumn(_graph.Cast(tokens, OnnxDataType.Int64), starts, _graph.Op("Sub", ends, starts));
        }
    }
}
