using System.Reflection;
using System.Security.Cryptography;

namespace Microsoft.ML.RemBert;

/// <summary>The checkpoint files embedded in an assembly, with a hash of their names and contents.</summary>
internal sealed class DefaultModelResources
{
    /// <summary>The manifest resource names start with this, then the file name.</summary>
    internal const string Prefix = "RemBertDefaultModel/";

    /// <summary>Every file a transformers checkpoint directory of this model needs.</summary>
    internal static readonly string[] RequiredFiles = ["config.json", "model.safetensors", "sentencepiece.model", "tokenizer_config.json"];

    private readonly Assembly assembly;

    private DefaultModelResources(Assembly assembly, IReadOnlyList<string> fileNames, string contentHash)
    {
        this.assembly = assembly;
        FileNames = fileNames;
        ContentHash = contentHash;
    }

    /// <summary>The embedded file names, sorted.</summary>
    public IReadOnlyList<string> FileNames { get; }

    /// <summary>Lower-case hex SHA-256 over every file's name and bytes (the first 16 digits name the cache directory).</summary>
    public string ContentHash { get; }

    /// <summary>Opens one embedded file.</summary>
    public Stream Open(string fileName) =>
        assembly.GetManifestResourceStream(Prefix + fileName) ?? throw new InvalidOperationException($"Resource '{Prefix + fileName}' vanished from {assembly.GetName().Name}.");

    /// <summary>Finds the files in <paramref name="assembly"/>; throws naming the missing ones when the checkpoint is incomplete.</summary>
    /// <exception cref="InvalidOperationException">A required file is not embedded.</exception>
    public static DefaultModelResources Load(Assembly assembly)
    {
        var names = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal))
            .Select(n => n[Prefix.Length..])
            .Order(StringComparer.Ordinal)
            .ToList();
        var missing = RequiredFiles.Except(names, StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
            throw new InvalidOperationException(
                $"The embedded default model is missing from {assembly.GetName().Name} ({string.Join(", ", missing)} not embedded): this build was made " +
                "without its weights. Build them with models/default/build.sh (they go to src/Microsoft.ML.RemBert.DefaultModel/Model/), " +
                "or pass a checkpoint directory or Hugging Face Hub id such as google/rembert instead.");

        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        foreach (var name in names)
        {
            // The name and length go in too, so renaming a file or moving bytes between files changes the hash.
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes(name + "\0"));
            using var stream = assembly.GetManifestResourceStream(Prefix + name)!;
            sha.AppendData(BitConverter.GetBytes(stream.Length));
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
                sha.AppendData(buffer, 0, read);
        }
        return new DefaultModelResources(assembly, names, Convert.ToHexStringLower(sha.GetHashAndReset()));
    }
}
