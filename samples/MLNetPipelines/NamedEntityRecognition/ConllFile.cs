namespace MLNetPipelines.NamedEntityRecognition;

/// <summary>Reads CoNLL files: one <c>word&lt;TAB&gt;tag</c> per line, a blank line after each sentence.</summary>
public static class ConllFile
{
    /// <summary>The file's sentences; a malformed line is a <see cref="FormatException"/> naming the file and line.</summary>
    public static IReadOnlyList<EntityModel.ModelInput> Read(string path)
    {
        var sentences = new List<EntityModel.ModelInput>();
        var words = new List<string>();
        var tags = new List<string>();
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Length == 0)
            {
                Flush();
                continue;
            }
            string[] fields = line.Split('\t');
            if (fields.Length != 2 || fields[0].Length == 0 || fields[1].Length == 0)
                throw new FormatException($"{path}:{lineNumber}: expected 'word<TAB>tag', found '{line}'.");
            words.Add(fields[0]);
            tags.Add(fields[1]);
        }
        Flush();
        return sentences;

        void Flush()
        {
            if (words.Count == 0) return;
            sentences.Add(new EntityModel.ModelInput { Words = [.. words], Tags = [.. tags] });
            words.Clear();
            tags.Clear();
        }
    }
}
