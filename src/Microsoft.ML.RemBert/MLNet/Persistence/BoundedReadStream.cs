namespace Microsoft.ML.RemBert.MLNet.Persistence;

/// <summary>
/// Read-only view of the next <c>length</c> bytes of another stream, so a payload reader cannot read past its
/// payload; disposing it leaves the underlying stream open.
/// </summary>
internal sealed class BoundedReadStream : Stream
{
    // Below the large-object-heap threshold: skipping is rare (a reader of an older layout) and needs no speed.
    private const int SkipBufferBytes = 64 << 10;

    private readonly Stream _inner;
    private readonly long _length;
    private readonly string _what;
    private long _position;

    public BoundedReadStream(Stream inner, long length, string what)
    {
        _inner = inner;
        _length = length;
        _what = what;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => _length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        long remaining = _length - _position;
        if (remaining == 0)
            return 0;
        int want = (int)Math.Min(buffer.Length, remaining);
        int read = _inner.Read(buffer[..want]);
        if (read == 0 && want > 0)
            throw new EndOfStreamException($"{_what}: ends after {_position} of {_length} bytes.");
        _position += read;
        return read;
    }

    /// <summary>Consumes the unread rest of the payload.</summary>
    public void SkipRemaining()
    {
        byte[] scratch = new byte[Math.Min(SkipBufferBytes, Math.Max(1, _length - _position))];
        while (Read(scratch) > 0)
        {
        }
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
