using Microsoft.ML;

namespace MLNetPipelines.Common;

/// <summary>The data files a sample ships with: copied beside its executable from samples/MLNetPipelines/Data.</summary>
public static class SampleData
{
    /// <summary>The full path of <paramref name="fileName"/> in the sample's Data folder.</summary>
    public static string File(string fileName)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Data", fileName);
        if (!System.IO.File.Exists(path))
            throw new FileNotFoundException($"{path} is missing: build the sample so samples/MLNetPipelines/Data is copied beside it.", path);
        return path;
    }

    /// <summary>
    /// The training rows a run uses: all of them, or with <c>--quick</c> <paramref name="quickRows"/> of them drawn at
    /// random (with a fixed seed) so that every language and class still appears.
    /// </summary>
    public static IDataView TrainingRows(MLContext mlContext, IDataView data, SampleArguments arguments, int quickRows) =>
        arguments.Quick ? mlContext.Data.TakeRows(mlContext.Data.ShuffleRows(data, seed: 1), quickRows) : data;
}
