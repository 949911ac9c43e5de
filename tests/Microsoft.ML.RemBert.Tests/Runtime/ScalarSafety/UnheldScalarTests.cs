using Microsoft.CodeAnalysis;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Runtime.ScalarSafety;

/// <summary>
/// Issue 25: TorchSharp 0.107 turns numbers into <c>Scalar</c> objects that nothing keeps alive while libtorch reads
/// them, so a finalizer can free one mid-call. Our source must hand libtorch only scalars it holds
/// (src/Microsoft.ML.RemBert/Runtime/HeldScalars.cs, or a <c>using</c> local): this scan of src/ and the benchmarks,
/// with the compiler's binding and TorchSharp's IL, fails naming file:line for every place that does not.
/// </summary>
public class UnheldScalarTests
{
    [Trait("Category", "Slow")]
    [Fact]
    public void OurSourceHandsLibtorchOnlyHeldScalars()
    {
        var src = SourceCompilations.Src();
        var compilations = src.Concat(SourceCompilations.Benchmarks(src[0])).ToList();
        foreach (var compilation in compilations)
        {
            var errors = SourceCompilations.Errors(compilation);
            Assert.True(errors.Count == 0,
                $"{compilation.AssemblyName} does not compile in the scan, so calls could go unchecked:\n{string.Join('\n', errors.Take(20))}");
        }
        using var torchSharp = new TorchSharpScalarCreators(SourceCompilations.TorchSharpPath);
        var scanner = new UnheldScalarScanner(torchSharp, TestPaths.RepoRoot);
        var findings = compilations.SelectMany(scanner.Scan).Distinct().OrderBy(f => f.File, StringComparer.Ordinal).ThenBy(f => f.Line).ToList();
        Assert.True(findings.Count == 0,
            $"{findings.Count} unheld TorchSharp scalars (use HeldScalars or `using var s = x.ToScalar();`, and Tensor.add(t, HeldScalars.One) for +):\n" +
            string.Join('\n', findings));
    }

    /// <summary>The scan's self-check: every planted mistake is reported at its line, and no held form is.</summary>
    [Fact]
    public void TheScanFlagsEveryPlantedUnheldScalarAndNothingElse()
    {
        var lines = PlantedSource.Split('\n');
        var compilation = SourceCompilations.Snippet(PlantedSource, Path.Combine(TestPaths.RepoRoot, "Planted.cs"));
        Assert.Empty(SourceCompilations.Errors(compilation));
        using var torchSharp = new TorchSharpScalarCreators(SourceCompilations.TorchSharpPath);
        var findings = new UnheldScalarScanner(torchSharp, TestPaths.RepoRoot).Scan(compilation).ToList();

        var expected = Enumerable.Range(1, lines.Length).Where(line => lines[line - 1].Contains("// unheld", StringComparison.Ordinal)).ToList();
        Assert.Equal(expected, findings.Select(f => f.Line).Distinct().Order());
        Assert.All(findings, f => Assert.Equal("Planted.cs", f.File));
    }

    private const string PlantedSource = """
        using TorchSharp;
        using TorchSharp.Modules;
        using static TorchSharp.torch;

        internal static class Held
        {
            public static readonly Scalar One = 1.0;
            public static readonly Scalar Half = 0.5.ToScalar();
        }

        internal static class Planted
        {
            public static void Bad(Tensor a, Tensor b, Tensor mask, double x, AdamW optimizer)
            {
                using var sum = a + b; // unheld
                using var sub = a - 1.0; // unheld
                using var rsub = 1.0 - a; // unheld
                using var scaled = a * 0.5; // unheld
                using var muled = a.mul(0.5); // unheld
                using var pow = a.pow(2); // unheld
                using var gt = a > 0.5; // unheld
                using var filled = a.masked_fill(mask, x); // unheld
                using var clamped = a.clamp(0.0, 1.0); // unheld
                using var added = a.add(b); // unheld
                a.add_(b); // unheld
                a.mul_(x); // unheld
                using var plusScalar = a + Held.One; // unheld
                Scalar local = x; // unheld
                using var cast = a.mul((Scalar)x); // unheld
                using var factory = a.mul(x.ToScalar()); // unheld
                optimizer.step(); // unheld
            }

            public static void Script(jit.ScriptModule module, Tensor a, Tensor b)
            {
                var numbered = module.invoke("f", a, 32L); // unheld
                var tensors = module.invoke("g", a, b, null!);
            }

            public static void Good(Tensor a, Tensor b, Tensor mask, double x)
            {
                using var sum = a.add(b, Held.One);
                using var difference = a - b;
                using var product = a * b;
                using var quotient = a / b;
                using var scaled = a * Held.Half;
                using var muled = a.mul(Held.Half);
                using var gt = a > Held.Half;
                using var less = a < b;
                using var negated = -a;
                using var s = x.ToScalar();
                using var filled = a.masked_fill(mask, s);
                using (var t = (Scalar)x)
                {
                    using var clamped = a.clamp(Held.Half, t);
                }
                a.add_(b, Held.One);
                a.mul_(s);
                using var gelu = nn.GELU();
                using var shrink = nn.Hardshrink(0.5); // TorchSharp holds its own Scalar here (using)
                using var norm = nn.LayerNorm(8);
                using var activated = gelu.forward(a);
                using var soft = a.softmax(-1);
                using var matmul = a.matmul(b);
            }
        }
        """;
}
