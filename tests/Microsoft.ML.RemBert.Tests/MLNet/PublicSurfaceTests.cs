using System.Reflection;
using Microsoft.ML.RemBert.Tokenization;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.RemBert.Tests.MLNet;

/// <summary>
/// The library compiles against publicized copies of Microsoft.ML.Core and Microsoft.ML.Data, where every ML.NET
/// internal is public (build/MLNetPublicizer, MLNet/Persistence/MLNetInternalsAccess.cs), so the compiler would let a
/// public member of ours take or return an ML.NET internal that no user can name. Walks every public and protected
/// signature of the package's assemblies — base types, constructors, methods (return, parameters, generic
/// constraints), properties, fields and events, through generic arguments and element types — and checks that each
/// Microsoft.ML* type in them is visible in the ML.NET assemblies loaded at run time: the real ones, not the copies.
/// </summary>
/// <remarks>
/// Interfaces a public type implements are not checked: ML.NET's own transformers implement its internal interfaces
/// (ICanSaveModel's persistence, ICanSaveOnnx) and a user cannot reach them; a member of such an interface that we
/// implement as a public method does show in the walk.
/// </remarks>
public class PublicSurfaceTests(ITestOutputHelper output)
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance |
                                          BindingFlags.Static | BindingFlags.DeclaredOnly;

    [Fact]
    public void TheMLNetLoadedHereIsTheRealOneWithItsInternalsHidden()
    {
        // The test assembly compiles against the publicized copies too; at run time it must see the real ML.NET, or
        // the walk below would pass everything.
        Assert.False(typeof(Microsoft.ML.Data.IInternalCatalog).IsVisible,
            $"Microsoft.ML.Data.IInternalCatalog is public in {typeof(Microsoft.ML.Data.IInternalCatalog).Assembly.Location}: the tests run against a publicized ML.NET.");
    }

    [Fact]
    public void NoPublicSignatureExposesAnMLNetInternal()
    {
        var assemblies = new[] { typeof(RemBertTokenizer).Assembly, typeof(RemBertDefaultModel).Assembly };
        var leaks = new List<string>();
        int signatures = 0, mlnetTypes = 0;
        foreach (var type in assemblies.SelectMany(a => a.GetExportedTypes()))
        {
            var found = Leaks(type, ref signatures, ref mlnetTypes);
            leaks.AddRange(found);
        }
        output.WriteLine($"{assemblies.Sum(a => a.GetExportedTypes().Length)} public types, {signatures} public signatures, " +
                         $"{mlnetTypes} references to Microsoft.ML* types; {leaks.Count} to ML.NET internals.");
        Assert.True(signatures > 500 && mlnetTypes > 50, $"Suspiciously small public surface ({signatures} signatures, {mlnetTypes} ML.NET types): is the assembly the library?");
        Assert.True(leaks.Count == 0, "Public signatures that name ML.NET internals (users cannot compile against them; make the member internal or use a public ML.NET type):\n" +
                                      string.Join("\n", leaks.Distinct()));
    }

    [Fact]
    public void NoPublicTypeLivesInAnInternalsNamespace()
    {
        // docs/public-api.md: Microsoft.ML.RemBert.MLNet.* and Microsoft.ML.RemBert.IO hold the plumbing; users find
        // public types under Microsoft.ML, Microsoft.ML.RemBert.Trainers, .Transforms, .Serving, .Modeling, ...
        var misplaced = typeof(RemBertTokenizer).Assembly.GetExportedTypes()
            .Where(t => t.Namespace is { } ns && (ns.StartsWith("Microsoft.ML.RemBert.MLNet", StringComparison.Ordinal)
                                                  || ns.StartsWith("Microsoft.ML.RemBert.IO", StringComparison.Ordinal)))
            .Select(t => t.FullName).ToList();
        Assert.True(misplaced.Count == 0, "Public types in an internals namespace:\n" + string.Join("\n", misplaced));
    }

    [Fact]
    public void TheWalkFindsAnInternalInEachKindOfSignature()
    {
        int signatures = 0, mlnetTypes = 0;
        var leaks = Leaks(typeof(LeakyApi), ref signatures, ref mlnetTypes);
        Assert.Equal(
            new[] { "Field", "Method(parameter)", "Method(return)", "Property", "ProtectedMethod(parameter)", "Generic(constraint)", ".ctor(parameter)" }
                .Select(m => $"LeakyApi.{m}").Order(),
            leaks.Select(l => l[..l.IndexOf(':')].Replace(typeof(LeakyApi).FullName!, "LeakyApi")).Order());
        Assert.All(leaks, l => Assert.Contains("Microsoft.ML.Data.IInternalCatalog", l));
    }

    /// <summary>
    /// "<c>Type.Member(where): ML.NET type</c>" for every Microsoft.ML* type in <paramref name="type"/>'s public
    /// signatures that is not visible outside ML.NET.
    /// </summary>
    private static List<string> Leaks(Type type, ref int signatures, ref int mlnetTypes)
    {
        var leaks = new List<string>();
        int count = 0, mlnet = 0;
        void Check(string where, Type? used)
        {
            count++;
            foreach (var t in Constituents(used))
            {
                if (!IsMLNet(t)) continue;
                mlnet++;
                if (!t.IsVisible) leaks.Add($"{type.FullName}.{where}: {t.FullName}");
            }
        }

        Check("(base type)", type.BaseType);
        foreach (var constraint in type.IsGenericTypeDefinition ? type.GetGenericArguments().SelectMany(g => g.GetGenericParameterConstraints()) : Type.EmptyTypes)
            Check("(constraint)", constraint);
        bool inheritable = !type.IsSealed;
        foreach (var member in type.GetMembers(Declared).Where(m => IsReachable(m, inheritable)))
        {
            switch (member)
            {
                case MethodBase method:
                    if (method is MethodInfo info)
                    {
                        Check($"{method.Name}(return)", info.ReturnType);
                        if (info.IsGenericMethodDefinition)
                            foreach (var constraint in info.GetGenericArguments().SelectMany(g => g.GetGenericParameterConstraints()))
                                Check($"{method.Name}(constraint)", constraint);
                    }
                    foreach (var parameter in method.GetParameters()) Check($"{method.Name}(parameter)", parameter.ParameterType);
                    break;
                case PropertyInfo property:
                    Check(property.Name, property.PropertyType);
                    foreach (var index in property.GetIndexParameters()) Check(property.Name, index.ParameterType);
                    break;
                case FieldInfo field:
                    Check(field.Name, field.FieldType);
                    break;
                case EventInfo @event:
                    Check(@event.Name, @event.EventHandlerType);
                    break;
            }
        }
        signatures += count;
        mlnetTypes += mlnet;
        return leaks;
    }

    /// <summary>Public, or protected on a type a user can derive from; property and event accessors through their property or event.</summary>
    private static bool IsReachable(MemberInfo member, bool inheritable) => member switch
    {
        MethodBase m when m.IsSpecialName && !m.IsConstructor => false,
        MethodBase m => m.IsPublic || (inheritable && (m.IsFamily || m.IsFamilyOrAssembly)),
        FieldInfo f => f.IsPublic || (inheritable && (f.IsFamily || f.IsFamilyOrAssembly)),
        PropertyInfo p => p.GetAccessors(nonPublic: true).Any(a => a.IsPublic || (inheritable && (a.IsFamily || a.IsFamilyOrAssembly))),
        EventInfo e => e.AddMethod is { } add && (add.IsPublic || (inheritable && (add.IsFamily || add.IsFamilyOrAssembly))),
        _ => false, // nested types are walked as exported types of their own
    };

    /// <summary>The type and every type it is built from: generic arguments, array/pointer/by-ref elements, declaring types.</summary>
    private static IEnumerable<Type> Constituents(Type? type)
    {
        if (type is null || type.IsGenericParameter) yield break;
        if (type.HasElementType)
        {
            foreach (var t in Constituents(type.GetElementType())) yield return t;
            yield break;
        }
        yield return type;
        if (type.IsGenericType)
            foreach (var argument in type.GetGenericArguments())
                foreach (var t in Constituents(argument)) yield return t;
    }

    private static bool IsMLNet(Type type)
    {
        string name = type.Assembly.GetName().Name!;
        return (name == "Microsoft.ML" || name.StartsWith("Microsoft.ML.", StringComparison.Ordinal))
               && !name.StartsWith("Microsoft.ML.RemBert", StringComparison.Ordinal);
    }

    /// <summary>What the walk must catch: each kind of signature naming an ML.NET internal (public only in the copies we compile against).</summary>
    public class LeakyApi(Microsoft.ML.Data.IInternalCatalog catalog)
    {
#pragma warning disable CA1051 // a public field is the point of this fixture
        public Microsoft.ML.Data.IInternalCatalog? Field = catalog;
#pragma warning restore CA1051

        public Microsoft.ML.Data.IInternalCatalog? Property => Field;

        public List<Microsoft.ML.Data.IInternalCatalog> Method(Microsoft.ML.Data.IInternalCatalog[] catalogs) => catalogs.ToList();

        public void Generic<T>() where T : Microsoft.ML.Data.IInternalCatalog { }

        protected void ProtectedMethod(Microsoft.ML.Data.IInternalCatalog value) => Field = value;

        // Private: not part of the surface, so not reported.
        private void Hidden(Microsoft.ML.Data.IInternalCatalog value) => Field = value;
    }
}
