using Microsoft.ML.Data;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.Trainers;
using Microsoft.ML.Runtime;
using Xunit;

namespace Microsoft.ML.RemBert.Tests.MLNet.Trainers;

/// <summary>
/// What the trainer base cannot do for a task's transformer (ML.NET needs it per type) is there for every one: ML.NET's
/// catalog finds its LoadableClass registration and a Create it can call, under a load name no other type uses.
/// </summary>
public sealed class TransformerRegistrationTests
{
    private static readonly Type[] TrainersTransformers =
    [
        typeof(RemBertTextClassificationTransformer), typeof(RemBertBinaryClassificationTransformer), typeof(RemBertRegressionTransformer),
        typeof(RemBertNamedEntityRecognitionTransformer), typeof(RemBertQuestionAnsweringTransformer), typeof(RemBertMultipleChoiceTransformer),
        typeof(RemBertMultiLabelTransformer),
    ];

    private static ComponentCatalog.LoadableClassInfo[] ModelLoaders()
    {
        var catalog = new MLContext().ComponentCatalog;
        catalog.RegisterAssembly(typeof(RemBertScoringTransformer).Assembly);
        return catalog.FindLoadableClasses<SignatureLoadModel>();
    }

    [Fact]
    public void EveryScoringTransformerOfTheLibraryIsLoadableByMLNetsCatalog()
    {
        var loaders = ModelLoaders();
        var concrete = typeof(RemBertScoringTransformer).Assembly.GetTypes()
            .Where(type => type.IsSubclassOf(typeof(RemBertScoringTransformer)) && !type.IsAbstract).ToList();
        Assert.Superset(TrainersTransformers.ToHashSet(), concrete.ToHashSet());
        foreach (var type in concrete)
        {
            var loader = Assert.Single(loaders, info => info.Type == type);
            Assert.True(loader.CreateMethod is not null, $"ML.NET finds no Create(IHostEnvironment, ModelLoadContext) declared on {type.Name} returning it.");
            Assert.InRange(loader.LoadNames[0].Length, 1, 24);
        }
        var names = loaders.SelectMany(info => info.LoadNames).ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void EveryTrainersTransformerExposesItsHeadModelThroughTheGenericBase()
    {
        foreach (var type in TrainersTransformers)
        {
            var baseType = type.BaseType!;
            Assert.True(baseType.IsGenericType && baseType.GetGenericTypeDefinition() == typeof(RemBertScoringTransformer<>), $"{type.Name} derives from {baseType.Name}.");
            Assert.Equal(baseType.GetGenericArguments()[0], type.GetProperty("Model")!.PropertyType);
        }
    }
}
