namespace Microsoft.ML.RemBert.MLNet.Persistence;

/// <summary>
/// Write-only pass-through that counts bytes, so a streamed payload can be checked against its declared length
/// without buffering it; disposing it leaves the underlying stream open.
/// </summary>
internal sealed class CountingWriteStream : Stream
{
    private readonly Stream _inner;

    public CountingWriteStream(Stream inner) => _inner = inner;

    /// <summary>Bytes written through this stream so far.</summary>
    public long BytesWritten { get; private set; }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => BytesWritten;
    public override long Position { get => BytesWritten; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _inner.Write(buffer);
        BytesWritten += buffer.Length;
    }

    public override void Flush() => _inner.Flush();
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
