using System.Collections;
using Microsoft.Build.Framework;

namespace Microsoft.ML.RemBert.Tests.Runtime;

/// <summary>An MSBuild engine that records what a task logs, so a task can run outside a build.</summary>
internal sealed class RecordingBuildEngine : IBuildEngine
{
    public List<string> Warnings { get; } = new();
    public List<string> Errors { get; } = new();
    public List<string> Messages { get; } = new();

    public bool ContinueOnError => false;
    public int LineNumberOfTaskNode => 0;
    public int ColumnNumberOfTaskNode => 0;
    public string ProjectFileOfTaskNode => "test.proj";

    public void LogWarningEvent(BuildWarningEventArgs e) => Warnings.Add(e.Message ?? "");
    public void LogErrorEvent(BuildErrorEventArgs e) => Errors.Add(e.Message ?? "");
    public void LogMessageEvent(BuildMessageEventArgs e) => Messages.Add(e.Message ?? "");
    public void LogCustomEvent(CustomBuildEventArgs e) { }

    public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs) =>
        throw new NotSupportedException();
}
