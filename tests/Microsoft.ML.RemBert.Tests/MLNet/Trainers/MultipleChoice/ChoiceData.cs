using Microsoft.ML.Data;

namespace Microsoft.ML.RemBert.Tests.MLNet.Trainers.MultipleChoice;

/// <summary>
/// A small multilingual multiple-choice task the tests generate from a seed: a request in one of eight languages
/// (three of them written without spaces: Japanese, Chinese, Thai) names one of four topics; the four candidate
/// answers, in the same language, name the four topics in random order, and the right one, a paraphrase of the request
/// in other words, names the request's topic. A tiny model from random weights learns it because the right choice
/// repeats the request's key word (a token match across the pair; every other word is a frame shared by all topics).
/// Chance is 1 in 4 (0.25).
/// </summary>
internal static class ChoiceData
{
    public const int ChoiceCount = 4;

    /// <summary>Per language: the topic words (same order of topics), request frames and answer frames ({0}: the topic).</summary>
    private static readonly (string[] Topics, string[] Requests, string[] Answers)[] Languages =
    [
        (["weather", "music", "alarm", "train"], ["tell me the {0} please", "what about the {0}"], ["here is the {0}", "the {0} for you"]),
        (["météo", "musique", "réveil", "train"], ["dis-moi la {0} s'il te plaît", "et la {0} ?"], ["voici la {0}", "la {0} pour toi"]),
        (["tiempo", "música", "alarma", "tren"], ["dime el {0} por favor", "¿y el {0}?"], ["aquí está el {0}", "el {0} para ti"]),
        (["Wetter", "Musik", "Wecker", "Zug"], ["sag mir {0} bitte", "und {0}?"], ["hier ist {0}", "{0} für dich"]),
        (["погода", "музыка", "будильник", "поезд"], ["скажи {0} пожалуйста", "а {0}?"], ["вот {0}", "{0} для тебя"]),
        (["天気", "音楽", "目覚まし", "電車"], ["{0}を教えてください", "{0}は？"], ["{0}はこちらです", "これが{0}です"]),
        (["天气", "音乐", "闹钟", "火车"], ["请告诉我{0}", "{0}呢？"], ["这是{0}", "给你{0}"]),
        (["อากาศ", "เพลง", "นาฬิกาปลุก", "รถไฟ"], ["บอก{0}หน่อย", "{0}ล่ะ"], ["นี่คือ{0}", "{0}สำหรับคุณ"]),
    ];

    /// <summary><paramref name="count"/> rows: the four topics of a random language in random order as the choices; the right choice's index is uniform over 0..3.</summary>
    public static ChoiceRow[] Rows(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var (topics, requests, answers) = Languages[random.Next(Languages.Length)];
            var picked = topics.OrderBy(_ => random.Next()).ToArray();
            int right = random.Next(ChoiceCount);
            string prompt = string.Format(requests[random.Next(requests.Length)], picked[right]);
            var choices = picked.Select(topic => string.Format(answers[random.Next(answers.Length)], topic)).ToArray();
            return new ChoiceRow { Prompt = prompt, Choices = choices, Label = (uint)right };
        }).ToArray();
    }

    /// <summary>A row with a variable-size choices vector and a UInt32 label (the right choice's index).</summary>
    public sealed class ChoiceRow
    {
        public string Prompt { get; set; } = "";
        public string[] Choices { get; set; } = [];
        public uint Label { get; set; }
    }

    /// <summary>The same row with a known-size choices vector.</summary>
    public sealed class FixedChoiceRow
    {
        public string Prompt { get; set; } = "";
        [VectorType(ChoiceCount)] public string[] Choices { get; set; } = [];
        public uint Label { get; set; }

        public static FixedChoiceRow From(ChoiceRow row) => new() { Prompt = row.Prompt, Choices = row.Choices, Label = row.Label };
    }
}
