using System.Runtime.CompilerServices;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.RemBert.MLNet;

/// <summary>
/// The environment behind an ML.NET catalog, for our catalog entry points, obtained only after
/// <see cref="MLNetVersionCheck.EnsureSupported"/>: <c>CatalogUtils.GetEnvironment</c> is internal to ML.NET, and the
/// JIT fails a method that calls a missing member before any line of it runs, so the call sits in a method of its own
/// that is compiled only after the check has passed.
/// </summary>
internal static class CheckedEnvironment
{
    /// <summary>Of a trainers catalog, e.g. <c>mlContext.MulticlassClassification.Trainers</c>.</summary>
    public static IHostEnvironment Of(TrainCatalogBase.CatalogInstantiatorBase catalog)
    {
        MLNetVersionCheck.EnsureSupported();
        return Get(catalog);
    }

    /// <summary>Of a task catalog, e.g. <c>mlContext.MulticlassClassification</c>.</summary>
    public static IHostEnvironment Of(TrainCatalogBase catalog)
    {
        MLNetVersionCheck.EnsureSupported();
        return Get(catalog);
    }

    /// <summary>Of a transforms sub-catalog, e.g. <c>mlContext.Transforms.Text</c>.</summary>
    public static IHostEnvironment Of(TransformsCatalog.TextTransforms catalog)
    {
        MLNetVersionCheck.EnsureSupported();
        return Get(catalog);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static IHostEnvironment Get(TrainCatalogBase.CatalogInstantiatorBase catalog) => CatalogUtils.GetEnvironment(catalog);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static IHostEnvironment Get(TrainCatalogBase catalog) => CatalogUtils.GetEnvironment(catalog);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static IHostEnvironment Get(TransformsCatalog.TextTransforms catalog) => CatalogUtils.GetEnvironment(catalog);
}
