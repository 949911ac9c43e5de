using Microsoft.ML.RemBert.Modeling;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Microsoft.ML.RemBert.Tests.MLNet;
using Microsoft.ML.RemBert.Tests.Modeling;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Commands;

/// <summary><c>--precision</c>: bfloat16 reaches the model (outputs move, within bfloat16's tolerance); a wrong value is a usage error.</summary>
public class PrecisionOptionTests
{
    [SkippableFact]
    public void ForwardInBFloat16StaysWithinToleranceOfTheReference()
    {
        var fixture = ReferenceFixture.Load();
        var (_, float32) = ForwardCommandTests.ReadOutput(ForwardCommandTests.RunForward(fixture, "seqcls"), "logits");
        var (shape, bfloat16) = ForwardCommandTests.ReadOutput(ForwardCommandTests.RunForward(fixture, "seqcls", RemBertPrecision.BFloat16), "logits");
        var expected = fixture.Output("seqcls_logits");
        Assert.Equal(expected.Shape, shape);
        TensorAssert.CloseValues("bf16 logits", expected.Data, bfloat16, 0.05 * expected.Data.Max(Math.Abs));
        Assert.NotEqual(float32, bfloat16); // the option reached the model
    }

    [Fact]
    public void AnUnknownPrecisionIsAUsageError()
    {
        var result = RembertCli.Run("forward", "--model", ".", "--inputs", "in.json", "--output", "out.json", "--precision", "float16");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--precision: 'float16' is not a precision", result.StandardError);
    }
}
