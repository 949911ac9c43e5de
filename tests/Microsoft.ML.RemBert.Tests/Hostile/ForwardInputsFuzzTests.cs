using System.Text;
using Microsoft.ML.RemBert.Cli.Commands;
using Microsoft.ML.RemBert.IO;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.RemBert.Tests.Hostile;

/// <summary>
/// Seeded mutations of a valid <c>rembert forward</c> inputs file through the command's own parser and validation
/// (<see cref="JsonInputFile"/> + <see cref="ForwardInputs"/>): every case is accepted or refused with an
/// <see cref="InvalidDataException"/> that names the file; nothing else is thrown and memory stays bounded.
/// </summary>
public sealed class ForwardInputsFuzzTests(ITestOutputHelper log)
{
    private const string Source = "fuzz/in.json";

    private static readonly ByteMutator Mutator = new([
        "[", "]", "{", "}", ",", ":", "\"", "-", "0", "2", "-1", "1e999", "1.5", "99999999999999999999", "null", "true",
        "\"input_ids\"", "\"attention_mask\"", "\"token_type_ids\"", "\uFEFF", "[[[[[[[[", "]]]]]]]]", "\\u0000",
    ]);

    [Fact]
    public void EveryMutationIsAcceptedOrRefusedNamingTheFile()
    {
        byte[] valid = Encoding.UTF8.GetBytes("""{"input_ids": [[3, 5, 7, 4], [3, 6, 4, 0]], "token_type_ids": [[0, 0, 1, 1], [0, 0, 0, 0]], "attention_mask": [[1, 1, 1, 1], [1, 1, 1, 0]]}""");
        int accepted = 0, refused = 0;

        int cases = FuzzBudget.Run(seed =>
        {
            var random = new Random(seed);
            // One case in four changes only digits, so that accepted inputs (ids, types and masks out of range) are fuzzed too.
            byte[] mutated = seed % 4 == 0 ? ChangeDigits(valid, random) : Mutator.Mutate(valid, random);
            try
            {
                using var document = JsonInputFile.Parse(mutated, Source, new System.Text.Json.JsonDocumentOptions { AllowDuplicateProperties = false });
                foreach (var tensor in ForwardInputs.Parse(document.RootElement, Source).Values) tensor.Dispose();
                accepted++;
            }
            catch (InvalidDataException e)
            {
                Assert.True(e.Message.StartsWith(Source + ": ", StringComparison.Ordinal), $"seed {seed}: the message does not name the file: {e.Message}");
                refused++;
            }
            catch (Exception e)
            {
                Assert.Fail($"seed {seed}: {e.GetType().Name} escaped for input {Convert.ToBase64String(mutated)}: {e}");
            }
        });

        log.WriteLine($"{cases} cases: {accepted} accepted, {refused} refused");
        Assert.True(refused > 0 && accepted > 0, $"{accepted} accepted, {refused} refused: the mutations do not exercise both paths");
    }

    private static byte[] ChangeDigits(byte[] valid, Random random)
    {
        byte[] result = (byte[])valid.Clone();
        var digits = Enumerable.Range(0, result.Length).Where(i => char.IsAsciiDigit((char)result[i])).ToArray();
        for (int i = 1 + random.Next(3); i > 0; i--) result[digits[random.Next(digits.Length)]] = (byte)('0' + random.Next(10));
        return result;
    }
}
