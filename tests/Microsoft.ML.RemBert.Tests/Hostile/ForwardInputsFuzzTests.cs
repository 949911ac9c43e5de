using System.Text;
using Microsoft.ML.RemBert.Cli.Commands;
using Microsoft.ML.RemBert.IO;
using Microsoft.ML.RemBert.Tests.MLNet.Scoring;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Hostile;

/// <summary>
/// Seeded mutations of a valid <c>rembert forward</c> inputs file through the command's own parser and validation
/// (<see cref="JsonInputFile"/> + <see cref="ForwardInputs"/>), under <see cref="FuzzRun"/>'s contract: every case is
/// accepted or refused with an <see cref="InvalidDataException"/> whose message names the file.
/// </summary>
[Collection(nameof(MemoryMeasurementCollection))] // FuzzRun measures the process's managed heap: nothing else may run meanwhile
public sealed class ForwardInputsFuzzTests
{
    private const string Source = "fuzz/in.json";

    [Fact]
    public void EveryMutationIsAcceptedOrRefusedNamingTheFile()
    {
        byte[] valid = Encoding.UTF8.GetBytes("""{"input_ids": [[3, 5, 7, 4], [3, 6, 4, 0]], "token_type_ids": [[0, 0, 1, 1], [0, 0, 0, 0]], "attention_mask": [[1, 1, 1, 1], [1, 1, 1, 0]]}""");

        FuzzRun.Run<InvalidDataException>("forward inputs", [valid], (bytes, random) => ByteMutator.Mutate(bytes, random, json: true), bytes =>
        {
            try
            {
                using var document = JsonInputFile.Parse(bytes, Source);
                foreach (var tensor in ForwardInputs.Parse(document.RootElement, Source).Values) tensor.Dispose();
            }
            catch (InvalidDataException e)
            {
                Assert.True(e.Message.StartsWith(Source + ": ", StringComparison.Ordinal), $"the message does not name the file: {e.Message}");
                throw;
            }
        });
    }
}
