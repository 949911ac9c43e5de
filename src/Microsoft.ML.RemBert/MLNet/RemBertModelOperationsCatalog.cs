using Microsoft.ML.RemBert.IO;

// In the Microsoft.ML namespace, like ML.NET's own catalog extensions, so `using Microsoft.ML;` is enough.
namespace Microsoft.ML;

/// <summary>
/// Saving model files so that a crash, a full disk or Ctrl+C never leaves half of one: the file is written beside its
/// final place, flushed to disk and renamed over the path only when complete, so readers (a server reloading the zip)
/// see the old file or the whole new one. A symbolic link is followed and stays a link; a character device or pipe
/// (<c>/dev/stdout</c>) is written straight to; a directory, block device or socket is refused, naming the path, before
/// anything is written. The library's own saves (checkpoints, <c>SaveAsPretrained</c>) follow the same rules.
/// </summary>
public static class RemBertModelOperationsCatalog
{
    /// <summary>
    /// <c>mlContext.Model.Save(model, inputSchema, filePath)</c>, atomically: the zip at <paramref name="filePath"/> is
    /// replaced whole or left as it was.
    /// </summary>
    /// <param name="catalog">mlContext.Model.</param>
    /// <param name="model">The trained pipeline (any ML.NET transformer chain, with or without RemBERT in it).</param>
    /// <param name="inputSchema">The schema of the data the model was trained on, as for <c>Model.Save</c>.</param>
    /// <param name="filePath">The zip to create or replace; its directory must exist.</param>
    /// <exception cref="IOException">The path is a directory, block device or socket (the message names it), or the write failed (the path is unchanged).</exception>
    public static void SaveAtomically(this ModelOperationsCatalog catalog, ITransformer model, DataViewSchema inputSchema, string filePath)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(model);
        catalog.SaveAtomically(filePath, stream => catalog.Save(model, inputSchema, stream));
    }

    /// <summary>
    /// Writes a model file through <paramref name="save"/> atomically, for saves that write a stream, e.g.
    /// <c>mlContext.Model.SaveAtomically("model.onnx", stream =&gt; mlContext.Model.ConvertToOnnx(model, data, stream))</c>.
    /// When <paramref name="save"/> throws, the partial file is deleted and the path is unchanged.
    /// </summary>
    /// <param name="catalog">mlContext.Model.</param>
    /// <param name="filePath">The file to create or replace; its directory must exist.</param>
    /// <param name="save">Writes the whole file to the stream it is given (and does not keep the stream).</param>
    /// <exception cref="IOException">The path is a directory, block device or socket (the message names it), or the write failed (the path is unchanged).</exception>
    public static void SaveAtomically(this ModelOperationsCatalog catalog, string filePath, Action<Stream> save)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        ArgumentNullException.ThrowIfNull(save);
        AtomicFile.Write(filePath, save);
    }
}
