using System.Diagnostics;
using Microsoft.ML.Data;

namespace Microsoft.ML.RemBert.MLNet.Scoring;

/// <summary>
/// Who called a transformer's Dispose, read from the call stack for the message of later errors: ML.NET's
/// <see cref="PredictionEngineBase{TSrc, TDst}"/> disposing the transformer it owns, or the first method outside this
/// library and ML.NET's transformer chain. Only a description: the JIT may inline the engine's Dispose into its caller,
/// so the stack cannot decide anything.
/// </summary>
internal static class DisposeCaller
{
    /// <summary>The caller of the current Dispose, its thread and the time.</summary>
    public static string Describe()
    {
        var when = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm:ss.fff 'UTC'", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var frame in new StackTrace(skipFrames: 1, fNeedFileInfo: false).GetFrames())
        {
            var method = frame.GetMethod();
            var type = method?.DeclaringType;
            if (type is null)
                continue;
            if (IsPredictionEngine(type))
                return $"{Describe(type)}.Dispose (a PredictionEngine that owns its transformer) on thread {Environment.CurrentManagedThreadId} at {when}";
            if (type.Assembly == typeof(DisposeCaller).Assembly || IsTransformerChain(type))
                continue;
            return $"{Describe(type)}.{MethodName(method!.Name)} on thread {Environment.CurrentManagedThreadId} at {when}";
        }
        return $"an unknown caller on thread {Environment.CurrentManagedThreadId} at {when}";
    }

    private static bool IsPredictionEngine(Type type)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(PredictionEngineBase<,>))
                return true;
        }
        return false;
    }

    private static bool IsTransformerChain(Type type) => type.IsGenericType && type.GetGenericTypeDefinition() == typeof(TransformerChain<>);

    // Compiler-generated methods: a local function "<Outer>g__Name|0_1" is Name, a lambda "<Outer>b__0_0" is Outer.
    private static string MethodName(string name)
    {
        if (!name.StartsWith('<'))
            return name;
        int local = name.IndexOf("g__", StringComparison.Ordinal);
        if (local >= 0)
            return name[(local + 3)..].Split('|')[0];
        return name[1..name.IndexOf('>', StringComparison.Ordinal)].TrimStart('<');
    }

    // Compiler-generated types (lambdas, local functions, async state machines) are named after the method that holds them.
    private static string Describe(Type type)
    {
        var named = type;
        while (named.DeclaringType is not null && named.Name.Contains('<', StringComparison.Ordinal))
            named = named.DeclaringType;
        string name = named.FullName ?? named.Name;
        int tick = name.IndexOf('`', StringComparison.Ordinal);
        return tick < 0 ? name : name[..tick];
    }
}
