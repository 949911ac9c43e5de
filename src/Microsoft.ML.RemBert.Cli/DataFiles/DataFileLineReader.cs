using Microsoft.ML.RemBert.IO;

namespace Microsoft.ML.RemBert.Cli.DataFiles;

/// <summary>
/// A <see cref="TextReader"/> of whole lines read by <see cref="DataFileLines"/>' rules (UTF-8, refused naming the line,
/// byte and offset; at most <see cref="DataFileLines.MaxLineBytes"/> per line), for a stream such as standard input.
/// Only <see cref="ReadLine"/> reads; character reads see the end of the input.
/// </summary>
internal sealed class DataFileLineReader : TextReader
{
    private readonly Stream _stream;
    private readonly IEnumerator<(int Number, string Text)> _lines;

    public DataFileLineReader(Stream stream, string source)
    {
        _stream = stream;
        _lines = DataFileLines.Read(stream, source).GetEnumerator();
    }

    public override string? ReadLine() => _lines.MoveNext() ? _lines.Current.Text : null;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _lines.Dispose();
            _stream.Dispose();
        }
        base.Dispose(disposing);
    }
}
