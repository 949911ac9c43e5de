using TorchSharp;

namespace Microsoft.ML.RemBert.Checkpoints;

/// <summary>
/// Reads a Hugging Face checkpoint directory (safetensors or torch.save, single-file or sharded) lazily:
/// opening reads only headers, so every key's type and shape is known, and <see cref="ReadInto"/> streams one
/// tensor straight into its destination. Loading a model therefore never needs a second copy of its weights.
/// </summary>
internal sealed class CheckpointReader : IDisposable
{
    private const string SafeTensorsExtension = ".safetensors";

    private readonly List<ICheckpointFile> _files;
    private readonly Dictionary<string, (CheckpointTensorInfo Info, ICheckpointFile File)> _index;

    private CheckpointReader(string source, List<ICheckpointFile> files)
    {
        Source = source;
        _files = files;
        _index = new Dictionary<string, (CheckpointTensorInfo, ICheckpointFile)>(StringComparer.Ordinal);
        foreach (var file in files)
            foreach (var tensor in file.Tensors)
                if (!_index.TryAdd(tensor.Key, (tensor, file)))
                    throw new CheckpointFormatException(file.FilePath, $"key '{tensor.Key}' is also in '{_index[tensor.Key].File.FilePath}'.");
        Keys = files.SelectMany(f => f.Tensors.Select(t => t.Key)).ToArray();
    }

    /// <summary>The weights file or index this reader was opened on.</summary>
    public string Source { get; }

    /// <summary>Every key in the checkpoint, in file order.</summary>
    public IReadOnlyList<string> Keys { get; }

    /// <summary>The files whose tensors are read (one, or every shard).</summary>
    public IReadOnlyList<string> Files => _files.Select(f => f.FilePath).ToArray();

    /// <summary>Opens the weights in <paramref name="directory"/>, preferring safetensors like transformers does.</summary>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="FileNotFoundException">No weights file is present; the message lists the names looked for.</exception>
    /// <exception cref="CheckpointFormatException">The weights file is damaged or not a checkpoint.</exception>
    public static CheckpointReader Open(string directory)
    {
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Checkpoint directory '{directory}' does not exist.");
        foreach (var name in CheckpointFileNames.WeightsFilesInPreferenceOrder)
        {
            string path = Path.Combine(directory, name);
            if (File.Exists(path)) return OpenFile(path);
        }
        throw new FileNotFoundException(
            $"Checkpoint directory '{directory}' has no weights file; looked for {string.Join(", ", CheckpointFileNames.WeightsFilesInPreferenceOrder)}.");
    }

    /// <summary>Opens one weights file: <c>*.safetensors</c>, a torch.save zip, or a sharded <c>*.index.json</c>.</summary>
    public static CheckpointReader OpenFile(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Checkpoint file '{path}' does not exist.", path);
        var files = new List<ICheckpointFile>();
        try
        {
            if (path.EndsWith(".index.json", StringComparison.OrdinalIgnoreCase))
            {
                string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
                foreach (var shard in ShardedCheckpointIndex.ReadShardFileNames(path))
                    files.Add(OpenSingle(Path.Combine(folder, shard)));
            }
            else
            {
                files.Add(OpenSingle(path));
            }
            return new CheckpointReader(path, files);
        }
        catch
        {
            foreach (var file in files) file.Dispose();
            throw;
        }
    }

    /// <summary>True when the checkpoint holds <paramref name="key"/>.</summary>
    public bool Contains(string key) => _index.ContainsKey(key);

    /// <summary>The type, shape and file of <paramref name="key"/>.</summary>
    /// <exception cref="KeyNotFoundException">The key is not in the checkpoint.</exception>
    public CheckpointTensorInfo GetInfo(string key) =>
        _index.TryGetValue(key, out var entry) ? entry.Info : throw new KeyNotFoundException($"Key '{key}' is not in checkpoint '{Source}'.");

    /// <summary>
    /// Reads <paramref name="key"/> into <paramref name="destination"/>, which must have the same shape; the
    /// element type and device may differ (the data is converted).
    /// </summary>
    /// <exception cref="CheckpointShapeMismatchException">The shapes differ.</exception>
    public void ReadInto(string key, torch.Tensor destination)
    {
        var info = GetInfo(key);
        if (!TensorShapes.SameShape(info.Shape, destination.shape))
            throw new CheckpointShapeMismatchException(key, info.Shape, destination.shape, info.FilePath);
        _index[key].File.ReadInto(info, destination);
    }

    /// <summary>Reads <paramref name="key"/> into a new CPU tensor of the stored type (for inspection and tests).</summary>
    public torch.Tensor Read(string key)
    {
        var info = GetInfo(key);
        var tensor = torch.empty(info.Shape.ToArray(), info.DType);
        ReadInto(key, tensor);
        return tensor;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var file in _files) file.Dispose();
    }

    private static ICheckpointFile OpenSingle(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Checkpoint file '{path}' does not exist.", path);
        // The extension decides, so a damaged file gets the error of the format it claims to be.
        return path.EndsWith(SafeTensorsExtension, StringComparison.OrdinalIgnoreCase) ? SafeTensorsFile.Open(path) : TorchZipFile.Open(path);
    }
}
