using Microsoft.ML.RemBert.Tests.Infrastructure;
using Microsoft.ML.RemBert.Tests.MLNet.Scoring;
using Microsoft.ML.RemBert.Tokenization.SentencePiece;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.RemBert.Tests.Hostile;

/// <summary>Seeded mutations of SentencePiece .model files (protobuf): each loads, encodes and decodes, or fails with a <see cref="SentencePieceModelException"/>.</summary>
[Collection(nameof(MemoryMeasurementCollection))] // FuzzRun measures the process's managed heap: nothing else may run meanwhile
public class SentencePieceModelFuzzTests(ITestOutputHelper output)
{
    private const string Sample = "Hello wörld, Où est la gare ? 東京 123 [MASK]\t  x";

    [Fact]
    public void MutatedModelsLoadAndEncodeOrFailWithASentencePieceModelException()
    {
        var models = new[]
        {
            File.ReadAllBytes(TestPaths.TestData("MLNet", "tiny-unigram.model")),           // Unigram, identity normalizer
            File.ReadAllBytes(TestPaths.TestData("sentencepiece", "bpe-nodummy.model")),   // BPE
            File.ReadAllBytes(TestPaths.TestData("sentencepiece", "uni-tiny.model")),      // Unigram with a precompiled_charsmap
        };
        int mutations = FuzzRun.Run<SentencePieceModelException>("sentencepiece .model", models, (model, random) => ByteMutator.Mutate(model, random), bytes =>
        {
            var processor = SentencePieceProcessor.FromBytes(bytes, "fuzz.model");
            var ids = processor.EncodeToIds(Sample);
            processor.Encode(Sample, new List<SentencePieceToken>());
            processor.Decode(ids);
        });
        output.WriteLine($"{mutations} mutations");
    }
}
