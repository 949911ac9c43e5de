using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using System.Text;

namespace Microsoft.ML.RemBert.Runtime;

/// <summary>
/// Reads, from a 64-bit little-endian ELF shared library on disk, where the library's own calls to one of its exported
/// functions are bound: the symbol's address inside the library and the GOT slot (the relocation's offset) through which
/// the library calls it. Only the section headers, the dynamic symbol table, its strings and the relocation sections are
/// read, through a memory-mapped view, so a 500 MB library costs a few milliseconds.
/// </summary>
internal static class ElfImportSlots
{
    private const uint SectionRela = 4, SectionDynSym = 11;
    private const uint RelocationGlobalData = 6, RelocationJumpSlot = 7; // R_X86_64_GLOB_DAT, R_X86_64_JUMP_SLOT
    private const int SymbolSize = 24, RelaSize = 24, SectionHeaderSize = 64;

    /// <summary>What the library says of <see cref="Symbol"/>: its value (offset from the load base) and the offset of the slot its calls go through.</summary>
    public readonly record struct ImportSlot(string Symbol, ulong SymbolValue, ulong SlotOffset);

    /// <summary>The slot of <paramref name="symbol"/> in <paramref name="path"/>, or null with the reason when the file does not have one.</summary>
    public static unsafe ImportSlot? Find(string path, string symbol, out string? whyNot)
    {
        using var file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        using var view = file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        byte* start = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref start);
        try
        {
            return Find(start + view.PointerOffset, view.Capacity, symbol, out whyNot);
        }
        finally
        {
            view.SafeMemoryMappedViewHandle.ReleasePointer();
        }
    }

    private static unsafe ImportSlot? Find(byte* elf, long length, string symbol, out string? whyNot)
    {
        ReadOnlySpan<byte> At(ulong offset, long count)
        {
            if (offset > (ulong)length || (ulong)count > (ulong)length - offset)
                throw new InvalidDataException($"ELF structure at offset {offset} (+{count} bytes) lies outside the file ({length} bytes).");
            return new ReadOnlySpan<byte>(elf + offset, checked((int)count));
        }
        var header = At(0, 64);
        if (!header[..4].SequenceEqual("\u007fELF"u8) || header[4] != 2 || header[5] != 1)
        {
            whyNot = "not a 64-bit little-endian ELF file";
            return null;
        }
        ulong sectionTable = BinaryPrimitives.ReadUInt64LittleEndian(header[0x28..]);
        int sectionCount = BinaryPrimitives.ReadUInt16LittleEndian(header[0x3C..]);
        var sections = Enumerable.Range(0, sectionCount)
            .Select(i => Section.Read(At(sectionTable + (ulong)(i * SectionHeaderSize), SectionHeaderSize))).ToArray();
        int dynSymIndex = Array.FindIndex(sections, s => s.Type == SectionDynSym);
        if (dynSymIndex < 0)
        {
            whyNot = "no dynamic symbol table";
            return null;
        }
        var dynSym = sections[dynSymIndex];
        if (dynSym.Link < 0 || dynSym.Link >= sections.Length)
            throw new InvalidDataException($"the dynamic symbol table links to section {dynSym.Link}, but the file has {sections.Length} sections.");
        var strings = sections[dynSym.Link];
        var wanted = Encoding.ASCII.GetBytes(symbol + "\0");
        foreach (var rela in sections.Where(s => s.Type == SectionRela && s.Link == dynSymIndex))
        {
            for (ulong entry = 0; entry + RelaSize <= rela.Size; entry += RelaSize)
            {
                var relocation = At(rela.Offset + entry, RelaSize);
                ulong info = BinaryPrimitives.ReadUInt64LittleEndian(relocation[8..]);
                uint type = (uint)info, symbolIndex = (uint)(info >> 32);
                if (type is not (RelocationJumpSlot or RelocationGlobalData) || symbolIndex == 0)
                    continue;
                var symbolEntry = At(dynSym.Offset + symbolIndex * SymbolSize, SymbolSize);
                uint nameOffset = BinaryPrimitives.ReadUInt32LittleEndian(symbolEntry);
                if (nameOffset + (ulong)wanted.Length > strings.Size
                    || !At(strings.Offset + nameOffset, wanted.Length).SequenceEqual(wanted))
                    continue;
                ulong value = BinaryPrimitives.ReadUInt64LittleEndian(symbolEntry[8..]);
                if (value == 0)
                {
                    whyNot = $"{symbol} is imported, not defined, by the library";
                    return null;
                }
                whyNot = null;
                return new ImportSlot(symbol, value, BinaryPrimitives.ReadUInt64LittleEndian(relocation));
            }
        }
        whyNot = $"the library does not call {symbol} through a relocated slot";
        return null;
    }

    private readonly record struct Section(uint Type, ulong Offset, ulong Size, int Link)
    {
        public static Section Read(ReadOnlySpan<byte> header) => new(
            BinaryPrimitives.ReadUInt32LittleEndian(header[4..]),
            BinaryPrimitives.ReadUInt64LittleEndian(header[0x18..]),
            BinaryPrimitives.ReadUInt64LittleEndian(header[0x20..]),
            (int)BinaryPrimitives.ReadUInt32LittleEndian(header[0x28..]));
    }
}
