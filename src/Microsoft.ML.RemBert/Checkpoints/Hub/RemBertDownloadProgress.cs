namespace Microsoft.ML.RemBert.Checkpoints.Hub;

/// <summary>Progress of one file's download from the Hub.</summary>
/// <param name="FileName">The file in the repository, e.g. <c>model.safetensors</c>.</param>
/// <param name="BytesDone">Bytes on disk so far, including those of a resumed partial download.</param>
/// <param name="TotalBytes">The file's size as the Hub announced it.</param>
public readonly record struct RemBertDownloadProgress(string FileName, long BytesDone, long TotalBytes);
