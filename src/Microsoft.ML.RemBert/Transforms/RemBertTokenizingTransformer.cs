using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.RemBert.MLNet;
using Microsoft.ML.RemBert.MLNet.Tokenization;
using Microsoft.ML.RemBert.Tokenization;
using Microsoft.ML.RemBert.Transforms;
using Microsoft.ML.Runtime;

// Registrations that let ML.NET's ComponentCatalog rebuild the transformer from a model zip: as a transformer
// (mlContext.Model.Load / TransformerChain), as a row mapper, and as a data transform (legacy IDataView pipelines).
[assembly: LoadableClass(RemBertTokenizingTransformer.Summary, typeof(RemBertTokenizingTransformer), null,
    typeof(SignatureLoadModel), RemBertTokenizingTransformer.UserName, RemBertTokenizingTransformer.LoaderSignature)]
[assembly: LoadableClass(typeof(IRowMapper), typeof(RemBertTokenizingTransformer), null,
    typeof(SignatureLoadRowMapper), RemBertTokenizingTransformer.UserName, RemBertTokenizingTransformer.LoaderSignature)]
[assembly: LoadableClass(RemBertTokenizingTransformer.Summary, typeof(IDataTransform), typeof(RemBertTokenizingTransformer), null,
    typeof(SignatureLoadDataTransform), RemBertTokenizingTransformer.UserName, RemBertTokenizingTransformer.LoaderSignature)]

namespace Microsoft.ML.RemBert.Transforms;

/// <summary>
/// Tokenizes one or two text columns exactly like transformers' RemBertTokenizer and adds
/// <c>InputIds</c>, <c>AttentionMask</c> and <c>TokenTypeIds</c> as fixed-length Int64 vectors.
/// The SentencePiece model and all options are saved inside the ML.NET model zip.
/// Created by <see cref="RemBertTokenizingEstimator"/> (see <c>mlContext.Transforms.Text.TokenizeForRemBert</c>).
/// </summary>
public sealed class RemBertTokenizingTransformer : RowToRowTransformerBase
{
    internal const string Summary = "Tokenizes text for RemBERT: input ids, attention mask and token type ids as fixed-length Int64 vectors.";
    internal const string UserName = "RemBERT Tokenizer";
    internal const string LoaderSignature = "RemBertTokenizeXf";

    private const string RegistrationName = "RemBertTokenizing";

    /// <summary>The tokenizer applied to every row.</summary>
    public RemBertTokenizer Tokenizer { get; }

    /// <summary>Columns, length and truncation of this transformer.</summary>
    public RemBertTokenizingOptions Options { get; }

    internal RemBertTokenizingTransformer(IHostEnvironment env, RemBertTokenizer tokenizer, RemBertTokenizingOptions options)
        : base(Contracts.CheckRef(env, nameof(env)).Register(RegistrationName))
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Tokenizer = tokenizer;
        Options = options;
    }

    // Model.key versions: 0x00010001 = the layout documented in SaveModel.
    private static VersionInfo GetVersionInfo() => new(
        modelSignature: "RMBTOKNZ",
        verWrittenCur: 0x00010001,
        verReadableCur: 0x00010001,
        verWeCanReadBack: 0x00010001,
        loaderSignature: LoaderSignature,
        loaderAssemblyName: typeof(RemBertTokenizingTransformer).Assembly.FullName);

    /// <summary>
    /// Model.key layout (after ML.NET's header and VersionInfo), version 0x00010001:
    /// <code>
    ///   string-id  InputColumnName
    ///   string-id  SecondInputColumnName, or -1 when absent
    ///   string-id  InputIdsColumnName
    ///   string-id  AttentionMaskColumnName
    ///   string-id  TokenTypeIdsColumnName
    ///   int32      MaxSequenceLength
    ///   int32      Truncation (TruncationStrategy value)
    /// </code>
    /// plus the entry <see cref="RemBertTokenizerEntry.EntryName"/> (tokenizer options and SentencePiece model).
    /// String ids index ML.NET's per-model string table (ctx.SaveNonEmptyString / SaveStringOrNull).
    /// </summary>
    protected override void SaveModel(ModelSaveContext ctx)
    {
        Host.CheckValue(ctx, nameof(ctx));
        ctx.CheckAtModel();
        ctx.SetVersionInfo(GetVersionInfo());
        ctx.SaveNonEmptyString(Options.InputColumnName);
        ctx.SaveStringOrNull(Options.SecondInputColumnName);
        ctx.SaveNonEmptyString(Options.InputIdsColumnName);
        ctx.SaveNonEmptyString(Options.AttentionMaskColumnName);
        ctx.SaveNonEmptyString(Options.TokenTypeIdsColumnName);
        ctx.Writer.Write(Options.MaxSequenceLength);
        ctx.Writer.Write((int)Options.Truncation);
        RemBertTokenizerEntry.Save(ctx, Tokenizer);
    }

    // Factory method for SignatureLoadModel. A Microsoft.ML outside the supported range is refused first, before the
    // method that calls ML.NET's internals is compiled.
    private static RemBertTokenizingTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        MLNetVersionCheck.EnsureSupported();
        return LoadSupported(env, ctx);
    }

    // Reads the layout written by SaveModel, in the same order.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static RemBertTokenizingTransformer LoadSupported(IHostEnvironment env, ModelLoadContext ctx)
    {
        Contracts.CheckValue(env, nameof(env));
        env.CheckValue(ctx, nameof(ctx));
        ctx.CheckAtModel(GetVersionInfo());
        string entryPath = MLNet.Persistence.ModelContextEntries.EntryPath(ctx, ModelLoadContext.ModelStreamName);
        RemBertTokenizingOptions options;
        try
        {
            options = new RemBertTokenizingOptions
            {
                InputColumnName = ctx.LoadNonEmptyString(),
                SecondInputColumnName = ctx.LoadStringOrNull(),
                InputIdsColumnName = ctx.LoadNonEmptyString(),
                AttentionMaskColumnName = ctx.LoadNonEmptyString(),
                TokenTypeIdsColumnName = ctx.LoadNonEmptyString(),
                MaxSequenceLength = ctx.Reader.ReadInt32(),
                Truncation = (TruncationStrategy)ctx.Reader.ReadInt32(),
            };
        }
        catch (Exception ex) when (ex is FormatException or EndOfStreamException or InvalidOperationException or ArgumentException)
        {
            // ML.NET's own decoding (a string id outside the string table, a short stream): still this entry's fault.
            throw new RemBertModelFormatException(entryPath, $"unreadable tokenizing options: {ex.Message}", ex);
        }
        try
        {
            options.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new RemBertModelFormatException(entryPath, $"invalid tokenizing options: {ex.Message}", ex);
        }
        return new RemBertTokenizingTransformer(env, RemBertTokenizerEntry.Load(ctx), options);
    }

    // Factory method for SignatureLoadDataTransform.
    private static IDataTransform Create(IHostEnvironment env, ModelLoadContext ctx, IDataView input)
        => Create(env, ctx).MakeDataTransform(input);

    // Factory method for SignatureLoadRowMapper.
    private static IRowMapper Create(IHostEnvironment env, ModelLoadContext ctx, DataViewSchema inputSchema)
        => Create(env, ctx).MakeRowMapper(inputSchema);

    /// <summary>The mapper that adds the three encoding columns to rows of <paramref name="schema"/>.</summary>
    protected override IRowMapper MakeRowMapper(DataViewSchema schema) => new RemBertTokenizingMapper(this, Host, schema);
}
