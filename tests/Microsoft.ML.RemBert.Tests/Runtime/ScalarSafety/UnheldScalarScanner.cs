using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Microsoft.ML.RemBert.Tests.Runtime.ScalarSafety;

/// <summary>One place in our source that hands libtorch a Scalar nothing holds.</summary>
internal sealed record UnheldScalar(string File, int Line, int Column, string Code, string Reason)
{
    public override string ToString() => $"{File}:{Line}:{Column}: {Reason}: {Code}";
}

/// <summary>
/// Finds, with the compiler's own binding, every place a compilation creates a <c>TorchSharp.Scalar</c> that nothing
/// holds through the native call that reads it (issue 25):
/// <list type="bullet">
/// <item>a number converted to Scalar (implicitly, as in <c>t.mul(0.5)</c>, or by a cast), or a Scalar-returning
/// factory such as <c>ToScalar()</c>, anywhere but the initializer of a <c>using</c> local or of a static readonly
/// field;</item>
/// <item>a call, operator, constructor or accessor of TorchSharp whose IL creates a Scalar of its own, such as
/// <c>Tensor + Tensor</c> (its <c>alpha = 1</c>), <c>Tensor * double</c>, <c>Tensor.add(Tensor)</c> or
/// <c>AdamW.step()</c>.</item>
/// </list>
/// </summary>
internal sealed class UnheldScalarScanner(TorchSharpScalarCreators torchSharp, string root)
{
    public IEnumerable<UnheldScalar> Scan(Compilation compilation)
    {
        foreach (var tree in compilation.SyntaxTrees)
        {
            var model = compilation.GetSemanticModel(tree);
            var roots = tree.GetRoot().DescendantNodesAndSelf()
                .Select(node => model.GetOperation(node))
                .Where(operation => operation is not null && operation.Parent is null);
            foreach (var operation in roots.SelectMany(root => root!.DescendantsAndSelf()))
            {
                var reason = Reason(operation);
                if (reason is null) continue;
                var span = operation.Syntax.GetLocation().GetLineSpan();
                yield return new UnheldScalar(Path.GetRelativePath(root, span.Path).Replace('\\', '/'),
                    span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1,
                    operation.Syntax.ToString(), reason);
            }
        }
    }

    private string? Reason(IOperation operation) => Created(operation) ?? ModuleForward(operation);

    /// <summary>
    /// <c>ScriptModule.invoke(name, params object[])</c> turns each float, double or long argument into a Scalar it does
    /// not hold (TorchSharp's DetermineArgumentTypeRefs), and passes tensors, bools, ints and null by handle or value:
    /// a call whose arguments are all tensors or null creates none, whatever the method's IL can do.
    /// </summary>
    private static bool InvokesWithTensorsOnly(IOperation operation) =>
        operation is IInvocationOperation { TargetMethod: { Name: "invoke", ContainingType.Name: "ScriptModule" } } invocation
        && invocation.Arguments.Skip(1).All(argument => argument.Value is IArrayCreationOperation { Initializer: { } initializer }
            && initializer.ElementValues.All(value => value is IConversionOperation { Operand: var operand }
                && (operand.ConstantValue is { HasValue: true, Value: null } || operand.Type?.Name is "Tensor" or "Parameter")));

    /// <summary>
    /// A TorchSharp module our code creates: its forward is called through nn.Module&lt;T, TResult&gt; (the activation of
    /// RemBertActivation.Create), where the call binds to the abstract method, so its own forward is checked here.
    /// </summary>
    private string? ModuleForward(IOperation operation)
    {
        if (operation is not (IInvocationOperation or IObjectCreationOperation) || operation.Type is not INamedTypeSymbol type) return null;
        if (!IsTorchSharp(type) || !DerivesFromModule(type)) return null;
        // A TorchScript module is called by its methods' names (invoke, checked above), never through nn.Module<T, TResult>.
        if (type.Name == "ScriptModule") return null;
        for (var declaring = type; declaring is not null && IsTorchSharp(declaring); declaring = declaring.BaseType)
        {
            var forwards = declaring.GetMembers("forward").OfType<IMethodSymbol>().Where(f => !f.IsAbstract).ToList();
            if (forwards.Count == 0) continue;
            return forwards.Any(f => Definition(f) is { } d && torchSharp.CreatesTemporaryScalar(d))
                ? $"TorchSharp's {type.Name}.forward creates a Scalar of its own that nothing holds"
                : null;
        }
        return null;
    }

    private bool IsTorchSharp(ITypeSymbol type) => type.ContainingAssembly?.Name == torchSharp.AssemblyName;

    private static bool DerivesFromModule(INamedTypeSymbol type)
    {
        for (var t = type.BaseType; t is not null; t = t.BaseType)
            if (t.Name == "Module" && t.ContainingType is { Name: "nn" }) return true;
        return false;
    }

    private string? Created(IOperation operation)
    {
        switch (operation)
        {
            case IConversionOperation conversion when IsScalar(conversion.Type) && conversion.OperatorMethod is not null:
                return IsHeld(conversion) ? null : $"{conversion.Operand.Type} converted to a Scalar nothing holds";
            case IInvocationOperation invocation when InvokesWithTensorsOnly(invocation):
                return null;
            case IInvocationOperation invocation:
                return Call(MostDerived(invocation.TargetMethod, invocation.Instance?.Type), invocation);
            case IBinaryOperation binary when binary.OperatorMethod is not null:
                return Call(binary.OperatorMethod, binary);
            case ICompoundAssignmentOperation compound when compound.OperatorMethod is not null:
                return Call(compound.OperatorMethod, compound);
            case IUnaryOperation unary when unary.OperatorMethod is not null:
                return Call(unary.OperatorMethod, unary);
            case IObjectCreationOperation creation when creation.Constructor is not null:
                return Call(creation.Constructor, creation);
            case IPropertyReferenceOperation property:
                return Accessor(property);
            case IMethodReferenceOperation reference:
                return Call(reference.Method, reference);
            default:
                return null;
        }
    }

    /// <summary>A property read or written: the accessor that runs is the one to check.</summary>
    private string? Accessor(IPropertyReferenceOperation property)
    {
        var written = property.Parent is IAssignmentOperation assignment && assignment.Target == property;
        var accessor = written ? property.Property.SetMethod : property.Property.GetMethod;
        return accessor is null ? null : Call(accessor, property);
    }

    /// <summary>
    /// C# binds <c>optimizer.step()</c> to the method the override overrides; the override on the receiver's type
    /// (AdamW's) is the one that runs.
    /// </summary>
    private static IMethodSymbol MostDerived(IMethodSymbol method, ITypeSymbol? receiver)
    {
        if (!(method.IsVirtual || method.IsAbstract || method.IsOverride)) return method;
        var target = method.OriginalDefinition;
        for (var type = receiver; type is not null; type = type.BaseType)
            foreach (var candidate in type.GetMembers(method.Name).OfType<IMethodSymbol>())
                for (var overridden = candidate; overridden is not null; overridden = overridden.OverriddenMethod)
                    if (SymbolEqualityComparer.Default.Equals(overridden.OriginalDefinition, target))
                        return candidate;
        return method;
    }

    private string? Call(IMethodSymbol method, IOperation operation)
    {
        var definition = Definition(method);
        if (definition is null || !torchSharp.CreatesScalar(definition)) return null;
        if (!TorchSharpScalarCreators.ReturnsScalar(definition))
            return $"TorchSharp's {Describe(method)} creates a Scalar of its own that nothing holds";
        return IsHeld(operation) ? null : $"the Scalar {Describe(method)} returns is not held";
    }

    private Mono.Cecil.MethodDefinition? Definition(IMethodSymbol method)
    {
        var original = (method.ReducedFrom ?? method).OriginalDefinition;
        if (original.ContainingAssembly?.Name != torchSharp.AssemblyName) return null;
        return torchSharp.Method(original.MetadataToken);
    }

    /// <summary>Held: the initializer of a <c>using</c> local (disposed, so alive, after its last use) or of a static readonly field.</summary>
    private static bool IsHeld(IOperation created)
    {
        switch (created.Parent)
        {
            case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Parent: IVariableDeclarationOperation declaration } }:
                return declaration.Parent is IVariableDeclarationGroupOperation { Parent: IUsingDeclarationOperation or IUsingOperation };
            case IFieldInitializerOperation field:
                return field.InitializedFields.All(f => f.IsStatic && f.IsReadOnly);
            default:
                return false;
        }
    }

    private static bool IsScalar(ITypeSymbol? type) =>
        type is { Name: "Scalar", ContainingNamespace: { Name: "TorchSharp", ContainingNamespace.IsGlobalNamespace: true } };

    private static string Describe(IMethodSymbol method) =>
        method.MethodKind switch
        {
            MethodKind.UserDefinedOperator => $"operator {method.Name} ({string.Join(", ", method.Parameters.Select(p => p.Type.Name))})",
            _ => method.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat),
        };
}
