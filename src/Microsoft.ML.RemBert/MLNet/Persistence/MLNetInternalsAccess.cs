// ML.NET's model persistence API (LoadableClass, VersionInfo, ModelSaveContext/ModelLoadContext, the transformer
// base classes and row mappers) is internal. We compile against publicized copies of these assemblies
// (build/MLNetPublicizer/MLNetPublicizer.targets); at run time these attributes tell the CLR to skip access checks
// when our code uses those internals of the real assemblies. Valid only for the Microsoft.ML versions the tests prove
// (Directory.Packages.props; MLNet/MLNetVersionCheck.cs refuses others at run time).
[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo("Microsoft.ML.Core")]
[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo("Microsoft.ML.Data")]

namespace System.Runtime.CompilerServices
{
    /// <summary>
    /// Recognised by the CLR (by name, not by type identity) but not shipped in the BCL, so every assembly that
    /// uses it declares its own copy; internal so it never clashes with another assembly's copy.
    /// </summary>
    [AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
    internal sealed class IgnoresAccessChecksToAttribute : Attribute
    {
        public IgnoresAccessChecksToAttribute(string assemblyName) => AssemblyName = assemblyName;

        /// <summary>Simple name of the assembly whose internals this assembly may use.</summary>
        public string AssemblyName { get; }
    }
}
