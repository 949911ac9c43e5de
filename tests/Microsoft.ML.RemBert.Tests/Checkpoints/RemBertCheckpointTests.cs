using System.Text.Json;
using Microsoft.ML.RemBert.Checkpoints;
using Microsoft.ML.RemBert.Modeling;
using TorchSharp;
using Xunit;
using Microsoft.ML.RemBert.Tests.Infrastructure;

namespace Microsoft.ML.RemBert.Tests.Checkpoints;

public class RemBertCheckpointTests
{
    private const double ReferenceTolerance = 1e-4;

    [SkippableTheory]
    [MemberData(nameof(CheckpointFixtures.Names), MemberType = typeof(CheckpointFixtures))]
    public void FromPretrainedBuildsTheArchitectureConfigNames(string fixture)
    {
        string directory = CheckpointFixtures.Directory(fixture);
        var messages = new List<string>();
        using var model = RemBertCheckpoint.FromPretrained(directory, options: new CheckpointLoadOptions { Log = messages.Add });

        Assert.Equal(RemBertConfig.Load(directory).Architectures![0], model.GetType().Name);
        Assert.False(model.training);
        Assert.Empty(messages);
    }

    [SkippableTheory]
    [InlineData("base", "last_hidden_state", "last_hidden_state")]
    [InlineData("seqcls", "logits", "seqcls_logits")]
    [InlineData("qa", "start_logits", "qa_start_logits")]
    [InlineData("mc", "logits", "mc_logits")]
    public void LoadedModelsReproduceTheReferenceOutputs(string fixture, string output, string referenceOutput)
    {
        using var model = RemBertCheckpoint.FromPretrained(CheckpointFixtures.Directory(fixture));
        using var reference = ReferenceBatch.Load();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();

        bool multipleChoice = model is RemBertForMultipleChoice;
        var outputs = model.ForwardOutputs(reference.Inputs(reference.InputIds, multipleChoice),
            reference.Inputs(reference.AttentionMask, multipleChoice), reference.Inputs(reference.TokenTypeIds, multipleChoice)).NamedTensors();
        var actual = outputs.Single(o => o.Name == output).Value;
        var expected = reference.Output(referenceOutput);

        Assert.Equal(expected.shape, actual.shape);
        double maxDifference = (actual - expected).abs().max().item<float>();
        Assert.True(maxDifference < ReferenceTolerance, $"{fixture} {output}: max |difference| {maxDifference}");
    }

    [SkippableTheory]
    [InlineData("base")]
    [InlineData("mlm")]
    [InlineData("tokcls")]
    public void LoadSaveLoadGivesIdenticalOutputs(string fixture)
    {
        using var output = new TemporaryDirectory();
        using var reference = ReferenceBatch.Load();
        using var first = RemBertCheckpoint.FromPretrained(CheckpointFixtures.Directory(fixture));
        first.SavePretrained(output.Path);
        using var second = RemBertCheckpoint.FromPretrained(output.Path);

        Assert.Equal(first.GetType(), second.GetType());
        Assert.Equal(first.Config.ToJson(), second.Config.ToJson());
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var before = first.ForwardOutputs(reference.InputIds, reference.AttentionMask, reference.TokenTypeIds).NamedTensors();
        var after = second.ForwardOutputs(reference.InputIds, reference.AttentionMask, reference.TokenTypeIds).NamedTensors();
        Assert.Equal(before.Select(o => o.Name), after.Select(o => o.Name));
        for (int i = 0; i < before.Count; i++)
            Assert.True(TensorAssert.Identical(before[i].Value, after[i].Value), $"{fixture}: '{before[i].Name}' changed after save and reload");
    }

    [SkippableFact]
    public void AHeadLoadedFromABaseOnlyCheckpointWarnsOnceListingTheHeadKeys()
    {
        var messages = new List<string>();
        var (model, report) = RemBertCheckpoint.LoadWithReport<RemBertForSequenceClassification>(
            CheckpointFixtures.Directory("base"), options: new CheckpointLoadOptions { Log = messages.Add });
        using var _ = model;

        Assert.Equal(new[] { "classifier.bias", "classifier.weight" }, report.MissingKeys.Order());
        Assert.Equal(new[] { CheckpointLoadOptions.LegacyPositionIdsKey }, report.IgnoredKeys);
        Assert.Empty(report.UnexpectedKeys);
        var warning = Assert.Single(messages);
        Assert.Contains("classifier.weight", warning);
        Assert.Contains("classifier.bias", warning);
        Assert.DoesNotContain("rembert.", warning);
    }

    [SkippableFact]
    public void ABaseModelLoadsFromAHeadCheckpoint()
    {
        var (model, report) = RemBertCheckpoint.LoadWithReport<RemBertModel>(CheckpointFixtures.Directory("seqcls"));
        using var _ = model;
        Assert.Empty(report.MissingKeys);
        Assert.Null(report.Warning);
        Assert.Equal(new[] { "classifier.bias", "classifier.weight" }, report.UnexpectedKeys.Order());
    }

    /// <summary>The reference batch and outputs of TestData/fixtures/rembert-reference/expected.json.</summary>
    private sealed class ReferenceBatch : IDisposable
    {
        private readonly JsonDocument _document;

        private ReferenceBatch(JsonDocument document)
        {
            _document = document;
            InputIds = Ids("input_ids");
            TokenTypeIds = Ids("token_type_ids");
            AttentionMask = Ids("attention_mask");
        }

        public torch.Tensor InputIds { get; }
        public torch.Tensor TokenTypeIds { get; }
        public torch.Tensor AttentionMask { get; }

        public static ReferenceBatch Load() =>
            new(JsonDocument.Parse(File.ReadAllText(CheckpointFixtures.ReferenceOutputsFile)));

        /// <summary>The batch as is, or for multiple choice grouped as the fixture does: rows (0,1), (2,3), (4,5) are the choices of one example.</summary>
        public torch.Tensor Inputs(torch.Tensor rows, bool multipleChoice) => multipleChoice ? rows.reshape(-1, MultipleChoiceChoices, rows.shape[1]) : rows;

        private const int MultipleChoiceChoices = 2;

        public torch.Tensor Output(string name)
        {
            var output = _document.RootElement.GetProperty("outputs").GetProperty(name);
            var shape = output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            var data = output.GetProperty("data").EnumerateArray().Select(d => d.GetSingle()).ToArray();
            return torch.tensor(data, shape);
        }

        private torch.Tensor Ids(string name)
        {
            var rows = _document.RootElement.GetProperty(name).EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt64()).ToArray()).ToArray();
            return torch.tensor(rows.SelectMany(r => r).ToArray(), new long[] { rows.Length, rows[0].Length });
        }

        public void Dispose()
        {
            InputIds.Dispose();
            TokenTypeIds.Dispose();
            AttentionMask.Dispose();
            _document.Dispose();
        }
    }
}
