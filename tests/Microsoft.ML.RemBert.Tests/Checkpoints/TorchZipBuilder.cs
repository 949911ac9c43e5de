using System.IO.Compression;
using System.Text;

namespace Microsoft.ML.RemBert.Tests.Checkpoints;

/// <summary>
/// Writes torch.save-format zips by hand, pickle opcode by opcode, for layouts the fixtures lack: views with
/// storage offsets and strides, several keys sharing one storage, storages shorter than their views claim.
/// </summary>
internal sealed class TorchZipBuilder
{
    private readonly List<(string Key, string StorageKey, long StorageElements, long Offset, long[] Shape, long[] Stride)> _tensors = new();
    private readonly Dictionary<string, float[]> _storages = new();

    /// <summary>Adds a float32 storage (archive entry data/<paramref name="key"/>).</summary>
    public TorchZipBuilder Storage(string key, float[] values)
    {
        _storages[key] = values;
        return this;
    }

    /// <summary>Adds a state-dict entry viewing <paramref name="storageKey"/>; <paramref name="storageElements"/> is what the pickle claims.</summary>
    public TorchZipBuilder Tensor(string key, string storageKey, long offset, long[] shape, long[] stride, long? storageElements = null)
    {
        _tensors.Add((key, storageKey, storageElements ?? _storages[storageKey].Length, offset, shape, stride));
        return this;
    }

    /// <summary>Writes the zip to <paramref name="path"/>.</summary>
    public void Write(string path) => WriteArchive(path, Pickle(), _storages);

    /// <summary>Writes a torch.save-layout zip around a hand-made <paramref name="pickle"/> (data.pkl) and float32 storages.</summary>
    public static void WriteArchive(string path, byte[] pickle, IReadOnlyDictionary<string, float[]>? storages = null)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        WriteEntry(zip, "archive/data.pkl", pickle);
        WriteEntry(zip, "archive/version", Encoding.ASCII.GetBytes("3\n"));
        foreach (var (key, values) in storages ?? new Dictionary<string, float[]>())
            WriteEntry(zip, $"archive/data/{key}", values.SelectMany(BitConverter.GetBytes).ToArray());
    }

    /// <summary>The data.pkl this builder writes.</summary>
    public byte[] Pickle()
    {
        var p = new MemoryStream();
        p.Write(new byte[] { 0x80, 2, (byte)'}', (byte)'(' }); // PROTO 2, EMPTY_DICT, MARK
        foreach (var t in _tensors)
        {
            Unicode(p, t.Key);
            Global(p, "torch._utils", "_rebuild_tensor_v2");
            p.WriteByte((byte)'(');
            p.WriteByte((byte)'(');
            Unicode(p, "storage");
            Global(p, "torch", "FloatStorage");
            Unicode(p, t.StorageKey);
            Unicode(p, "cpu");
            Int(p, t.StorageElements);
            p.WriteByte((byte)'t');
            p.WriteByte((byte)'Q'); // BINPERSID
            Int(p, t.Offset);
            Tuple(p, t.Shape);
            Tuple(p, t.Stride);
            p.WriteByte(0x89); // NEWFALSE: requires_grad
            Global(p, "collections", "OrderedDict");
            p.WriteByte((byte)')');
            p.WriteByte((byte)'R');
            p.WriteByte((byte)'t');
            p.WriteByte((byte)'R');
        }
        p.Write(new byte[] { (byte)'u', (byte)'.' }); // SETITEMS, STOP
        return p.ToArray();
    }

    private static void Unicode(Stream p, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        p.WriteByte((byte)'X');
        p.Write(BitConverter.GetBytes(bytes.Length));
        p.Write(bytes);
    }

    private static void Global(Stream p, string module, string name) =>
        p.Write(Encoding.ASCII.GetBytes($"c{module}\n{name}\n"));

    /// <summary>BININT for 32-bit values, LONG1 (8 little-endian bytes) beyond, as Python pickles them.</summary>
    private static void Int(Stream p, long value)
    {
        if (value is >= int.MinValue and <= int.MaxValue)
        {
            p.WriteByte((byte)'J');
            p.Write(BitConverter.GetBytes((int)value));
            return;
        }
        p.WriteByte(0x8a);
        p.WriteByte(sizeof(long));
        p.Write(BitConverter.GetBytes(value));
    }

    private static void Tuple(Stream p, long[] values)
    {
        p.WriteByte((byte)'(');
        foreach (var value in values) Int(p, value);
        p.WriteByte((byte)'t');
    }

    private static void WriteEntry(ZipArchive zip, string name, byte[] bytes)
    {
        using var entry = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
        entry.Write(bytes);
    }
}
