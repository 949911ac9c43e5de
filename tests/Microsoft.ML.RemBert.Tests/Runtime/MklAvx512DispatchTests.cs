using System.Runtime.Intrinsics.X86;
using Microsoft.ML.RemBert.Runtime;
using Microsoft.ML.RemBert.Tests.Commands;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Microsoft.ML.RemBert.Tests.MLNet;
using Microsoft.ML.RemBert.Tests.Modeling;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Runtime;

/// <summary>
/// oneMKL's AVX-512 kernels on non-Intel CPUs (Runtime/MklAvx512Dispatch): a fresh process that builds a model first
/// gets them (its log says so and names the CPU type oneMKL found), <c>REMBERT_MKL_AVX512=0</c> keeps oneMKL's own choice,
/// and both give the reference outputs. Run as child processes: in this test process, other tests' matmuls may already
/// have fixed oneMKL's choice.
/// </summary>
public class MklAvx512DispatchTests
{
    private const double Tolerance = 1e-4;

    [SkippableFact]
    public void AFreshProcessGetsTheAvx512KernelsOnNonIntelCpusAndTheSameOutputs()
    {
        var fixture = ReferenceFixture.Load();
        var expected = fixture.Output("seqcls_logits");
        var (redirected, redirectedLog) = ForwardInChild(fixture, new Dictionary<string, string> { [MklAvx512Dispatch.EnvironmentVariable] = "1" });
        var (own, ownLog) = ForwardInChild(fixture, new Dictionary<string, string> { [MklAvx512Dispatch.EnvironmentVariable] = "0" });

        TensorAssert.CloseValues("logits with the redirection", expected.Data, redirected, Tolerance);
        TensorAssert.CloseValues("logits without it", expected.Data, own, Tolerance);
        Assert.Contains($"float32 matmuls: turned off by {MklAvx512Dispatch.EnvironmentVariable}=0", ownLog);
        if (!OperatingSystem.IsLinux() || !X86Base.IsSupported)
            Assert.Contains("float32 matmuls: only done on Linux x64", redirectedLog);
        else if (MklAvx512Dispatch.CpuVendor() == "GenuineIntel")
            Assert.Contains("float32 matmuls: Intel CPU", redirectedLog);
        else if (!Avx512F.IsSupported)
            Assert.Contains("float32 matmuls: the CPU has no AVX-512", redirectedLog);
        else
        {
            // The CI machines are AMD EPYC (Zen 5): this is the branch that runs there.
            Assert.Contains("selects its kernels by the CPU's features (its CPU type: ", redirectedLog);
            Assert.DoesNotContain("(its CPU type: 0)", redirectedLog);
        }
    }

    [SkippableFact]
    public void TheVendorCheckSlotIsFoundInLibtorch()
    {
        string library = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libtorch_cpu.so");
        Skip.IfNot(File.Exists(library), $"{library} is not in the test output (not a Linux x64 build)");
        var slot = ElfImportSlots.Find(library, "mkl_serv_intel_cpu_true", out var whyNot);
        Assert.True(slot is not null, whyNot);
        Assert.NotEqual(0UL, slot.Value.SymbolValue);
        Assert.NotEqual(0UL, slot.Value.SlotOffset);
        Assert.Null(ElfImportSlots.Find(library, "no_such_function_anywhere", out whyNot));
        Assert.Equal("the library does not call no_such_function_anywhere through a relocated slot", whyNot);
    }

    [Fact]
    public void AFileThatIsNotElfOrIsTruncatedIsRefusedWithTheReason()
    {
        using var directory = new TemporaryDirectory();
        string text = Path.Combine(directory.Path, "not-elf.so");
        File.WriteAllText(text, "this is not a shared library, only some text of sufficient length to hold an ELF header.");
        Assert.Null(ElfImportSlots.Find(text, "mkl_serv_intel_cpu_true", out var whyNot));
        Assert.Equal("not a 64-bit little-endian ELF file", whyNot);

        // A 64-bit ELF header whose section table lies beyond the end of the file.
        var header = new byte[64];
        "\u007fELF"u8.CopyTo(header);
        header[4] = 2;
        header[5] = 1;
        BitConverter.TryWriteBytes(header.AsSpan(0x28), 1_000_000UL);
        BitConverter.TryWriteBytes(header.AsSpan(0x3C), (ushort)3);
        string truncated = Path.Combine(directory.Path, "truncated.so");
        File.WriteAllBytes(truncated, header);
        var ex = Assert.Throws<InvalidDataException>(() => ElfImportSlots.Find(truncated, "mkl_serv_intel_cpu_true", out _));
        Assert.Contains("offset 1000000", ex.Message);
        Assert.Contains("outside the file (64 bytes)", ex.Message);
    }

    private static (float[] Logits, string Log) ForwardInChild(ReferenceFixture fixture, IReadOnlyDictionary<string, string> environment)
    {
        string log = "";
        var output = ForwardCommandTests.InTemporaryDirectory(fixture, "seqcls", (inputPath, outputPath) =>
        {
            var result = RembertCli.RunWith(environment, "forward", "--model", fixture.Checkpoint("seqcls"), "--inputs", inputPath, "--output", outputPath);
            Assert.True(result.ExitCode == 0, $"rembert forward exited {result.ExitCode}: {result.StandardError}");
            log = result.StandardError;
        });
        return (ForwardCommandTests.ReadOutput(output, "logits").Data, log);
    }
}
