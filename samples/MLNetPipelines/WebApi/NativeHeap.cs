using System.Runtime.InteropServices;

namespace MLNetPipelines.WebApi;

/// <summary>
/// Keeps the memory of disposed models from staying in the process. libtorch allocates each weight with malloc; glibc
/// serves blocks above its mmap threshold with their own mappings, returned to the system when freed, but it raises that
/// threshold to the size of each such block freed (up to 32 MB), after which weights of the next model come from the
/// heap and stay there, fragmented, when freed. Measured with this sample: 12 reloads alternating a 14 MB and a 250 MB
/// zip grew RSS from 684 MB to 2,124 MB although every old model was disposed; with the threshold fixed at 128 KiB
/// (which turns the adjustment off) RSS stayed between 267 and 539 MB. Linux with glibc only; elsewhere a no-op. The
/// library itself gives freed heap pages back (malloc_trim) each time a model's tensors are freed.
/// </summary>
internal static partial class NativeHeap
{
    private const int MmapThreshold = -3; // M_MMAP_THRESHOLD in malloc.h
    private const int ArenaMax = -8; // M_ARENA_MAX in malloc.h

    /// <summary>Fixes glibc's mmap threshold at 128 KiB; call before the first model is loaded.</summary>
    public static void UseMappingsForLargeBlocks()
    {
        if (!OperatingSystem.IsLinux())
            return;
        try
        {
            mallopt(MmapThreshold, 128 * 1024);
            // Each thread that mallocs may get an arena of its own (up to 8 per core), and every reload starts a new
            // batching loop thread: freed blocks then stay spread over many arenas. Two arenas keep the tokenizer and
            // libtorch's small allocations in few places that malloc_trim can give back. (Before this and the other reload
            // fixes, 20 reloads grew RSS by 27-29 MB in WebApiTests; this change was not measured on its own.)
            mallopt(ArenaMax, 2);
        }
        catch (Exception error) when (error is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (e.g. musl): its allocator has no such threshold to fix.
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int mallopt(int parameter, int value);
}
