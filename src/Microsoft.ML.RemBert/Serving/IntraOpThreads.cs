using TorchSharp;

namespace Microsoft.ML.RemBert.Serving;

/// <summary>
/// Gives one thread its own share of libtorch's intra-op threads, leaving every other thread as it was.
/// </summary>
/// <remarks>
/// libtorch's CPU build parallelises with OpenMP, whose thread count is a per-thread setting: <c>torch.set_num_threads</c>
/// (at::set_num_threads, aten/src/ATen/ParallelOpenMP.cpp) calls <c>omp_set_num_threads</c> and
/// <c>mkl_set_num_threads_local</c>, which act on the calling thread only. It also stores the value in one process-wide
/// atomic, from which every thread that has not used libtorch yet initialises its own count on its first parallel
/// operation (at::init_num_threads). That part is put back here (from a short-lived thread of its own), so threads that
/// start using libtorch later keep the process default. Measured with TorchSharp 0.107 (libtorch 2.10): docs/serving.md.
/// </remarks>
internal static class IntraOpThreads
{
    // Serialises read-set-restore across engines, so that no engine reads another one's value as the process default.
    private static readonly Lock Gate = new();

    /// <summary>
    /// Sets the calling thread's intra-op threads to its inherited count (libtorch's default of one per core, or what
    /// the host set: OMP_NUM_THREADS, torch.set_num_threads) divided by <paramref name="shares"/>, at least 1; returns it.
    /// </summary>
    public static int TakeShare(int shares)
    {
        lock (Gate)
        {
            // The thread's first libtorch call initialises its count from the process default, so this is what it inherits.
            int inherited = torch.get_num_threads();
            int own = Math.Max(1, inherited / shares);
            if (own == inherited)
                return own;
            torch.set_num_threads(own);
            var restore = new Thread(() => torch.set_num_threads(inherited)) { IsBackground = true, Name = "RemBERT intra-op threads restore" };
            restore.Start();
            restore.Join();
            return own;
        }
    }
}
