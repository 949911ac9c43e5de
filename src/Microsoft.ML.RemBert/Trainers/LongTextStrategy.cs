namespace Microsoft.ML.RemBert.Trainers;

/// <summary>How the sentence-level trainers and their transformers treat a text longer than <c>MaxSequenceLength</c> tokens.</summary>
public enum LongTextStrategy
{
    /// <summary>Only the first <c>MaxSequenceLength</c> tokens count (longest first for a pair); the rest is ignored.</summary>
    Truncate = 0,

    /// <summary>
    /// The text (for a pair: the second text, with the first repeated in every window) is covered by overlapping windows
    /// sharing <c>Stride</c> tokens, at most <c>MaxWindows</c> per row; a row's prediction is made from the mean of its
    /// windows' logits, in training and in scoring.
    /// </summary>
    Windows = 1,
}
