using System;
using System.Diagnostics;

namespace AncientPS.Engine.Encoding
{
    /// <summary>
    /// A list node of slots (kind 0x50, docs/format-values.md "List"): kind, flags, collection code, count, the name's
    /// offset when the code is <see cref="CollectionCodes.Named"/>, then the run of tags and the payloads.
    /// An instance is a node opened for reading, its header checked.
    /// </summary>
    internal readonly unsafe struct ListNode
    {
        public const byte Kind = NodeTags.List;
        public const int FlagsAt = 1;
        public const int CodeAt = 2;
        public const int CountAt = 4;
        public const int NameAt = 8;
        public const int HeaderSize = 8;
        public const int NamedHeaderSize = 16;

        private ListNode(int count, ushort code, long nameOffset, byte* tags, ulong* payloads)
        {
            Count = count;
            Code = code;
            NameOffset = nameOffset;
            Tags = tags;
            Payloads = payloads;
        }

        public int Count { get; }
        public ushort Code { get; }
        /// <summary>The type name's string node, for a named collection; 0 otherwise.</summary>
        public long NameOffset { get; }
        public byte* Tags { get; }
        public ulong* Payloads { get; }

        public static int HeaderSizeOf(ushort code) => code == CollectionCodes.Named ? NamedHeaderSize : HeaderSize;

        public static long Size(ushort code, int count) => HeaderSizeOf(code) + NodeTags.Align8(count) + 8L * count;

        /// <summary>Allocates and writes the header; the caller fills the <paramref name="count"/> slots through the returned node.</summary>
        public static ListNode Write(INodeSink sink, ushort code, long nameOffset, int count, out long offset)
        {
            Debug.Assert(count >= 0);
            Debug.Assert((code == CollectionCodes.Named) == (nameOffset != 0), "a list names its type exactly when its code says so");
            int header = HeaderSizeOf(code);
            byte* p = sink.Allocate(Size(code, count), out offset);
            p[0] = Kind;
            *(ushort*)(p + CodeAt) = code;
            *(uint*)(p + CountAt) = (uint)count;
            if (code == CollectionCodes.Named) *(long*)(p + NameAt) = nameOffset;
            return new ListNode(count, code, nameOffset, p + header, (ulong*)(p + header + NodeTags.Align8(count)));
        }

        /// <summary>Writes a copy of <paramref name="source"/> (header, name and every slot), for an update that then changes one slot.</summary>
        public static ListNode WriteCopy(INodeSink sink, ListNode source, out long offset)
        {
            var copy = Write(sink, source.Code, source.NameOffset, source.Count, out offset);
            Buffer.MemoryCopy(source.Tags, copy.Tags, source.Count, source.Count);
            Buffer.MemoryCopy(source.Payloads, copy.Payloads, 8L * source.Count, 8L * source.Count);
            return copy;
        }

        public static ListNode Open(NodeContext context, long offset)
        {
            byte* h = context.Node(offset, HeaderSize, Kind);
            uint count = *(uint*)(h + CountAt);
            if (count > int.MaxValue) throw Corrupt.Node(offset, $"claims {count} elements");
            ushort code = *(ushort*)(h + CodeAt);
            if (h[FlagsAt] != 0) throw Corrupt.Node(offset, $"has unknown list flags 0x{h[FlagsAt]:X2}");
            if (code != CollectionCodes.Named && CollectionCodes.NameOf(code) == null) throw Corrupt.Node(offset, $"has the unknown collection code {code}");
            int header = HeaderSizeOf(code);
            byte* p = context.Space.Pointer(offset, Size(code, (int)count));
            long name = header == NamedHeaderSize ? *(long*)(p + NameAt) : 0;
            return new ListNode((int)count, code, name, p + header, (ulong*)(p + header + NodeTags.Align8(count)));
        }
    }
}
