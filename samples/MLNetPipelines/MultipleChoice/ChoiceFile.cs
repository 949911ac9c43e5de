using System.Text.Json;

namespace MLNetPipelines.MultipleChoice;

/// <summary>Reads JSON-lines files of <c>{"prompt", "choices", "label", "language"}</c> objects, one per line.</summary>
public static class ChoiceFile
{
    /// <summary>The file's rows; a malformed line is a <see cref="FormatException"/> naming the file, line and what is wrong.</summary>
    public static IReadOnlyList<ReplyModel.ModelInput> Read(string path)
    {
        var rows = new List<ReplyModel.ModelInput>();
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Length == 0) continue;
            try
            {
                using var document = JsonDocument.Parse(line);
                var root = document.RootElement;
                string[] choices = root.GetProperty("choices").EnumerateArray().Select(choice => choice.GetString() ?? "").ToArray();
                uint label = root.GetProperty("label").GetUInt32();
                if (label >= choices.Length)
                    throw new FormatException($"label {label} is not the index of one of its {choices.Length} choices");
                rows.Add(new ReplyModel.ModelInput
                {
                    Prompt = root.GetProperty("prompt").GetString() ?? "",
                    Choices = choices,
                    Label = label,
                    Language = root.TryGetProperty("language", out var language) ? language.GetString() ?? "" : "",
                });
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                throw new FormatException($"{path}:{lineNumber}: {ex.Message}", ex);
            }
        }
        return rows;
    }
}
