namespace Microsoft.ML.RemBert.MLNet.Persistence;

/// <summary>
/// Adapters from ML.NET's model contexts to <see cref="VersionedEntry"/>: a named binary entry in the
/// transformer's directory of the model zip. ML.NET writes entries through a temporary file
/// (RepositoryWriter) and mlContext.Model.Load extracts each to a temporary file, so an entry may be larger than
/// 2 GB as long as the body is streamed (see <see cref="BinaryPayloads"/>), never built in memory.
/// </summary>
internal static class ModelContextEntries
{
    /// <summary>Writes the entry <paramref name="name"/> next to the transformer's own model stream.</summary>
    public static void SaveEntry(this ModelSaveContext ctx, string name, EntryFormatVersion version, Action<BinaryWriter> writeBody)
        => ctx.SaveBinaryStream(name, writer => VersionedEntry.Write(writer, version, writeBody));

    /// <summary>Reads the entry <paramref name="name"/>; a missing entry is an error naming it.</summary>
    public static T LoadEntry<T>(this ModelLoadContext ctx, string name, EntryFormatVersion version, Func<BinaryReader, int, T> readBody)
    {
        string entryPath = EntryPath(ctx, name);
        T result = default!;
        bool found = ctx.TryLoadBinaryStream(name, reader => result = VersionedEntry.Read(reader, entryPath, version, readBody));
        if (!found)
            throw new RemBertModelFormatException(entryPath, "missing from the model zip (was it written by an incompatible version, or edited?).");
        return result;
    }

    /// <summary>The zip path of an entry in the context's directory, for error messages.</summary>
    public static string EntryPath(ModelLoadContext ctx, string name)
        => string.IsNullOrEmpty(ctx.Directory) ? name : $"{ctx.Directory.Replace('\\', '/')}/{name}";
}
