// MSBuild inline task (RoslynCodeTaskFactory, compiled against netstandard2.0) used by Microsoft.ML.RemBert.targets.
// Marks chosen GLIBCXX version requirements of an ELF64 shared library weak, so the dynamic loader
// accepts a system libstdc++ that lacks them. See the targets file for why this is safe for TorchSharp.
// Keep to C# 8 and netstandard2.0 APIs: MSBuild compiles this file itself on the consumer's machine.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

/// <summary>
/// Weakens the allowed GLIBCXX version requirements of each file. Never fails the build: a file it cannot read or
/// does not understand (not ELF, 32-bit, big-endian, truncated, no .gnu.version_r, none of the allowed versions
/// required) gives a warning that names the file and the reason, and the file is left as it was.
/// </summary>
public class RemBertWeakenGlibcxxRequirement : Microsoft.Build.Utilities.Task
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlagWeak = 0x2;

    /// <summary>The libLibTorchSharp.so copies in the build or publish output (never the NuGet cache's).</summary>
    [Required] public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>
    /// <c>auto</c>: weaken, and warn about any other GLIBCXX version this machine's libstdc++ lacks.
    /// <c>true</c>: weaken only (the build machine says nothing about the deployment machine).
    /// </summary>
    [Required] public string Mode { get; set; } = "auto";

    /// <summary>The versions that may be made weak, separated by ';', ',' or spaces.</summary>
    [Required] public string AllowedVersions { get; set; } = "";

    /// <inheritdoc />
    public override bool Execute()
    {
        var allowed = new HashSet<string>(AllowedVersions.Split(new[] { ';', ',', ' ' }, StringSplitOptions.RemoveEmptyEntries));
        bool checkThisMachine = !string.Equals(Mode, "true", StringComparison.OrdinalIgnoreCase);
        if (checkThisMachine && !string.Equals(Mode, "auto", StringComparison.OrdinalIgnoreCase))
            Log.LogWarning("RemBert: RemBertPatchLibTorchSharp is '{0}'; expected auto, true or false. Treated as auto.", Mode);
        string? systemLib = checkThisMachine ? FindSystemLibStdCxx() : null;
        byte[]? systemBytes = null;
        if (systemLib != null)
        {
            try { systemBytes = File.ReadAllBytes(systemLib); }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                Log.LogMessage(MessageImportance.Low, "RemBert: could not read '{0}' ({1}); other GLIBCXX versions are not checked.", systemLib, ex.Message);
            }
        }

        foreach (var item in Files)
        {
            string path = item.GetMetadata("FullPath");
            if (path.Length == 0) path = item.ItemSpec;
            try { PatchOne(path, allowed, systemBytes, systemLib); }
            catch (Exception ex) when (ex is IOException || ex is InvalidDataException || ex is UnauthorizedAccessException
                                       || ex is ArgumentException || ex is NotSupportedException)
            {
                Log.LogWarning("RemBert: left '{0}' unpatched: {1} It may fail to load where libstdc++ is older than GCC 13's.", path, ex.Message);
            }
        }
        return !Log.HasLoggedErrors;
    }

    private void PatchOne(string path, HashSet<string> allowed, byte[]? systemBytes, string? systemLib)
    {
        byte[] elf = File.ReadAllBytes(path);
        var toWeaken = new List<(int FlagsOffset, string Name)>();
        var alreadyWeak = new List<string>();
        foreach (var (flagsOffset, name, flags) in ReadGlibcxxNeeds(elf))
        {
            bool weak = (flags & VerFlagWeak) != 0;
            if (allowed.Contains(name))
            {
                if (weak) alreadyWeak.Add(name);
                else toWeaken.Add((flagsOffset, name));
            }
            else if (!weak && systemBytes != null && !Contains(systemBytes, Encoding.ASCII.GetBytes(name + "\0")))
            {
                Log.LogWarning("RemBert: '{0}' needs {1}, which '{2}' lacks; TorchSharp will fail to load on this machine. " +
                               "Install a newer libstdc++ (GCC 13 or later).", path, name, systemLib);
            }
        }
        if (toWeaken.Count == 0)
        {
            if (alreadyWeak.Count == 0)
                throw new InvalidDataException($"it requires none of the versions allowed to be made weak ({string.Join(", ", allowed)}).");
            Log.LogMessage(MessageImportance.Low, "RemBert: {0} is already weak in {1}.", string.Join(", ", alreadyWeak), path);
            return;
        }

        foreach (var (offset, _) in toWeaken)
        {
            ushort flags = BitConverter.ToUInt16(elf, offset);
            BitConverter.GetBytes((ushort)(flags | VerFlagWeak)).CopyTo(elf, offset);
        }
        // Write beside the target, then rename over it: atomic, and never writes through a hard link
        // into the NuGet package cache.
        string temp = path + ".rembert-patch.tmp";
        File.WriteAllBytes(temp, elf);
        File.SetLastWriteTimeUtc(temp, DateTime.UtcNow);
        File.Replace(temp, path, null); // rename(2): atomic on Linux
        Log.LogMessage(MessageImportance.High, "RemBert: marked {0} weak in {1}.",
            string.Join(", ", toWeaken.ConvertAll(t => t.Name)), path);
    }

    /// <summary>
    /// (file offset of vna_flags, version name, flags) for every GLIBCXX_* entry of .gnu.version_r. Every read is
    /// bounds-checked: a truncated or corrupt file gives an <see cref="InvalidDataException"/> saying what is wrong.
    /// </summary>
    private static List<(int, string, ushort)> ReadGlibcxxNeeds(byte[] elf)
    {
        if (elf.Length < 4 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException("it is not an ELF file.");
        if (elf.Length < 64) throw new InvalidDataException($"its ELF header is truncated ({elf.Length} bytes).");
        if (elf[4] != 2) throw new InvalidDataException($"it is a {(elf[4] == 1 ? "32-bit" : "unknown-class")} ELF file; only ELF64 is supported.");
        if (elf[5] != 1) throw new InvalidDataException("it is a big-endian ELF file; only little-endian is supported.");

        long shoff = ReadInt64(elf, 0x28, "e_shoff");
        int shentsize = ReadUInt16(elf, 0x3A, "e_shentsize");
        int shnum = ReadUInt16(elf, 0x3C, "e_shnum");
        var needs = new List<(int, string, ushort)>();
        bool sawVerneed = false;
        for (int i = 0; i < shnum; i++)
        {
            long sh = shoff + (long)i * shentsize;
            if (ReadUInt32(elf, sh + 4, "section type") != ShtGnuVerneed) continue;
            sawVerneed = true;
            long vn = ReadInt64(elf, sh + 24, ".gnu.version_r offset");
            long link = ReadUInt32(elf, sh + 40, ".gnu.version_r link");
            long count = ReadUInt32(elf, sh + 44, ".gnu.version_r count");
            long strtab = ReadInt64(elf, shoff + link * shentsize + 24, "version string table offset");

            for (long n = 0; n < count; n++)
            {
                int auxCount = ReadUInt16(elf, vn + 2, "vn_cnt");
                long aux = vn + ReadUInt32(elf, vn + 8, "vn_aux");
                for (int a = 0; a < auxCount; a++)
                {
                    ushort flags = ReadUInt16(elf, aux + 4, "vna_flags");
                    string name = ReadCString(elf, strtab + ReadUInt32(elf, aux + 8, "vna_name"));
                    if (name.StartsWith("GLIBCXX_", StringComparison.Ordinal)) needs.Add(((int)aux + 4, name, flags));
                    uint next = ReadUInt32(elf, aux + 12, "vna_next");
                    if (next == 0) break;
                    aux += next;
                }
                uint vnNext = ReadUInt32(elf, vn + 12, "vn_next");
                if (vnNext == 0) break;
                vn += vnNext;
            }
        }
        if (!sawVerneed) throw new InvalidDataException("it has no .gnu.version_r section (no symbol version requirements).");
        return needs;
    }

    private static void Require(byte[] data, long offset, int size, string field)
    {
        if (offset < 0 || offset > data.Length - size)
            throw new InvalidDataException($"it is truncated or corrupt: {field} at byte {offset} lies outside the file's {data.Length} bytes.");
    }

    private static ushort ReadUInt16(byte[] data, long offset, string field) { Require(data, offset, 2, field); return BitConverter.ToUInt16(data, (int)offset); }
    private static uint ReadUInt32(byte[] data, long offset, string field) { Require(data, offset, 4, field); return BitConverter.ToUInt32(data, (int)offset); }
    private static long ReadInt64(byte[] data, long offset, string field) { Require(data, offset, 8, field); return BitConverter.ToInt64(data, (int)offset); }

    private static string ReadCString(byte[] data, long offset)
    {
        Require(data, offset, 1, "version name");
        int end = Array.IndexOf(data, (byte)0, (int)offset);
        if (end < 0) throw new InvalidDataException($"it is truncated or corrupt: the version name at byte {offset} has no terminator.");
        return Encoding.ASCII.GetString(data, (int)offset, end - (int)offset);
    }

    private static string? FindSystemLibStdCxx()
    {
        string[] candidates =
        {
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/usr/lib/aarch64-linux-gnu/libstdc++.so.6", "/lib/aarch64-linux-gnu/libstdc++.so.6",
            "/usr/lib64/libstdc++.so.6", "/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
        };
        foreach (var c in candidates) if (File.Exists(c)) return c;
        return null;
    }

    private static bool Contains(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && haystack[i + j] == needle[j]) j++;
            if (j == needle.Length) return true;
        }
        return false;
    }
}
