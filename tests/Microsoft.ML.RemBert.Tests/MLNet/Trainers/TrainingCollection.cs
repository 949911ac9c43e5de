using Xunit;

namespace Microsoft.ML.RemBert.Tests.MLNet.Trainers;

/// <summary>
/// Training tests run alone: dropout draws from libtorch's one global generator, which a test class running in
/// parallel could draw from too, and training on the 2-core CI machine is faster without competition.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TrainingCollection
{
    public const string Name = "RemBERT training";
}
