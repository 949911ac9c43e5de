using System.Reflection;
using Microsoft.ML.RemBert.Checkpoints;
using Microsoft.ML.RemBert.Cli;
using Microsoft.ML.RemBert.IO;
using Microsoft.ML.RemBert.MLNet.Persistence;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Commands;

/// <summary>
/// How a command's exception becomes an exit code: our own types anywhere in the chain are bad input (1, one line);
/// anything else is a bug (70, stack trace).
/// </summary>
public sealed class CliErrorsTests
{
    public static TheoryData<string, Exception> UserErrors => new()
    {
        { "ours, bare", new CheckpointFormatException("model.safetensors", "header too large") },
        { "ours, wrapped twice", new InvalidOperationException("outer", new ArgumentException("middle", new CheckpointFormatException("model.safetensors", "header too large"))) },
        { "ours, in an aggregate", new AggregateException(new InvalidOperationException("first"), new CheckpointFormatException("model.safetensors", "header too large")) },
        { "ours, through reflection", new TargetInvocationException(new CheckpointFormatException("model.safetensors", "header too large")) },
    };

    [Theory]
    [MemberData(nameof(UserErrors))]
    public void OurOwnTypeAnywhereInTheChainIsBadInput(string because, Exception thrown)
    {
        var error = new StringWriter();
        int code = Cli(error, thrown);
        Assert.True(code == ExitCodes.BadInput, because);
        Assert.Equal("rembert test: Checkpoint file 'model.safetensors': header too large", error.ToString().Trim());
    }

    [Fact]
    public void TheModelZipsOwnErrorNamesTheEntry()
    {
        var error = new StringWriter();
        Assert.Equal(ExitCodes.BadInput, Cli(error, new InvalidOperationException("wrapper", new RemBertModelFormatException("TransformerChain/Model.key", "bad"))));
        Assert.Equal("rembert test: ML.NET model entry 'TransformerChain/Model.key': bad", error.ToString().Trim());
    }

    [Fact]
    public void AFileRefusalIsBadInput()
    {
        var error = new StringWriter();
        Assert.Equal(ExitCodes.BadInput, Cli(error, new FileRefusedException("/x", "/x is a directory")));
    }

    [Theory]
    [InlineData(typeof(InvalidOperationException))]
    [InlineData(typeof(ArgumentException))]
    [InlineData(typeof(NullReferenceException))]
    [InlineData(typeof(IndexOutOfRangeException))]
    public void AnythingElseIsAnInternalErrorWithItsStackTrace(Type type)
    {
        var error = new StringWriter();
        var bug = (Exception)Activator.CreateInstance(type, "a bug")!;

        Assert.Equal(ExitCodes.InternalError, Cli(error, bug));
        Assert.StartsWith("rembert test: internal error (a bug in rembert; please report it with what follows):", error.ToString());
        Assert.Contains(type.FullName!, error.ToString());
        Assert.Contains("   at ", error.ToString());
    }

    [Fact]
    public void ACancellationWithoutASignalIsNotMistakenForAnInterruption()
    {
        var error = new StringWriter();
        Assert.Equal(ExitCodes.InternalError, Cli(error, new OperationCanceledException()));
    }

    /// <summary>Runs the error policy on an action that throws <paramref name="thrown"/> (from a real stack).</summary>
    private static int Cli(TextWriter error, Exception thrown)
    {
        using var interruption = Interruption.None();
        return CliErrors.Run("test", error, interruption, () => throw thrown);
    }
}
