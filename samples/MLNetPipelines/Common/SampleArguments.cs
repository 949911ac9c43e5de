using System.Globalization;

namespace MLNetPipelines.Common;

/// <summary>
/// The command line every sample app shares:
/// <c>[--quick] [--model DIR|HUB_ID] [--random-weights] [--output MODEL.zip] [--epochs N] [--device cpu|cuda]</c> trains, evaluates, saves,
/// reloads and predicts; <c>predict MODEL.zip [TEXT...]</c> only loads a saved zip and predicts, as a production app would.
/// </summary>
public sealed record SampleArguments
{
    /// <summary>The usage line printed with an argument error.</summary>
    public const string Usage =
        "usage: [--quick] [--model DIR|HUB_ID] [--random-weights] [--output MODEL.zip] [--epochs N] [--device cpu|cuda|auto] | predict MODEL.zip [TEXT...]";

    /// <summary>A reduced run (fewer rows and epochs, shorter sequences) that finishes in seconds, for tests.</summary>
    public bool Quick { get; init; }

    /// <summary>The starting checkpoint: a directory or a Hugging Face Hub id; null for the embedded default model.</summary>
    public string? Model { get; init; }

    /// <summary>Start from random weights of the checkpoint's shape (its config.json and tokenizer): the baseline the pretrained weights must beat.</summary>
    public bool RandomWeights { get; init; }

    /// <summary>Where the trained ML.NET zip is written (training) or read from (<c>predict</c>).</summary>
    public required string ModelZip { get; init; }

    /// <summary>Overrides the sample's number of epochs.</summary>
    public int? Epochs { get; init; }

    /// <summary>"cpu", "cuda", "cuda:N" or "auto" (CUDA when available); null: auto.</summary>
    public string? Device { get; init; }

    /// <summary>True for <c>predict MODEL.zip [TEXT...]</c>: no training.</summary>
    public bool PredictOnly { get; init; }

    /// <summary>The texts given after <c>predict MODEL.zip</c>; empty: the sample's own unseen examples.</summary>
    public IReadOnlyList<string> Texts { get; init; } = [];

    /// <summary>Parses <paramref name="args"/>; an <see cref="ArgumentException"/> names the argument at fault.</summary>
    public static SampleArguments Parse(string[] args, string defaultModelZip)
    {
        if (args is ["predict", .. var rest])
        {
            if (rest.Length == 0)
                throw new ArgumentException("predict needs the path of a saved model zip.");
            return new SampleArguments { PredictOnly = true, ModelZip = rest[0], Texts = rest[1..] };
        }

        bool quick = false, randomWeights = false;
        string? model = null, output = null, device = null;
        int? epochs = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick": quick = true; break;
                case "--random-weights": randomWeights = true; break;
                case "--model": model = Value(args, ref i); break;
                case "--output": output = Value(args, ref i); break;
                case "--device": device = Value(args, ref i); break;
                case "--epochs":
                    string text = Value(args, ref i);
                    if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1)
                        throw new ArgumentException($"--epochs is '{text}'; it must be a whole number of at least 1.");
                    epochs = n;
                    break;
                default: throw new ArgumentException($"unknown argument '{args[i]}'.");
            }
        }
        return new SampleArguments
        {
            Quick = quick, Model = model, RandomWeights = randomWeights, ModelZip = output ?? defaultModelZip, Epochs = epochs, Device = device,
        };
    }

    private static string Value(string[] args, ref int i)
    {
        if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            throw new ArgumentException($"{args[i]} needs a value.");
        return args[++i];
    }
}
