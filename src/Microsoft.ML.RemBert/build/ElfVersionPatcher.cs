// MSBuild inline task (RoslynCodeTaskFactory, compiled against netstandard2.0) used by Microsoft.ML.RemBert.targets.
// Marks chosen GLIBCXX version requirements of an ELF64 shared library weak, so the dynamic loader
// accepts a system libstdc++ that lacks them. See the targets file for why this is safe for TorchSharp.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public class RemBertWeakenGlibcxxRequirement : Task
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlagWeak = 0x2;

    [Required] public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();
    [Required] public string Mode { get; set; } = "auto";
    [Required] public string AllowedVersions { get; set; } = "";

    public override bool Execute()
    {
        var allowed = new HashSet<string>(AllowedVersions.Split(new[] { ';', ',', ' ' }, StringSplitOptions.RemoveEmptyEntries));
        bool force = string.Equals(Mode, "true", StringComparison.OrdinalIgnoreCase);
        string? systemLib = force ? null : FindSystemLibStdCxx();
        if (!force && systemLib == null)
        {
            Log.LogMessage(MessageImportance.Low, "RemBert: no system libstdc++.so.6 found; libLibTorchSharp.so left as is.");
            return true;
        }
        byte[] systemBytes = systemLib == null ? Array.Empty<byte>() : File.ReadAllBytes(systemLib);

        foreach (var item in Files)
        {
            string path = item.GetMetadata("FullPath");
            try { PatchOne(path, allowed, force, systemBytes, systemLib); }
            catch (Exception ex) when (ex is IOException || ex is InvalidDataException || ex is UnauthorizedAccessException)
            {
                Log.LogWarning("RemBert: could not check or patch '{0}': {1}", path, ex.Message);
            }
        }
        return !Log.HasLoggedErrors;
    }

    private void PatchOne(string path, HashSet<string> allowed, bool force, byte[] systemBytes, string? systemLib)
    {
        byte[] elf = File.ReadAllBytes(path);
        var toWeaken = new List<(int FlagsOffset, string Name)>();
        foreach (var (flagsOffset, name, flags) in EnumerateGlibcxxNeeds(elf))
        {
            if ((flags & VerFlagWeak) != 0) continue;
            bool systemHasIt = !force && Contains(systemBytes, Encoding.ASCII.GetBytes(name + "\0"));
            if (systemHasIt) continue;
            if (allowed.Contains(name)) toWeaken.Add((flagsOffset, name));
            else if (!force)
                Log.LogWarning("RemBert: '{0}' needs {1}, which '{2}' lacks; TorchSharp will fail to load on this machine. " +
                               "Install a newer libstdc++ (GCC 13 or later).", path, name, systemLib);
        }
        if (toWeaken.Count == 0) return;

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
        Log.LogMessage(MessageImportance.High, "RemBert: marked {0} weak in {1} (system libstdc++ lacks it).",
            string.Join(", ", toWeaken.ConvertAll(t => t.Name)), path);
    }

    /// <summary>Yields (file offset of vna_flags, version name, flags) for every GLIBCXX_* entry of .gnu.version_r.</summary>
    private static IEnumerable<(int, string, ushort)> EnumerateGlibcxxNeeds(byte[] elf)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (elf[4] != 2 || elf[5] != 1) throw new InvalidDataException("only little-endian ELF64 is supported");

        long shoff = BitConverter.ToInt64(elf, 0x28);
        int shentsize = BitConverter.ToUInt16(elf, 0x3A);
        int shnum = BitConverter.ToUInt16(elf, 0x3C);
        for (int i = 0; i < shnum; i++)
        {
            int sh = checked((int)(shoff + (long)i * shentsize));
            if (BitConverter.ToUInt32(elf, sh + 4) != ShtGnuVerneed) continue;
            int verneedOffset = checked((int)BitConverter.ToInt64(elf, sh + 24));
            int link = (int)BitConverter.ToUInt32(elf, sh + 40);
            int count = (int)BitConverter.ToUInt32(elf, sh + 44);
            int strtab = checked((int)BitConverter.ToInt64(elf, checked((int)(shoff + (long)link * shentsize)) + 24));

            int vn = verneedOffset;
            for (int n = 0; n < count; n++)
            {
                int auxCount = BitConverter.ToUInt16(elf, vn + 2);
                int aux = vn + (int)BitConverter.ToUInt32(elf, vn + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    ushort flags = BitConverter.ToUInt16(elf, aux + 4);
                    string name = ReadCString(elf, strtab + (int)BitConverter.ToUInt32(elf, aux + 8));
                    if (name.StartsWith("GLIBCXX_", StringComparison.Ordinal)) yield return (aux + 4, name, flags);
                    uint next = BitConverter.ToUInt32(elf, aux + 12);
                    if (next == 0) break;
                    aux += (int)next;
                }
                uint vnNext = BitConverter.ToUInt32(elf, vn + 12);
                if (vnNext == 0) break;
                vn += (int)vnNext;
            }
        }
    }

    private static string ReadCString(byte[] data, int offset)
    {
        int end = Array.IndexOf(data, (byte)0, offset);
        return Encoding.ASCII.GetString(data, offset, (end < 0 ? data.Length : end) - offset);
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
