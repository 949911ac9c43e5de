namespace Microsoft.ML.RemBert.Cli;

/// <summary>
/// A deterministic pause for the interruption tests: with <c>REMBERT_CLI_HOLD_OUTPUT_AFTER_BYTES=N</c> set, a command's
/// output stream, once N bytes are written to it, prints <see cref="Marker"/> to standard error and waits for SIGINT or
/// SIGTERM, so a test signals the command mid-write however fast the machine writes. Unset (every real run), the
/// command writes to its stream directly.
/// </summary>
internal static class HeldOutput
{
    /// <summary>The environment variable that turns the pause on.</summary>
    public const string Variable = "REMBERT_CLI_HOLD_OUTPUT_AFTER_BYTES";

    /// <summary>The line written to standard error when the output is held.</summary>
    public const string Marker = "rembert: output held for a signal";

    private static readonly long? HoldAfter =
        long.TryParse(Environment.GetEnvironmentVariable(Variable), out var bytes) && bytes >= 0 ? bytes : null;

    /// <summary><paramref name="output"/> itself, or, with the variable set, a stream that holds after that many bytes until <paramref name="cancellationToken"/> is cancelled.</summary>
    public static Stream Wrap(Stream output, CancellationToken cancellationToken) =>
        HoldAfter is { } bytes ? new HoldingStream(output, bytes, cancellationToken) : output;

    private sealed class HoldingStream(Stream inner, long holdAfter, CancellationToken cancellationToken) : Stream
    {
        private long written;

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            inner.Write(buffer);
            written += buffer.Length;
            if (written < holdAfter) return;
            inner.Flush();
            Console.Error.WriteLine(Marker);
            Console.Error.Flush();
            cancellationToken.WaitHandle.WaitOne();
            cancellationToken.ThrowIfCancellationRequested();
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override void WriteByte(byte value) => Write([value]);
        public override void Flush() => inner.Flush();
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
