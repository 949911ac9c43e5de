using System.Collections;
using Microsoft.ML.RemBert.Checkpoints;
using Microsoft.ML.RemBert.Tests.Infrastructure;
using TorchSharp;
using TorchSharp.PyBridge;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.Checkpoints;

/// <summary>The reference checkpoints under TestData/fixtures and an independent reader (TorchSharp.PyBridge) to compare with.</summary>
internal static class CheckpointFixtures
{
    /// <summary>Every fixture directory: three safetensors, four torch.save pickles.</summary>
    public static TheoryData<string> Names => new() { "base", "seqcls", "tokcls", "qa", "mc", "mlm", "causal" };

    /// <summary>The fixture directory.</summary>
    public static string Directory(string name) => TestPaths.Fixture("rembert-reference", name);

    /// <summary>expected.json: the reference batch and the PyTorch outputs for it.</summary>
    public static string ReferenceOutputsFile => TestPaths.Fixture("rembert-reference", "expected.json");

    /// <summary>The fixture's weights file.</summary>
    public static string WeightsFile(string name)
    {
        string dir = Directory(name);
        string safetensors = Path.Combine(dir, CheckpointFileNames.SafeTensors);
        return File.Exists(safetensors) ? safetensors : Path.Combine(dir, CheckpointFileNames.PyTorch);
    }

    /// <summary>The whole state dict as PyBridge reads it (all in memory; fine for the tiny fixtures).</summary>
    public static Dictionary<string, torch.Tensor> ReadWithPyBridge(string weightsFile)
    {
        if (weightsFile.EndsWith(".safetensors", StringComparison.Ordinal))
            return Safetensors.LoadStateDict(weightsFile);
        var table = PyTorchUnpickler.UnpickleStateDict(weightsFile);
        return table.Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (torch.Tensor)e.Value!);
    }

    /// <summary>A module with one random parameter per float checkpoint key (keys renamed by <paramref name="rename"/>), plus <paramref name="extra"/>.</summary>
    public static KeyedModule ModuleFor(CheckpointReader reader, Func<string, string?> rename, params (string, long[])[] extra)
    {
        var keys = reader.Keys
            .Where(k => reader.GetInfo(k).DType == torch.ScalarType.Float32)
            .Select(k => (Name: rename(k), Shape: reader.GetInfo(k).Shape.ToArray()))
            .Where(p => p.Name is not null)
            .Select(p => (p.Name!, p.Shape));
        return KeyedModule.Create(keys.Concat(extra));
    }
}
