namespace Microsoft.ML.RemBert.Tests.Runtime.ScalarSafety;

/// <summary>
/// While alive, a thread of its own forces full collections and runs the pending finalizers, over and over: a Scalar
/// nothing holds is then finalized within microseconds of its last managed use, which is what issue 25's failures need.
/// </summary>
internal sealed class CollectionPressure : IDisposable
{
    private readonly Thread _thread;
    private volatile bool _stop;
    private int _collections;

    public CollectionPressure()
    {
        _thread = new Thread(() =>
        {
            while (!_stop)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                Interlocked.Increment(ref _collections);
            }
        }) { IsBackground = true, Name = "forced collections" };
        _thread.Start();
    }

    /// <summary>Full collections (each followed by the finalizers it queued) done so far.</summary>
    public int Collections => Volatile.Read(ref _collections);

    public void Dispose()
    {
        _stop = true;
        _thread.Join();
    }
}
