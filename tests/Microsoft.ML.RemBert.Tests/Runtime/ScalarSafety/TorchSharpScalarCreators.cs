using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Microsoft.ML.RemBert.Tests.Runtime.ScalarSafety;

/// <summary>
/// Reads TorchSharp's IL to tell which of its methods create a <c>TorchSharp.Scalar</c>: directly (<c>new Scalar</c>,
/// the implicit conversions, <c>ToScalar</c>) or through anything they call inside TorchSharp, lambdas included
/// (<c>AdamW.step</c> does its arithmetic in one). TorchSharp 0.107 passes only a scalar's handle to libtorch and
/// never keeps the object alive, so a scalar created inside such a method can be finalized while libtorch reads it
/// (issue 25). A method that returns a Scalar it created is a factory: its result is the caller's to hold.
/// Not thread-safe (memoizes as it goes).
/// </summary>
internal sealed class TorchSharpScalarCreators : IDisposable
{
    private const string ScalarTypeName = "TorchSharp.Scalar";

    private readonly ModuleDefinition _module;
    private readonly Dictionary<MethodDefinition, bool> _creates = new();

    public TorchSharpScalarCreators(string torchSharpPath)
    {
        _module = ModuleDefinition.ReadModule(torchSharpPath);
    }

    public string AssemblyName => _module.Assembly.Name.Name;

    /// <summary>The method with this metadata token, or null when the token names something else.</summary>
    public MethodDefinition? Method(int metadataToken) =>
        _module.LookupToken(metadataToken) as MethodDefinition;

    /// <summary>True when the method, or anything it calls inside TorchSharp, creates a Scalar.</summary>
    public bool CreatesScalar(MethodDefinition method)
    {
        if (_creates.TryGetValue(method, out var known)) return known;
        _creates[method] = false; // a recursive call adds nothing the rest of the body does not
        var result = method.HasBody && method.Body.Instructions.Any(instruction => CallCreatesScalar(instruction) && !IsDisposedLocal(method, instruction));
        _creates[method] = result;
        return result;
    }

    /// <summary>
    /// A scalar stored in a local that the method disposes (TorchSharp's own <c>using var sc = (Scalar)lambda;</c>) is
    /// held through the call between: <c>stloc n</c> right after it, and <c>ldloc n; callvirt Dispose</c> somewhere.
    /// Only a created Scalar, not a call that creates its own temporaries inside, can be held this way.
    /// </summary>
    private static bool IsDisposedLocal(MethodDefinition method, Instruction creation)
    {
        if (creation.Operand is not MethodReference callee || !(ReturnsScalar(callee) || callee is { Name: ".ctor", DeclaringType.FullName: ScalarTypeName })) return false;
        var local = StoredLocal(method, creation.Next);
        return local is not null && method.Body.Instructions.Any(instruction =>
            instruction.OpCode.Code == Code.Callvirt && instruction.Operand is MethodReference { Name: "Dispose" } &&
            instruction.Previous is { } load && LoadedLocal(method, load) == local);
    }

    private static VariableDefinition? StoredLocal(MethodDefinition method, Instruction? instruction) =>
        Local(method, instruction, Code.Stloc_0, Code.Stloc_S, Code.Stloc);

    private static VariableDefinition? LoadedLocal(MethodDefinition method, Instruction instruction) =>
        Local(method, instruction, Code.Ldloc_0, Code.Ldloc_S, Code.Ldloc);

    /// <summary>The local an instruction stores or loads: the four short forms (consecutive codes) or the operand.</summary>
    private static VariableDefinition? Local(MethodDefinition method, Instruction? instruction, Code zero, Code shortForm, Code longForm)
    {
        if (instruction is null) return null;
        var code = instruction.OpCode.Code;
        if (code >= zero && code <= zero + 3) return method.Body.Variables[code - zero];
        return code == shortForm || code == longForm ? instruction.Operand as VariableDefinition : null;
    }

    /// <summary>True when the method creates a Scalar and returns something else: the scalar is its own temporary.</summary>
    public bool CreatesTemporaryScalar(MethodDefinition method) => CreatesScalar(method) && !ReturnsScalar(method);

    public static bool ReturnsScalar(MethodReference method) => method.ReturnType.FullName == ScalarTypeName;

    private bool CallCreatesScalar(Instruction instruction)
    {
        if (instruction.Operand is not MethodReference callee) return false;
        var code = instruction.OpCode.Code;
        if (code is not (Code.Call or Code.Callvirt or Code.Newobj or Code.Ldftn or Code.Ldvirtftn)) return false;
        if (code == Code.Newobj && callee.DeclaringType.FullName == ScalarTypeName) return true;
        // Only TorchSharp's own methods are followed: a type defined in this module has the module as its scope.
        if (callee.DeclaringType.GetElementType().Scope != _module) return false;
        var definition = callee.Resolve();
        return definition is not null && CreatesScalar(definition);
    }

    public void Dispose() => _module.Dispose();
}
