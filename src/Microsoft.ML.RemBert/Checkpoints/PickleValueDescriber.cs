using System.Globalization;
using System.Text;

namespace Microsoft.ML.RemBert.Checkpoints;

/// <summary>
/// Describes an unpickled value for an error message within a fixed budget. A pickle is a DAG: 200 levels of a
/// tuple holding the same tuple twice take a kilobyte to pickle and 2^200 nodes to print, so the description stops
/// after <see cref="MaxNodes"/> values or <see cref="MaxCharacters"/> characters, shows a value it has already
/// shown as <c>&lt;repeated&gt;</c>, and never recurses deeper than its node budget.
/// </summary>
internal static class PickleValueDescriber
{
    /// <summary>Values described before the rest is elided.</summary>
    public const int MaxNodes = 24;

    /// <summary>Characters of description before the rest is elided.</summary>
    public const int MaxCharacters = 240;

    private const int MaxStringCharacters = 48;
    private const string Elided = "…";

    /// <summary>A short description such as <c>tuple ('storage', 3, …)</c>.</summary>
    public static string Describe(object? value)
    {
        var state = new State();
        Append(value, state);
        return state.Text.ToString();
    }

    private static void Append(object? value, State state)
    {
        // A repeat costs no budget: its description is a word, and it is what the (x, x) DAGs are made of.
        if (value is object?[] or List<object?> && state.Shown.Contains(value))
        {
            state.Text.Append("<repeated>");
            return;
        }
        if (state.Nodes >= MaxNodes || state.Text.Length >= MaxCharacters)
        {
            state.Text.Append(Elided);
            return;
        }
        state.Nodes++;
        switch (value)
        {
            case null: state.Text.Append("None"); break;
            case string s: state.Text.Append("string '").Append(s.Length <= MaxStringCharacters ? s : s[..MaxStringCharacters] + Elided).Append('\''); break;
            case long or bool: state.Text.Append(Convert.ToString(value, CultureInfo.InvariantCulture)); break;
            case double d: state.Text.Append("float ").Append(d.ToString("R", CultureInfo.InvariantCulture)); break;
            case byte[] bytes: state.Text.Append("bytes of length ").Append(bytes.Length); break;
            case object?[] tuple: AppendItems("tuple (", tuple, ")", tuple, state); break;
            case PickleDict dict: state.Text.Append("dict of ").Append(dict.Count).Append(" item(s)"); break;
            case List<object?> list: AppendItems("list [", list, "]", list, state); break;
            case PickleGlobal global: state.Text.Append("global ").Append(global); break;
            case TorchStorageReference storage: state.Text.Append("storage '").Append(storage.Key).Append('\''); break;
            case TorchPickledTensor tensor: state.Text.Append("tensor of shape ").Append(TensorShapes.Format(tensor.Shape)); break;
            default: state.Text.Append(value.GetType().Name); break;
        }
    }

    private static void AppendItems(string open, IReadOnlyList<object?> items, string close, object container, State state)
    {
        state.Shown.Add(container);
        state.Text.Append(open);
        for (int i = 0; i < items.Count; i++)
        {
            if (i > 0) state.Text.Append(", ");
            if (state.Text.Length >= MaxCharacters)
            {
                state.Text.Append(Elided);
                break;
            }
            Append(items[i], state);
        }
        state.Text.Append(close);
    }

    private sealed class State
    {
        public StringBuilder Text { get; } = new();
        public HashSet<object> Shown { get; } = new(ReferenceEqualityComparer.Instance);
        public int Nodes { get; set; }
    }
}
