using System.Globalization;
using Microsoft.ML.RemBert.IO;
using Microsoft.ML.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.MLNet.Training;

/// <summary>
/// The checkpoints of one run in <see cref="Microsoft.ML.RemBert.Trainers.RemBertTrainerOptions.CheckpointDirectory"/>
/// (or <see cref="Microsoft.ML.RemBert.Pretraining.RemBertPretrainingOptions.CheckpointDirectory"/>): each a directory
/// <c>checkpoint-STEP</c> written atomically (<see cref="AtomicDirectory"/>) holding <c>trainer_state.json</c>
/// (<see cref="TrainingPosition"/>), <c>model.bin</c> (the weights), <c>optimizer.bin</c> (AdamW's moments and step
/// counts), <c>rng.bin</c> (libtorch's CPU generator, which dropout draws from, and the named generators the caller
/// passes: pretraining's masking one), <c>data-order.bin</c> (the epoch's batches) and, when the best weights are not
/// the current ones, <c>best.bin</c>. The shuffling generator is not stored: it is replayed from the seed (one shuffle
/// per epoch), and the replayed order is checked against <c>data-order.bin</c>. Only the newest <see cref="Microsoft.ML.RemBert.Trainers.RemBertTrainerOptions.CheckpointsToKeep"/> are kept.
/// </summary>
internal sealed class TrainingCheckpoints(string directory, int keep, IChannel channel)
{
    private const string Prefix = "checkpoint-";
    private const string StateFile = "trainer_state.json";
    private const string ModelFile = "model.bin";
    private const string OptimizerFile = "optimizer.bin";
    private const string RandomFile = "rng.bin";
    private const string OrderFile = "data-order.bin";
    private const string BestFile = "best.bin";

    /// <summary>The directory holding the checkpoints.</summary>
    public string Directory { get; } = Path.GetFullPath(directory);

    /// <summary>
    /// Writes the checkpoint of <paramref name="position"/>, then deletes the oldest beyond the number to keep.
    /// <paramref name="generators"/> are stored in <c>rng.bin</c> beside libtorch's global one (pretraining's masking draws from its own).
    /// </summary>
    public void Save(TrainingPosition position, nn.Module model, HeldScalarAdamW optimizer, BestWeights? best, IReadOnlyList<int[]> order,
        CancellationToken cancellationToken, IReadOnlyList<(string Name, Generator Generator)>? generators = null)
    {
        string target = Path.Combine(Directory, Prefix + position.Step.ToString(CultureInfo.InvariantCulture));
        if (System.IO.Directory.Exists(target))
            System.IO.Directory.Delete(target, recursive: true); // a run restarted without resuming writes the same steps again
        AtomicDirectory.Write(target, partial =>
        {
            using var scope = NewDisposeScope();
            AtomicDirectory.CreateFile(partial, ModelFile, stream => StateDictFile.Write(stream, StateDict(model), cancellationToken));
            AtomicDirectory.CreateFile(partial, OptimizerFile, stream => StateDictFile.Write(stream, optimizer.StateTensors(), cancellationToken));
            AtomicDirectory.CreateFile(partial, RandomFile, stream => StateDictFile.Write(stream, GeneratorStates(generators), cancellationToken));
            AtomicDirectory.CreateFile(partial, OrderFile, stream => WriteOrder(stream, order));
            if (best is not null && best.Step != position.Step)
                AtomicDirectory.CreateFile(partial, BestFile, stream => StateDictFile.Write(stream, best.Tensors, cancellationToken));
            var files = System.IO.Directory.EnumerateFiles(partial).ToDictionary(path => Path.GetFileName(path), path => new FileInfo(path).Length);
            AtomicDirectory.CreateFile(partial, StateFile, stream => stream.Write((position with { Files = files }).ToJson()));
        }, cancellationToken);
        channel.Info($"Checkpoint written: {target}");
        foreach (var (old, _) in Complete().Skip(keep))
            System.IO.Directory.Delete(old, recursive: true);
    }

    /// <summary>
    /// The newest checkpoint whose state file reads and whose files have their recorded lengths, or null when there is
    /// none; a damaged newer one is skipped with a warning (an interrupted write never leaves one: see <see cref="AtomicDirectory"/>).
    /// </summary>
    public (string Path, TrainingPosition Position)? Newest()
    {
        foreach (var (path, _) in Complete())
        {
            try
            {
                return (path, Read(path));
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                channel.Warning($"Skipping the damaged checkpoint {path}: {e.Message}");
            }
        }
        return null;
    }

    /// <summary>Whether <paramref name="path"/> names one checkpoint (<c>checkpoint-STEP</c>) rather than a directory of them.</summary>
    public static bool IsCheckpoint(string path) => StepOf(Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)))) is not null;

    /// <summary>
    /// The position of the checkpoint at <paramref name="path"/>, after checking that its state file reads and that its
    /// files have their recorded lengths; an <see cref="InvalidDataException"/> naming the file otherwise.
    /// </summary>
    public static TrainingPosition Read(string path)
    {
        var position = TrainingPosition.Read(System.IO.Path.Combine(path, StateFile));
        foreach (var (file, length) in position.Files)
        {
            var info = new FileInfo(System.IO.Path.Combine(path, file));
            if (!info.Exists || info.Length != length)
                throw new InvalidDataException($"{info.FullName} is {(info.Exists ? $"{info.Length} bytes, not {length}" : "missing")}.");
        }
        return position;
    }

    /// <summary>
    /// Refuses (an <see cref="ArgumentException"/> of <paramref name="parameter"/>) to resume from <paramref name="path"/>
    /// when the epoch's batches replayed from the seed are not the ones it was written with.
    /// </summary>
    public static void CheckOrder(List<int[]> stored, List<int[]> replayed, int epoch, string path, string parameter)
    {
        if (stored.Count != replayed.Count || stored.Zip(replayed).Any(pair => !pair.First.AsSpan().SequenceEqual(pair.Second)))
            throw new ArgumentException(
                $"Cannot resume from {path}: the batches of epoch {epoch} drawn from the seed are not the checkpoint's; the training data is not the same.",
                parameter);
    }

    /// <summary>
    /// Loads the checkpoint at <paramref name="path"/> into the model, optimizer, libtorch's generator and
    /// <paramref name="generators"/> (those it was saved with); returns its best weights (null before the first
    /// validation) and its data order.
    /// </summary>
    public static (BestWeights? Best, List<int[]> Order) Restore(string path, TrainingPosition position, nn.Module model, HeldScalarAdamW optimizer,
        IReadOnlyList<(string Name, Generator Generator)>? generators = null)
    {
        using (var scope = NewDisposeScope())
        {
            StateDictFile.Read(System.IO.Path.Combine(path, ModelFile), StateDict(model).ToDictionary(pair => pair.Name, pair => pair.Tensor));
            var optimizerState = optimizer.StateTensors();
            StateDictFile.Read(System.IO.Path.Combine(path, OptimizerFile), optimizerState.ToDictionary(pair => pair.Name, pair => pair.Tensor));
            optimizer.SetSteps(optimizerState.Single(pair => pair.Name == "steps").Tensor);
            var states = GeneratorStates(generators);
            StateDictFile.Read(System.IO.Path.Combine(path, RandomFile), states.ToDictionary(pair => pair.Name, pair => pair.State));
            torch.set_rng_state(states[0].State);
            foreach (var ((_, generator), (_, state)) in (generators ?? []).Zip(states.Skip(1)))
                generator.set_state(state);
        }
        BestWeights? best = null;
        if (position.BestMetric is { } metric)
        {
            best = BestWeights.Copy(model, metric, position.BestEpoch, position.BestStep);
            if (File.Exists(System.IO.Path.Combine(path, BestFile)))
                StateDictFile.Read(System.IO.Path.Combine(path, BestFile), best.Tensors.ToDictionary(pair => pair.Name, pair => pair.Tensor));
            else if (position.BestStep != position.Step)
                throw new InvalidDataException($"{path} has no {BestFile} but its best weights are those of step {position.BestStep}.");
        }
        return (best, ReadOrder(System.IO.Path.Combine(path, OrderFile)));
    }

    // Complete checkpoints (partial directories have another name), newest first.
    private IEnumerable<(string Path, int Step)> Complete()
    {
        if (!System.IO.Directory.Exists(Directory))
            return [];
        return System.IO.Directory.EnumerateDirectories(Directory, Prefix + "*")
            .Select(path => (Path: path, Step: StepOf(System.IO.Path.GetFileName(path))))
            .Where(entry => entry.Step is not null)
            .Select(entry => (entry.Path, Step: entry.Step!.Value))
            .OrderByDescending(entry => entry.Step)
            .ToList();
    }

    // The step of a checkpoint directory's name, null for any other name (a partial directory's is longer).
    private static int? StepOf(string name)
    {
        if (!name.StartsWith(Prefix, StringComparison.Ordinal)) return null;
        string digits = name[Prefix.Length..];
        return digits.All(char.IsAsciiDigit) && digits.Length is > 0 and < 10 ? int.Parse(digits, CultureInfo.InvariantCulture) : null;
    }

    // libtorch's global CPU generator (dropout draws from it), then the named ones: new state tensors in the caller's scope.
    private static List<(string Name, Tensor State)> GeneratorStates(IReadOnlyList<(string Name, Generator Generator)>? generators) =>
        [("cpu", torch.get_rng_state()), .. (generators ?? []).Select(pair => (pair.Name, pair.Generator.get_state()))];

    private static List<(string Name, Tensor Tensor)> StateDict(nn.Module model) =>
        model.state_dict().Select(pair => (pair.Key, pair.Value)).ToList();

    private static void WriteOrder(Stream stream, IReadOnlyList<int[]> order)
    {
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write(order.Count);
        foreach (var batch in order)
        {
            writer.Write(batch.Length);
            foreach (int index in batch)
                writer.Write(index);
        }
    }

    private static List<int[]> ReadOrder(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        try
        {
            int count = reader.ReadInt32();
            var order = new List<int[]>();
            for (int b = 0; b < count; b++)
            {
                int length = reader.ReadInt32();
                if (length < 0 || length > (reader.BaseStream.Length - reader.BaseStream.Position) / sizeof(int))
                    throw new InvalidDataException($"{path} is damaged: batch {b} has {length} examples.");
                var batch = new int[length];
                for (int i = 0; i < batch.Length; i++)
                    batch[i] = reader.ReadInt32();
                order.Add(batch);
            }
            return order;
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{path} is damaged: {e.Message}", e);
        }
    }
}
