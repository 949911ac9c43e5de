namespace Microsoft.ML.RemBert.MLNet.Persistence;

/// <summary>
/// The binary format versions of one kind of zip entry: the version new files are written in and the oldest
/// version this build can still read. Bump <see cref="Current"/> whenever the layout documented at the
/// save/load sites changes, and keep the reader able to read every version down to <see cref="OldestReadable"/>.
/// </summary>
internal readonly record struct EntryFormatVersion(int Current, int OldestReadable)
{
    /// <summary>Whether a file written in <paramref name="version"/> can be read by this build.</summary>
    public bool CanRead(int version) => version >= OldestReadable && version <= Current;
}
