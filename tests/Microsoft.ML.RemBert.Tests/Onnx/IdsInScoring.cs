using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.RemBert.MLNet.Scoring;
using Microsoft.ML.RemBert.Trainers;

namespace Microsoft.ML.RemBert.Tests.Onnx;

/// <summary>The two documented ways to score a sentence model's ids-in export: ML.NET's ApplyOnnxModel and ONNX Runtime.</summary>
internal static class IdsInScoring
{
    /// <summary>The documented ML.NET path: the transformer's ONNX input tokenizer, then ApplyOnnxModel on the file at <paramref name="onnx"/>.</summary>
    public static IDataView WithApplyOnnxModel(MLContext mlContext, RemBertScoringTransformer model, string onnx, IDataView data, int maxSequenceLength)
    {
        // ML.NET feeds one row at a time and needs every axis but one known: the tokenizer's vectors are fixed-length.
        var shapes = new[] { "InputIds", "AttentionMask", "TokenTypeIds" }.ToDictionary(name => name, _ => new[] { 1, maxSequenceLength });
        var tokenized = model.CreateOnnxInputTokenizer().Transform(data);
        var onnxModel = mlContext.Transforms.ApplyOnnxModel(onnx, shapeDictionary: shapes).Fit(tokenized);
        return onnxModel.Transform(tokenized);
    }

    /// <summary>ONNX Runtime on the whole data as one batch: ids from the input tokenizer, text inputs as given.</summary>
    public static Dictionary<string, OrtOutput> WithOnnxRuntime(RemBertScoringTransformer model, string onnx, IDataView data)
    {
        var tokenized = model.CreateOnnxInputTokenizer().Transform(data);
        return OrtOutput.Run(onnx, (name, type) =>
        {
            if (type == TensorElementType.String)
                return OrtOutput.Texts(name, data.GetColumn<string>(name).ToArray());
            return OrtOutput.Ids(name, tokenized.GetColumn<long[]>(name).ToArray());
        });
    }
}
