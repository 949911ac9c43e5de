using System.Runtime.InteropServices;

namespace Microsoft.ML.RemBert.Runtime;

/// <summary>
/// Gives the C heap's free memory back to the operating system after a model's tensors are freed. libtorch allocates
/// a model's weights with malloc; once glibc has freed a large block it raises its mmap threshold, so the next model's
/// weights come from the heap, and freed heap memory stays in the process: without a trim, every reload of a model
/// left the resident size a little higher (a service that reloads its model would look like it leaks).
/// </summary>
internal static class NativeHeap
{
    /// <summary>Calls glibc's <c>malloc_trim(0)</c>; does nothing elsewhere (other systems, musl).</summary>
    public static void Trim()
    {
        if (!OperatingSystem.IsLinux())
            return;
        try
        {
            MallocTrim(0);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            // Not glibc: nothing to trim this way.
        }
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);
}
