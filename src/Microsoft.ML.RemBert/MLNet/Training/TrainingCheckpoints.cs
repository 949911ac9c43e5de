using System.Globalization;
using Microsoft.ML.RemBert.IO;
using Microsoft.ML.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.RemBert.MLNet.Training;

/// <summary>
/// The checkpoints of one run in <see cref="Microsoft.ML.RemBert.Trainers.RemBertTrainerOptions.CheckpointDirectory"/>: each a directory
/// <c>checkpoint-STEP</c> written atomically (<see cref="AtomicDirectory"/>) holding <c>trainer_state.json</c>
/// (<see cref="TrainingPosition"/>), <c>model.bin</c> (the weights), <c>optimizer.bin</c> (AdamW's moments and step
/// counts), <c>rng.bin</c> (libtorch's CPU generator, which dropout draws from), <c>data-order.bin</c> (the epoch's
/// batches) and, when the best weights are not the current ones, <c>best.bin</c>. The shuffling generator is not
/// stored: it is replayed from the seed (one shuffle per epoch), and the replayed order is checked against
/// <c>data-order.bin</c>. Only the newest <see cref="Microsoft.ML.RemBert.Trainers.RemBertTrainerOptions.CheckpointsToKeep"/> are kept.
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

    /// <summary>Writes the checkpoint of <paramref name="position"/>, then deletes the oldest beyond the number to keep.</summary>
    public void Save(TrainingPosition position, nn.Module model, HeldScalarAdamW optimizer, BestWeights? best, IReadOnlyList<int[]> order,
        CancellationToken cancellationToken)
    {
        string target = Path.Combine(Directory, Prefix + position.Step.ToString(CultureInfo.InvariantCulture));
        if (System.IO.Directory.Exists(target))
            System.IO.Directory.Delete(target, recursive: true); // a run restarted without resuming writes the same steps again
        AtomicDirectory.Write(target, partial =>
        {
            using var scope = NewDisposeScope();
            AtomicDirectory.CreateFile(partial, ModelFile, stream => StateDictFile.Write(stream, StateDict(model), cancellationToken));
            AtomicDirectory.CreateFile(partial, OptimizerFile, stream => StateDictFile.Write(stream, optimizer.StateTensors(), cancellationToken));
            AtomicDirectory.CreateFile(partial, RandomFile, stream => StateDictFile.Write(stream, [("cpu", torch.get_rng_state())], cancellationToken));
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
                var position = TrainingPosition.Read(System.IO.Path.Combine(path, StateFile));
                foreach (var (file, length) in position.Files)
                {
                    var info = new FileInfo(System.IO.Path.Combine(path, file));
                    if (!info.Exists || info.Length != length)
                        throw new InvalidDataException($"{info.FullName} is {(info.Exists ? $"{info.Length} bytes, not {length}" : "missing")}.");
                }
                return (path, position);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                channel.Warning($"Skipping the damaged checkpoint {path}: {e.Message}");
            }
        }
        return null;
    }

    /// <summary>
    /// Loads the checkpoint at <paramref name="path"/> into the model, optimizer and libtorch's generator; returns its best
    /// weights (null before the first validation) and its data order.
    /// </summary>
    public static (BestWeights? Best, List<int[]> Order) Restore(string path, TrainingPosition position, nn.Module model, HeldScalarAdamW optimizer)
    {
        using (var scope = NewDisposeScope())
        {
            StateDictFile.Read(System.IO.Path.Combine(path, ModelFile), StateDict(model).ToDictionary(pair => pair.Name, pair => pair.Tensor));
            var optimizerState = optimizer.StateTensors();
            StateDictFile.Read(System.IO.Path.Combine(path, OptimizerFile), optimizerState.ToDictionary(pair => pair.Name, pair => pair.Tensor));
            optimizer.SetSteps(optimizerState.Single(pair => pair.Name == "steps").Tensor);
            var generator = torch.get_rng_state();
            StateDictFile.Read(System.IO.Path.Combine(path, RandomFile), new Dictionary<string, Tensor> { ["cpu"] = generator });
            torch.set_rng_state(generator);
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
            .Select(path => (Path: path, Name: System.IO.Path.GetFileName(path)[Prefix.Length..]))
            .Where(entry => entry.Name.All(char.IsAsciiDigit) && entry.Name.Length is > 0 and < 10)
            .Select(entry => (entry.Path, Step: int.Parse(entry.Name, CultureInfo.InvariantCulture)))
            .OrderByDescending(entry => entry.Step)
            .ToList();
    }

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
