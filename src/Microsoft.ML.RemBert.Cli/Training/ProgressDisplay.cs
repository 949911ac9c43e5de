using Microsoft.ML.RemBert.Trainers;
using Spectre.Console;

namespace Microsoft.ML.RemBert.Cli.Training;

/// <summary>
/// Shows a training run's progress: a live bar with loss, learning rate and time left when standard output is a
/// terminal (Spectre.Console), plain log lines when it is redirected (a file or a pipe gets no escape codes). Every
/// report is also kept in <see cref="History"/>.
/// </summary>
internal abstract class ProgressDisplay
{
    public TrainingHistory History { get; } = new();

    /// <summary>The display for this process's standard output.</summary>
    public static ProgressDisplay ForConsole(TextWriter log) =>
        Console.IsOutputRedirected ? new PlainProgressDisplay(log) : new LiveProgressDisplay();

    /// <summary>Runs <paramref name="train"/>, giving it the progress sink that updates this display.</summary>
    public abstract T Run<T>(Func<IProgress<RemBertTrainingProgress>, T> train);

    /// <summary>Forwards reports to an action on the reporting thread (System.Progress would post them to the thread pool, out of order).</summary>
    protected sealed class Sink(Action<RemBertTrainingProgress> report) : IProgress<RemBertTrainingProgress>
    {
        public void Report(RemBertTrainingProgress value) => report(value);
    }
}

/// <summary>Log lines: every validation, the first and last step, and a step at most every <see cref="Interval"/> between.</summary>
internal sealed class PlainProgressDisplay(TextWriter log) : ProgressDisplay
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    public override T Run<T>(Func<IProgress<RemBertTrainingProgress>, T> train)
    {
        var lastLine = DateTime.MinValue;
        return train(new Sink(report =>
        {
            History.Add(report);
            bool show = report.ValidationMetric is not null || report.Step <= 1 || report.Step == report.TotalSteps || DateTime.UtcNow - lastLine >= Interval;
            if (!show) return;
            log.WriteLine(report);
            lastLine = DateTime.UtcNow;
        }));
    }
}

/// <summary>A Spectre.Console progress bar over all optimizer steps: epoch, latest loss and learning rate, bar, percentage, time left; validations print above it.</summary>
internal sealed class LiveProgressDisplay : ProgressDisplay
{
    public override T Run<T>(Func<IProgress<RemBertTrainingProgress>, T> train) =>
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = 24 }, new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask("loading the model", maxValue: 1);
                var result = train(new Sink(report =>
                {
                    History.Add(report);
                    if (report.ValidationMetric is { } metric)
                    {
                        AnsiConsole.MarkupLine(Markup.Escape(report.ToString())); // stays above the bar
                        return;
                    }
                    task.MaxValue = report.TotalSteps;
                    task.Value = report.Step;
                    // Short enough for an 80-column terminal beside the bar; the last column is the time left.
                    task.Description = Markup.Escape($"epoch {report.Epoch}/{report.MaxEpochs} loss {report.Loss:F4} lr {report.LearningRate:0.0e0}");
                }));
                task.StopTask();
                return result;
            });
}
