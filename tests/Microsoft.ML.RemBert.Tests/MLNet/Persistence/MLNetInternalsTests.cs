using Microsoft.ML.RemBert.Tests.Infrastructure;
using Microsoft.ML.RemBert.Tokenization;
using Mono.Cecil;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.RemBert.Tests.MLNet.Persistence;

/// <summary>
/// Our assembly is compiled against publicised copies of one Microsoft.ML (build/MLNetPublicizer) and calls its
/// internals at run time, so the package may only accept Microsoft.ML versions in which every ML.NET member it
/// references exists. Reads Microsoft.ML.RemBert.dll with Mono.Cecil against the lowest and the highest version of
/// the declared range (Directory.Packages.props; the lowest comes from a PackageDownload of the test project) and
/// checks that each type, method and field it references resolves there, and that each ML.NET abstract or interface
/// member our types must implement is implemented.
/// </summary>
public class MLNetInternalsTests(ITestOutputHelper output)
{
    /// <summary>The packages whose assemblies our code may reference, with the folder of their assemblies.</summary>
    private static readonly (string Package, string Lib)[] MLNetPackages =
        [("microsoft.ml", "netstandard2.0"), ("microsoft.ml.dataview", "netstandard2.0"), ("microsoft.ml.cpumath", "net8.0")];

    public static TheoryData<string> RangeEnds => new() { BuildVersions.MLNetMinimum, BuildVersions.MLNet };

    [Theory]
    [MemberData(nameof(RangeEnds))]
    public void EveryMLNetMemberWeReferenceExistsInTheVersion(string version)
    {
        using var resolver = new VersionResolver(version);
        using var module = ModuleDefinition.ReadModule(typeof(RemBertTokenizer).Assembly.Location,
            new ReaderParameters { AssemblyResolver = resolver });

        var failures = new List<string>();
        var types = module.GetTypeReferences().Where(t => resolver.IsMLNet(t)).ToArray();
        foreach (var type in types)
            if (TryResolve(type.Resolve) is null) failures.Add($"type {type.FullName}");
        var members = module.GetMemberReferences().Where(m => resolver.IsMLNet(m.DeclaringType)).ToArray();
        foreach (var member in members)
            if (TryResolve(member.Resolve) is null) failures.Add($"member {member.FullName}");
        int implemented = CheckImplementations(module, resolver, failures);

        output.WriteLine($"Microsoft.ML {version}: {types.Length} type and {members.Length} member references into " +
                         $"{string.Join(", ", resolver.Referenced)}, {implemented} abstract/interface members implemented; {failures.Count} missing.");
        Assert.True(types.Length > 50 && members.Length > 100, $"Suspiciously few ML.NET references ({types.Length} types, {members.Length} members): is the assembly the library?");
        Assert.True(failures.Count == 0, $"Missing in Microsoft.ML {version}:\n{string.Join("\n", failures)}");
    }

    /// <summary>
    /// Each abstract method of an ML.NET base class, and each method of an ML.NET interface, that one of our concrete
    /// types must implement (in this version of ML.NET) has an implementation in that type or its bases.
    /// Returns how many were checked.
    /// </summary>
    private static int CheckImplementations(ModuleDefinition module, VersionResolver resolver, List<string> failures)
    {
        int checkedCount = 0;
        foreach (var type in module.GetTypes().Where(t => t.IsClass && !t.IsAbstract && !t.IsInterface))
        {
            var chain = BaseChain(type).ToList();
            if (!chain.Any(t => resolver.IsMLNet(t))) continue;
            var ownMethods = chain.SelectMany(t => t.Methods).Where(m => !m.IsAbstract).ToList();
            foreach (var required in chain.Where(t => resolver.IsMLNet(t)).SelectMany(t => t.Methods).Where(m => m.IsAbstract))
            {
                checkedCount++;
                if (!ownMethods.Any(m => SameSignature(m, required)))
                    failures.Add($"{type.FullName} does not implement abstract {required.FullName}");
            }
            foreach (var iface in chain.SelectMany(t => t.Interfaces).Select(i => i.InterfaceType).Where(resolver.IsMLNet)
                         .Select(i => TryResolve(i.Resolve)).OfType<TypeDefinition>().DistinctBy(i => i.FullName))
            {
                foreach (var required in iface.Methods.Where(m => m.IsAbstract))
                {
                    checkedCount++;
                    bool found = ownMethods.Any(m => m.Overrides.Any(o => o.Name == required.Name && o.DeclaringType.Name == iface.Name) || SameSignature(m, required));
                    if (!found) failures.Add($"{type.FullName} does not implement {iface.FullName}.{required.Name}");
                }
            }
        }
        return checkedCount;
    }

    private static IEnumerable<TypeDefinition> BaseChain(TypeDefinition type)
    {
        for (TypeDefinition? t = type; t is not null; t = t.BaseType is null ? null : TryResolve(t.BaseType.Resolve))
            yield return t;
    }

    private static bool SameSignature(MethodDefinition candidate, MethodDefinition required) =>
        candidate.Name == required.Name
        && candidate.Parameters.Count == required.Parameters.Count
        && candidate.GenericParameters.Count == required.GenericParameters.Count
        && candidate.Parameters.Select(p => Strip(p.ParameterType)).SequenceEqual(required.Parameters.Select(p => Strip(p.ParameterType)));

    /// <summary>A parameter type's name without generic arguments (a base's T is our concrete type).</summary>
    private static string Strip(TypeReference type) => type.GetElementType().Name;

    private static T? TryResolve<T>(Func<T> resolve) where T : class
    {
        try
        {
            return resolve();
        }
        catch (AssemblyResolutionException)
        {
            return null;
        }
    }

    /// <summary>
    /// Resolves ML.NET's assemblies from one version's package folders in the NuGet cache, everything else from the
    /// running .NET and the test's own folder.
    /// </summary>
    private sealed class VersionResolver : DefaultAssemblyResolver
    {
        private readonly Dictionary<string, string> _mlnet = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, AssemblyDefinition> _loaded = new(StringComparer.OrdinalIgnoreCase);

        public VersionResolver(string version)
        {
            foreach (var (package, lib) in MLNetPackages)
            {
                string folder = Path.Combine(BuildVersions.NuGetPackageRoot, package, version, "lib", lib);
                Assert.True(Directory.Exists(folder), $"{folder} is missing: restore the test project (it downloads Microsoft.ML {version}).");
                foreach (var dll in Directory.GetFiles(folder, "*.dll"))
                    _mlnet[Path.GetFileNameWithoutExtension(dll)] = dll;
            }
            AddSearchDirectory(Path.GetDirectoryName(typeof(object).Assembly.Location)!);
            AddSearchDirectory(AppContext.BaseDirectory);
        }

        /// <summary>The ML.NET assemblies our module's references landed in.</summary>
        public SortedSet<string> Referenced { get; } = new(StringComparer.Ordinal);

        public bool IsMLNet(TypeReference type)
        {
            var element = type.GetElementType();
            while (element.DeclaringType is not null) element = element.DeclaringType;
            string? name = element.Scope switch
            {
                AssemblyNameReference reference => reference.Name,
                ModuleDefinition module => module.Assembly.Name.Name,
                _ => null,
            };
            if (name is null || !_mlnet.ContainsKey(name)) return false;
            Referenced.Add(name);
            return true;
        }

        public override AssemblyDefinition Resolve(AssemblyNameReference name)
        {
            if (!_mlnet.TryGetValue(name.Name, out var path)) return base.Resolve(name);
            if (!_loaded.TryGetValue(name.Name, out var assembly))
                _loaded[name.Name] = assembly = AssemblyDefinition.ReadAssembly(path, new ReaderParameters { AssemblyResolver = this });
            return assembly;
        }

        protected override void Dispose(bool disposing)
        {
            foreach (var assembly in _loaded.Values) assembly.Dispose();
            base.Dispose(disposing);
        }
    }
}
