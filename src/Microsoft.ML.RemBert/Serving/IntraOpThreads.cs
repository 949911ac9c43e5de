using System.Runtime.InteropServices;
using Microsoft.ML.RemBert.Runtime;
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
/// operation (at::init_num_threads). So the share is set by calling those two per-thread setters directly
/// (<see cref="TrySetForThisThread"/>); only when they are not found is <c>torch.set_num_threads</c> used and the atomic
/// put back (from a short-lived thread of its own), so threads that start using libtorch later keep the process
/// default. Measured with TorchSharp 0.107 (libtorch 2.10): docs/serving.md.
/// </remarks>
internal static unsafe class IntraOpThreads
{
    // Serialises read-set-restore across engines, so that no engine reads another one's value as the process default.
    private static readonly Lock Gate = new();

    // The two per-thread setters at::set_num_threads calls, found in the libraries libtorch loaded (its OpenMP runtime
    // is a renamed libgomp, e.g. libgomp-98b21ff3.so.1); null when either is missing (another libtorch build).
    private static readonly Lazy<(nint Omp, nint Mkl)?> Setters = new(FindSetters);

    /// <summary>
    /// Sets the calling thread's intra-op threads to its inherited count (libtorch's default of one per core, or what
    /// the host set: OMP_NUM_THREADS, torch.set_num_threads) divided by <paramref name="shares"/>, at least 1; returns
    /// that share and the inherited count.
    /// </summary>
    public static (int Own, int Inherited) TakeShare(int shares)
    {
        lock (Gate)
        {
            // The thread's first libtorch call initialises its count from the process default, so this is what it inherits.
            int inherited = torch.get_num_threads();
            int own = Math.Max(1, inherited / shares);
            if (own == inherited)
                return (own, inherited);
            // This thread only: the process default is never touched, so no other thread can inherit the share.
            if (TrySetForThisThread(own))
                return (own, inherited);
            torch.set_num_threads(own);
            var restore = new Thread(() => torch.set_num_threads(inherited)) { IsBackground = true, Name = "RemBERT intra-op threads restore" };
            restore.Start();
            restore.Join();
            return (own, inherited);
        }
    }

    /// <summary>
    /// Changes the calling thread's intra-op threads (OpenMP's and oneMKL's, this thread only) without touching the
    /// process default, so it can change between two forward passes at no cost. The thread must have used libtorch
    /// already (<see cref="TakeShare"/>): its first parallel operation would otherwise reset it from the process default.
    /// False when libtorch's OpenMP or oneMKL setter is not found; the count is then unchanged.
    /// </summary>
    public static bool TrySetForThisThread(int count)
    {
        if (Setters.Value is not var (omp, mkl))
            return false;
        ((delegate* unmanaged<int, void>)omp)(count);
        ((delegate* unmanaged<int, int>)mkl)(count);
        return true;
    }

    private static (nint, nint)? FindSetters()
    {
        try
        {
            var loaded = ProcessMappings.Read().Select(mapping => mapping.Path).Distinct().ToList();
            string? torchCpu = loaded.FirstOrDefault(path => Path.GetFileName(path) == "libtorch_cpu.so");
            // libtorch's own OpenMP runtime sits beside it; another libgomp in the process would not be the one it uses.
            string? gomp = loaded.FirstOrDefault(path => Path.GetFileName(path).StartsWith("libgomp", StringComparison.Ordinal)
                && Path.GetDirectoryName(path) == Path.GetDirectoryName(torchCpu));
            if (gomp is null || torchCpu is null
                || !NativeLibrary.TryLoad(gomp, out var gompHandle) || !NativeLibrary.TryLoad(torchCpu, out var torchHandle)
                || !NativeLibrary.TryGetExport(gompHandle, "omp_set_num_threads", out var omp)
                // oneMKL's C entry point: the lower-case mkl_set_num_threads_local is its Fortran one, which takes a pointer.
                || !NativeLibrary.TryGetExport(torchHandle, "MKL_Set_Num_Threads_Local", out var mkl))
                return null;
            return (omp, mkl);
        }
        catch (IOException)
        {
            return null; // no /proc (not Linux): the loops keep their share
        }
    }
}
