using System.Diagnostics;
using System.Globalization;
using TorchSharp;

namespace Serving;

/// <summary>
/// <c>--thread-probe</c>: whether libtorch's <c>torch.set_num_threads</c> acts on the calling thread or on the process
/// (what the batching engine's ConcurrentBatches relies on; docs/serving.md). Reads the count on other threads, then
/// times 1152x1152 matrix products on threads set to 1 and 2, alone and side by side, with each thread's own CPU time.
/// </summary>
internal static class ThreadProbe
{
    private const int Products = 40;

    public static void Run()
    {
        Console.WriteLine($"{Environment.ProcessorCount} cores; main thread: {torch.get_num_threads()} threads");
        int onWorker = 0;
        using (var set = new ManualResetEventSlim())
        using (var checkedMain = new ManualResetEventSlim())
        {
            var worker = new Thread(() =>
            {
                torch.set_num_threads(1);
                onWorker = torch.get_num_threads();
                set.Set();
                checkedMain.Wait();
            });
            worker.Start();
            set.Wait();
            Console.WriteLine($"a worker called set_num_threads(1): the worker reads {onWorker}, the main thread meanwhile {torch.get_num_threads()}");
            checkedMain.Set();
            worker.Join();
        }
        Console.WriteLine($"a thread started afterwards reads {OnThread(torch.get_num_threads)} (the process-wide value new threads start from)");
        Console.WriteLine($"main thread after the worker ended: {torch.get_num_threads()}");

        Console.WriteLine("alone:");
        OnThread(() => Time(1));
        OnThread(() => Time(2));
        Console.WriteLine("side by side (1 and 2, then 1 and 1):");
        Together(1, 2);
        Together(1, 1);
    }

    private static void Together(int first, int second)
    {
        var threads = new[] { new Thread(() => Time(first)), new Thread(() => Time(second)) };
        foreach (var thread in threads) thread.Start();
        foreach (var thread in threads) thread.Join();
    }

    private static T OnThread<T>(Func<T> work)
    {
        T result = default!;
        var thread = new Thread(() => result = work());
        thread.Start();
        thread.Join();
        return result;
    }

    private static int Time(int threads)
    {
        _ = torch.get_num_threads();
        torch.set_num_threads(threads);
        using var scope = torch.NewDisposeScope();
        var a = torch.randn(1152, 1152);
        var b = torch.randn(1152, 1152);
        for (int i = 0; i < 3; i++)
            torch.matmul(a, b).Dispose();
        var process = Process.GetCurrentProcess();
        var processCpu = process.TotalProcessorTime;
        var ownCpu = ThreadCpu();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < Products; i++)
            torch.matmul(a, b).Dispose();
        double wall = clock.Elapsed.TotalMilliseconds / Products;
        double own = (ThreadCpu() - ownCpu).TotalMilliseconds / Products;
        process.Refresh();
        double all = (process.TotalProcessorTime - processCpu).TotalMilliseconds / Products;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  thread set to {threads} (reads {torch.get_num_threads()}): {wall:F1} ms per product, this thread's CPU {own:F1} ms, the process's CPU {all:F1} ms"));
        return 0;
    }

    /// <summary>The calling thread's CPU time, user + system (/proc/thread-self/stat, in clock ticks of 10 ms).</summary>
    private static TimeSpan ThreadCpu()
    {
        string stat = File.ReadAllText("/proc/thread-self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromMilliseconds(ticks * 10);
    }
}
