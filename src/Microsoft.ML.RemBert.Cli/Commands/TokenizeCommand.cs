using Microsoft.ML.RemBert.Tokenization.SentencePiece;
using System.CommandLine;
using System.CommandLine.Invocation;
using System.Text;
using Microsoft.ML.RemBert.Checkpoints.Hub;
using Microsoft.ML.RemBert.Cli.DataFiles;
using Microsoft.ML.RemBert.IO;
using Microsoft.ML.RemBert.Tokenization;

namespace Microsoft.ML.RemBert.Cli.Commands;

/// <summary><c>rembert tokenize --tokenizer PATH [--raw] [--max-length N]</c>: one line of space-separated ids per
/// UTF-8 input line read from stdin.</summary>
/// <remarks>System.CommandLine.Command is written out in full: the namespace Microsoft.ML.Command (from Microsoft.ML) hides it here.</remarks>
public static class TokenizeCommand
{
    private const char PairSeparator = '\t';
    private const char IdSeparator = ' ';
    private const int StreamBufferSize = 1 << 16;
    private const int MaxIdChars = 11;

    /// <summary>The largest SentencePiece model read (google/rembert's is 4.7 MB); refuses /dev/zero and the like before reading.</summary>
    public const long MaxTokenizerModelBytes = 256L << 20;

    /// <summary>The command reading stdin and writing stdout; SIGINT/SIGTERM stop it through <paramref name="interruption"/>.</summary>
    public static System.CommandLine.Command Create(Interruption interruption) => Create(
        // Lines by the rules of every data file: UTF-8 (invalid bytes are refused naming the line, not tokenized as U+FFFD)
        // and at most DataFileLines.MaxLineBytes long.
        () => new DataFileLineReader(Console.OpenStandardInput(), "standard input"),
        () => new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), StreamBufferSize), interruption);

    /// <summary>The command reading the lines from <paramref name="openInput"/> and writing ids to <paramref name="openOutput"/>
    /// (both disposed when it ends); errors go to the invocation's error writer.</summary>
    public static System.CommandLine.Command Create(Func<TextReader> openInput, Func<TextWriter> openOutput) =>
        Create(openInput, openOutput, Interruption.None());

    private static System.CommandLine.Command Create(Func<TextReader> openInput, Func<TextWriter> openOutput, Interruption interruption)
    {
        var tokenizer = new Option<string>("--tokenizer")
        {
            Description = "A SentencePiece .model file, a RemBERT checkpoint directory (sentencepiece.model + tokenizer_config.json) or a Hub id (google/rembert).",
        };
        var raw = new Option<bool>("--raw")
        {
            Description = "Only SentencePiece ids (like spm_encode --output_format=id): no special tokens, a TAB is ordinary text.",
        };
        var maxLength = new Option<int?>("--max-length")
        {
            Description = "Truncate each encoding (special tokens included) to N ids, longest sequence first.",
        };
        var command = new System.CommandLine.Command("tokenize",
            "Tokenizes UTF-8 lines from stdin into one line of space-separated ids each: [CLS] A [SEP], or [CLS] A [SEP] B [SEP] for a TAB-separated pair.")
        {
            tokenizer, raw, maxLength,
        };
        command.Action = new TokenizeAction(tokenizer, raw, maxLength, openInput, openOutput, interruption);
        return command;
    }

    /// <summary>Runs on parse errors too (<see cref="ClearsParseErrors"/>) so that they exit with <see cref="ExitCodes.UsageError"/>.</summary>
    private sealed class TokenizeAction(Option<string> tokenizerOption, Option<bool> rawOption, Option<int?> maxLengthOption,
        Func<TextReader> openInput, Func<TextWriter> openOutput, Interruption interruption) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            var error = parseResult.InvocationConfiguration.Error;
            if (parseResult.Errors.Count > 0) return Usage(error, string.Join(Environment.NewLine, parseResult.Errors.Select(e => e.Message)));
            // Clearing parse errors also clears the ones about unknown arguments, so those are checked here.
            if (parseResult.UnmatchedTokens.Count > 0) return Usage(error, $"unrecognized argument(s): {string.Join(' ', parseResult.UnmatchedTokens)}.");
            var path = parseResult.GetValue(tokenizerOption);
            var raw = parseResult.GetValue(rawOption);
            var maxLength = parseResult.GetValue(maxLengthOption);
            if (string.IsNullOrEmpty(path)) return Usage(error, "--tokenizer PATH is required.");
            if (maxLength is < 1) return Usage(error, $"--max-length must be a positive number of ids, got {maxLength}.");
            if (raw && maxLength is not null) return Usage(error, "--max-length applies to encodings with special tokens; it cannot be combined with --raw.");

            return CliErrors.Run("tokenize", error, interruption, () =>
            {
                var encode = raw ? RawEncoder(path) : SpecialTokenEncoder(path, maxLength);
                using var input = openInput();
                using var output = new StandardOutput(openOutput());
                var lineNumber = 0;
                var pending = new StringBuilder();
                for (var line = ReadBoundedLine(input, pending, lineNumber + 1); line is not null; line = ReadBoundedLine(input, pending, lineNumber + 1))
                {
                    lineNumber++;
                    interruption.Token.ThrowIfCancellationRequested();
                    IReadOnlyList<int> ids;
                    try
                    {
                        ids = encode(line);
                    }
                    catch (ArgumentException e)
                    {
                        // The tokenizer's argument checks (a pair that cannot be truncated to --max-length): here, a bad line.
                        throw new InvalidDataException($"standard input, line {lineNumber}: {e.Message}", e);
                    }
                    output.Write(writer => WriteIds(writer, ids));
                }
                output.Write(writer => writer.Flush());
            });
        }

        /// <summary>
        /// The next line, refused past <see cref="DataFileLines.MaxLineBytes"/> characters before more is held (ReadLine
        /// would build a 50 MB line whole); null at the end of the input. Standard input's reader checks its lines itself.
        /// </summary>
        private static string? ReadBoundedLine(TextReader input, StringBuilder line, int lineNumber)
        {
            if (input is DataFileLineReader checkedLines) return checkedLines.ReadLine();
            line.Clear();
            for (int c = input.Read(); ; c = input.Read())
            {
                if (c < 0) return line.Length > 0 ? line.ToString() : null;
                if (c == '\n') return line.ToString();
                if (c == '\r')
                {
                    if (input.Peek() == '\n') input.Read();
                    return line.ToString();
                }
                if (line.Length == DataFileLines.MaxLineBytes)
                    throw new InvalidDataException($"standard input, line {lineNumber} is longer than {DataFileLines.MaxLineBytes:N0} characters, the longest line a data file may have.");
                line.Append((char)c);
            }
        }

        private static int Usage(TextWriter error, string message)
        {
            error.WriteLine($"rembert tokenize: {message}");
            error.WriteLine("usage: rembert tokenize --tokenizer PATH [--raw] [--max-length N] < lines.txt");
            return ExitCodes.UsageError;
        }
    }

    /// <summary>SentencePiece alone, so any .model works (a BPE model without RemBERT's special tokens too).</summary>
    private static Func<string, IReadOnlyList<int>> RawEncoder(string path)
    {
        var model = SentencePieceProcessor.Load(CheckedModelFile(Source(path)));
        return model.EncodeToIds;
    }

    private static Func<string, IReadOnlyList<int>> SpecialTokenEncoder(string path, int? maxLength)
    {
        path = Source(path);
        CheckedModelFile(path);
        var tokenizer = RemBertTokenizer.FromPretrained(path);
        var options = new RemBertEncodeOptions { MaxLength = maxLength, Truncation = TruncationStrategy.LongestFirst };
        return line =>
        {
            var tab = line.IndexOf(PairSeparator);
            return tab < 0
                ? tokenizer.Encode(line, null, options).InputIds
                : tokenizer.Encode(line[..tab], line[(tab + 1)..], options).InputIds;
        };
    }

    /// <summary>
    /// PATH, or for a Hub id its snapshot directory in the Hugging Face cache. Only a missing path of the form
    /// namespace/name goes to the Hub: a missing file name alone is reported as the missing file it most likely is.
    /// </summary>
    private static string Source(string path) =>
        !File.Exists(path) && !Directory.Exists(path) && path.Contains('/') && RemBertModelSource.IsHubId(path)
            ? ModelArgument.ResolveCheckpoint(path, "--tokenizer")
            : path;

    /// <summary>The .model file PATH names (itself, or sentencepiece.model in a checkpoint directory), after the shared input-file checks.</summary>
    private static string CheckedModelFile(string path)
    {
        var modelPath = Directory.Exists(path) ? Path.Combine(path, RemBertTokenizer.VocabularyFileName) : path;
        BoundedInputFile.Open(modelPath, MaxTokenizerModelBytes, "a SentencePiece .model file or a checkpoint directory").Dispose();
        return modelPath;
    }

    /// <summary>Formats into a stack buffer: no string per id, no flush per line (the writer is buffered).</summary>
    private static void WriteIds(TextWriter output, IReadOnlyList<int> ids)
    {
        Span<char> buffer = stackalloc char[MaxIdChars];
        for (var i = 0; i < ids.Count; i++)
        {
            if (i > 0) output.Write(IdSeparator);
            ids[i].TryFormat(buffer, out var written);
            output.Write(buffer[..written]);
        }
        output.WriteLine();
    }
}
