using System.Runtime.InteropServices;

namespace Microsoft.ML.RemBert.Runtime;

/// <summary>
/// A native function <c>int f(void)</c> that returns 1, made of six bytes of x86-64 machine code (<c>mov eax, 1; ret</c>)
/// in an anonymous page that is written, then made read-and-execute only. Native callers (oneMKL's OpenMP threads) run it
/// without entering the .NET runtime, which a managed <c>UnmanagedCallersOnly</c> callback would make them do. The page
/// is never unmapped: a GOT slot may point at it for the rest of the process. Linux x64 only.
/// </summary>
internal static unsafe partial class NativeStub
{
    private const int ProtRead = 1, ProtWrite = 2, ProtExec = 4;
    private const int MapPrivate = 0x02, MapAnonymous = 0x20;
    private const int PageSize = 4096;

    private static ReadOnlySpan<byte> MovEax1Ret => [0xB8, 0x01, 0x00, 0x00, 0x00, 0xC3];

    /// <summary>The address of a new stub, or null with the reason (a system that refuses executable anonymous pages).</summary>
    public static nint? ReturningOne(out string? whyNot)
    {
        void* page = mmap(null, PageSize, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
        if (page == (void*)-1)
        {
            whyNot = $"mmap of a page for the native stub failed (errno {Marshal.GetLastPInvokeError()})";
            return null;
        }
        MovEax1Ret.CopyTo(new Span<byte>(page, PageSize));
        if (mprotect(page, PageSize, ProtRead | ProtExec) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            munmap(page, PageSize);
            whyNot = $"the system refuses an executable page for the native stub (mprotect errno {errno})";
            return null;
        }
        whyNot = null;
        return (nint)page;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial void* mmap(void* address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int mprotect(void* address, nuint length, int protection);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int munmap(void* address, nuint length);
}
