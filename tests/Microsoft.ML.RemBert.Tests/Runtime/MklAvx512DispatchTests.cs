using System.Runtime.Intrinsics.X86;
using Microsoft.ML.RemBert.Runtime;
using Microsoft.ML.RemBert.Tests.Commands;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Microsoft.ML.RemBert.Tests.MLNet;
using Microsoft.ML.RemBert.Tests.Modeling;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Runtime;

/// <summary>
/// oneMKL's AVX-512 kernels on non-Intel CPUs (Runtime/MklAvx512Dispatch, TorchRuntime.UseMklAvx512Kernels): reading
/// the status applies nothing, a model's constructor applies it, a float32 matmul before it leaves oneMKL's first choice
/// (and the status says so), <c>REMBERT_MKL_AVX512=0</c> keeps oneMKL's own choice, and both give the reference
/// outputs. Every assertion on the switch runs in a fresh child process: in this test process, other tests' matmuls
/// may already have fixed oneMKL's choice.
/// </summary>
public class MklAvx512DispatchTests
{
    private const double Tolerance = 1e-4;
    private const string NotRequested = "not applied: not requested yet (no model built, TorchRuntime.UseMklAvx512Kernels not called)";

    [SkippableFact]
    public void AFreshProcessGetsTheAvx512KernelsOnNonIntelCpusAndTheSameOutputs()
    {
        var fixture = ReferenceFixture.Load();
        var expected = fixture.Output("seqcls_logits");
        var (redirected, redirectedLog) = ForwardInChild(fixture, new Dictionary<string, string> { [MklAvx512Dispatch.EnvironmentVariable] = "1" });
        var (own, ownLog) = ForwardInChild(fixture, new Dictionary<string, string> { [MklAvx512Dispatch.EnvironmentVariable] = "0" });

        TensorAssert.CloseValues("logits with the redirection", expected.Data, redirected, Tolerance);
        TensorAssert.CloseValues("logits without it", expected.Data, own, Tolerance);
        Assert.Contains($"float32 matmuls: not applied: turned off by {MklAvx512Dispatch.EnvironmentVariable}=0", ownLog);
        Assert.Contains("float32 matmuls: " + ExpectedOnThisMachine(), redirectedLog);
        if (AppliesOnThisMachine)
            Assert.DoesNotContain("(its CPU type: 0)", redirectedLog);
    }

    [Fact]
    public void ReadingTheStatusAppliesNothingAndAModelConstructorApplies()
    {
        var seen = ScenarioInChild();
        Assert.Equal(NotRequested, seen["before"]);
        Assert.Equal(NotRequested, seen["read again"]);
        Assert.StartsWith(ExpectedOnThisMachine(), seen["use"]);
        Assert.Equal(seen["use"], seen["after"]);
        Assert.Equal(seen["use"], seen["model"]);
    }

    [Fact]
    public void AFloat32MatmulBeforeTheCallLeavesOneMklsChoiceAndSaysSo()
    {
        var seen = ScenarioInChild("matmul-first");
        Assert.Equal("64", seen["matmul"]);
        Assert.Equal(AppliesOnThisMachine
            ? "not applied: oneMKL had already chosen its kernels (a float32 matmul ran before the first model was built)"
            : ExpectedOnThisMachine(), seen["use"]);
        Assert.Equal(seen["use"], seen["model"]);
    }

    [Fact]
    public void TheEnvironmentVariableTurnsItOffForTheExplicitCallToo()
    {
        var seen = ScenarioInChild(environment: new Dictionary<string, string> { [MklAvx512Dispatch.EnvironmentVariable] = "0" });
        Assert.Equal(NotRequested, seen["before"]);
        Assert.Equal($"not applied: turned off by {MklAvx512Dispatch.EnvironmentVariable}=0", seen["use"]);
        Assert.Equal(seen["use"], seen["model"]);
    }

    [Fact]
    public void AnExceptionBeforeTheSlotIsWrittenBecomesAStatus()
    {
        // Decide runs the checks and then the given redirection; no process state is touched here.
        var status = MklAvx512Dispatch.Decide(() => throw new IndexOutOfRangeException("Index was outside the bounds of the array."));
        Assert.False(status.Applied);
        Assert.Equal(AppliesOnThisMachine
            ? "not applied: IndexOutOfRangeException: Index was outside the bounds of the array."
            : ExpectedOnThisMachine(), status.Reason);
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

    [Fact]
    public void ADynamicSymbolTableLinkedToASectionPastTheTableIsRefusedWithTheReason()
    {
        // Header, then two section headers right after it: a null section and a .dynsym whose string table is section 7.
        var file = new byte[64 + 2 * 64];
        "\u007fELF"u8.CopyTo(file);
        file[4] = 2;
        file[5] = 1;
        BitConverter.TryWriteBytes(file.AsSpan(0x28), 64UL);
        BitConverter.TryWriteBytes(file.AsSpan(0x3C), (ushort)2);
        BitConverter.TryWriteBytes(file.AsSpan(128 + 4), 11U); // SHT_DYNSYM
        BitConverter.TryWriteBytes(file.AsSpan(128 + 0x28), 7U);
        using var directory = new TemporaryDirectory();
        string path = Path.Combine(directory.Path, "bad-link.so");
        File.WriteAllBytes(path, file);
        var ex = Assert.Throws<InvalidDataException>(() => ElfImportSlots.Find(path, "mkl_serv_intel_cpu_true", out _));
        Assert.Equal("the dynamic symbol table links to section 7, but the file has 2 sections.", ex.Message);
    }

    private static bool AppliesOnThisMachine => ExpectedOnThisMachine() == "applied: ";

    /// <summary>What UseMklAvx512Kernels answers in a fresh process on this machine (the start of it where it names a path).</summary>
    private static string ExpectedOnThisMachine() =>
        !OperatingSystem.IsLinux() || !X86Base.IsSupported ? "not applied: only done on Linux x64"
        : MklAvx512Dispatch.CpuVendor() == "GenuineIntel" ? "not applied: Intel CPU: oneMKL already selects its kernels by the CPU's features"
        : !Avx512F.IsSupported ? "not applied: the CPU has no AVX-512: oneMKL's AVX2 kernels are the right ones"
        : "applied: "; // the CI machines are AMD EPYC (Zen 5): this is the branch that runs there

    private static Dictionary<string, string> ScenarioInChild(string? option = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var result = DotnetProcess.Run(
            [Path.Combine(AppContext.BaseDirectory, "Microsoft.ML.RemBert.Tests.dll"), ChildProgram.MklDispatchScenario, .. option is null ? [] : new[] { option }],
            TimeSpan.FromMinutes(2), environment: environment);
        Assert.True(result.ExitCode == 0, $"the child exited {result.ExitCode}: {result.StandardError}");
        return result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(": ", 2))
            .ToDictionary(parts => parts[0], parts => parts[1].TrimEnd('\r'));
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
