using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Microsoft.ML.RemBert.Tests.Tokenization;
using Microsoft.ML.RemBert.Tokenization;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.RemBert.Tests.Onnx;

/// <summary>
/// The measurement behind exporting ids rather than text: ONNX Runtime Extensions 0.14.0's SentencepieceTokenizer
/// operator, given the fixtures' Unigram model, against spm_encode's ids (which our SentencePiece reproduces on every
/// line, see SentencePieceExactnessTests) on the fixtures' 3,020 lines. The README quotes the count.
/// </summary>
public sealed class SentencePieceOperatorTests(ITestOutputHelper output)
{
    /// <summary>Lines whose ids differ from spm_encode's, measured with ONNX Runtime Extensions 0.14.0 (README).</summary>
    private const int MeasuredMismatchingLines = 0;

    /// <summary>
    /// Lines whose [CLS] ids [SEP] (the operator's add_bos/add_eos) differ from RemBertTokenizer.Encode's, which first
    /// applies transformers' RemBERT text preprocessing (remove_space: strip, one space between words).
    /// </summary>
    private const int MeasuredMismatchingEncodings = 0;

    [SkippableFact]
    public void OperatorIdsAgainstSpmEncodeOnTheSharedLines()
    {
        var lines = SentencePieceFixtures.ReadLines(TestPaths.Fixture("sentencepiece", "lines.txt"));
        var expected = SentencePieceFixtures.ReadIds(TestPaths.Fixture("sentencepiece", "lines.unigram-8k.ids"));
        var model = File.ReadAllBytes(TestPaths.Fixture("sentencepiece", "unigram-8k.model"));
        string path = Path.Combine(Path.GetTempPath(), $"rembert-spm-op-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, TokenizerGraph(model));
        try
        {
            using var options = new SessionOptions();
            options.RegisterOrtExtensions();
            using var session = new InferenceSession(path, options);
            int[] Encode(string line, bool specialTokens)
            {
                using var results = session.Run(
                [
                    NamedOnnxValue.CreateFromTensor("inputs", new DenseTensor<string>(new[] { line }, [1])),
                    NamedOnnxValue.CreateFromTensor("nbest_size", new DenseTensor<long>(new[] { 0L }, [1])),
                    NamedOnnxValue.CreateFromTensor("alpha", new DenseTensor<float>(new[] { 0f }, [1])),
                    NamedOnnxValue.CreateFromTensor("add_bos", new DenseTensor<bool>(new[] { specialTokens }, [1])),
                    NamedOnnxValue.CreateFromTensor("add_eos", new DenseTensor<bool>(new[] { specialTokens }, [1])),
                    NamedOnnxValue.CreateFromTensor("reverse", new DenseTensor<bool>(new[] { false }, [1])),
                ]);
                return results.First(result => result.Name == "tokens").AsTensor<int>().ToArray();
            }
            var actual = lines.Select(line => Encode(line, specialTokens: false)).ToArray();
            var tokenizer = RemBertTokenizer.FromPretrained(Path.Combine(TestPaths.Fixture("rembert-reference"), "seqcls"));
            var encodingMismatches = lines.Where(line => !Encode(line, specialTokens: true).SequenceEqual(tokenizer.Encode(line).InputIds)).ToList();
            output.WriteLine($"[CLS] ids [SEP] against RemBertTokenizer.Encode: {lines.Length - encodingMismatches.Count} of {lines.Length} lines exact, {encodingMismatches.Count} differ");
            foreach (var line in encodingMismatches.Take(3))
                output.WriteLine($"  differs: '{line}'");
            Assert.True(encodingMismatches.Count == MeasuredMismatchingEncodings, $"{encodingMismatches.Count} encodings differ; {MeasuredMismatchingEncodings} measured");
            var mismatches = Enumerable.Range(0, lines.Length).Where(i => !actual[i].SequenceEqual(expected[i])).ToList();
            output.WriteLine($"SentencepieceTokenizer (ONNX Runtime Extensions 0.14.0): {lines.Length - mismatches.Count} of {lines.Length} lines exact, {mismatches.Count} differ");
            foreach (int i in mismatches.Take(5))
                output.WriteLine($"line {i + 1}: expected [{string.Join(' ', expected[i])}] got [{string.Join(' ', actual[i])}]");
            Assert.True(mismatches.Count == MeasuredMismatchingLines, $"{mismatches.Count} lines differ; {MeasuredMismatchingLines} measured");
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// A one-node ONNX model (opset 12 + ai.onnx.contrib 1) around SentencepieceTokenizer with the serialized model as
    /// its "model" attribute, written field by field from onnx.proto (no ONNX protobuf classes are public in .NET).
    /// </summary>
    private static byte[] TokenizerGraph(byte[] sentencePieceModel)
    {
        string[] inputs = ["inputs", "nbest_size", "alpha", "add_bos", "add_eos", "reverse"];
        int[] inputTypes = [8, 7, 1, 9, 9, 9]; // string, int64, float, bool, bool, bool
        var node = Message(w =>
        {
            foreach (var input in inputs) w.WriteString(1, input);
            w.WriteString(2, "tokens");
            w.WriteString(2, "indices");
            w.WriteString(3, "spm");
            w.WriteString(4, "SentencepieceTokenizer");
            w.WriteMessage(5, Message(a => { a.WriteString(1, "model"); a.WriteBytes(4, sentencePieceModel); a.WriteInt(20, 3); }));
            w.WriteString(7, "ai.onnx.contrib");
        });
        var graph = Message(w =>
        {
            w.WriteMessage(1, node);
            w.WriteString(2, "spm");
            for (int i = 0; i < inputs.Length; i++) w.WriteMessage(11, Value(inputs[i], inputTypes[i]));
            w.WriteMessage(12, Value("tokens", 6));
            w.WriteMessage(12, Value("indices", 7));
        });
        return Message(w =>
        {
            w.WriteInt(1, 7); // ir_version
            w.WriteString(2, "rembert-tests");
            w.WriteMessage(7, graph);
            w.WriteMessage(8, Message(o => { o.WriteString(1, ""); o.WriteInt(2, 12); }));
            w.WriteMessage(8, Message(o => { o.WriteString(1, "ai.onnx.contrib"); o.WriteInt(2, 1); }));
        });
    }

    /// <summary>A ValueInfoProto: name and a tensor type of <paramref name="elementType"/> with no shape.</summary>
    private static byte[] Value(string name, int elementType)
        => Message(w => { w.WriteString(1, name); w.WriteMessage(2, Message(t => t.WriteMessage(1, Message(e => e.WriteInt(1, elementType))))); });

    private static byte[] Message(Action<ProtoWriter> write)
    {
        using var buffer = new MemoryStream();
        var stream = new CodedOutputStream(buffer);
        write(new ProtoWriter(stream));
        stream.Flush();
        return buffer.ToArray();
    }

    private sealed class ProtoWriter(CodedOutputStream stream)
    {
        public void WriteString(int field, string value) { stream.WriteTag(field, WireFormat.WireType.LengthDelimited); stream.WriteString(value); }

        public void WriteBytes(int field, byte[] value) { stream.WriteTag(field, WireFormat.WireType.LengthDelimited); stream.WriteBytes(ByteString.CopyFrom(value)); }

        public void WriteMessage(int field, byte[] value) => WriteBytes(field, value);

        public void WriteInt(int field, long value) { stream.WriteTag(field, WireFormat.WireType.Varint); stream.WriteInt64(value); }
    }
}
