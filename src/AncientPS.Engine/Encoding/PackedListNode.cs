using System;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace AncientPS.Engine.Encoding
{
    /// <summary>
    /// A packed list node (kind 0x51, docs/format-values.md "Packed list"): kind, element tag, collection code (array or
    /// List), count, then the raw elements. An instance is a node opened for reading, its header checked.
    /// </summary>
    internal readonly unsafe struct PackedListNode
    {
        public const byte Kind = NodeTags.PackedList;
        public const int ElementTagAt = 1;
        public const int CodeAt = 2;
        public const int CountAt = 4;
        public const int HeaderSize = 8;

        private PackedListNode(byte elementTag, ushort code, int count, byte* data)
        {
            ElementTag = elementTag;
            Code = code;
            Count = count;
            Data = data;
        }

        public byte ElementTag { get; }
        /// <summary><see cref="CollectionCodes.PackedArray"/> or <see cref="CollectionCodes.PackedGenericList"/>.</summary>
        public ushort Code { get; }
        public int Count { get; }
        public byte* Data { get; }

        public static long DataBytes(byte elementTag, int count) => (long)count * NodeTags.ElementSize(elementTag);

        public static long Size(byte elementTag, int count) => HeaderSize + DataBytes(elementTag, count);

        /// <summary>
        /// Allocates the node with the allocator's filled path, writes its header and returns where the
        /// <see cref="DataBytes"/> bytes go: the caller copies them at once, before anything can fail.
        /// </summary>
        public static byte* Write(INodeSink sink, byte elementTag, ushort code, int count, bool filled, out long offset)
        {
            Debug.Assert(NodeTags.IsPackable(elementTag), "only fixed-size primitives are packed");
            Debug.Assert(code == CollectionCodes.PackedArray || code == CollectionCodes.PackedGenericList);
            long size = Size(elementTag, count);
            byte* p = filled ? sink.AllocateFilled(size, out offset) : sink.Allocate(size, out offset);
            p[0] = Kind;
            p[ElementTagAt] = elementTag;
            *(ushort*)(p + CodeAt) = code;
            *(uint*)(p + CountAt) = (uint)count;
            return p + HeaderSize;
        }

        /// <summary>Writes <paramref name="array"/> (a vector of the element tag's type) as a packed list.</summary>
        public static long WriteArray(INodeSink sink, Array array, byte elementTag, ushort code)
        {
            Debug.Assert(array.GetType().GetElementType() == NodeTags.ElementType(elementTag));
            int count = array.Length;
            long bytes = DataBytes(elementTag, count);
            // Pinned first, so that nothing can fail between taking the unzeroed node and overwriting it.
            var handle = GCHandle.Alloc(array, GCHandleType.Pinned);
            try
            {
                byte* data = Write(sink, elementTag, code, count, true, out long offset);
                if (bytes > 0) Buffer.MemoryCopy((void*)handle.AddrOfPinnedObject(), data, bytes, bytes);
                return offset;
            }
            finally { handle.Free(); }
        }

        /// <summary>Copies a stored packed list's elements into a new node.</summary>
        public static long WriteCopy(INodeSink sink, AncientList view)
        {
            Debug.Assert(view.IsPacked);
            byte elementTag = view.PackedElementTag;
            int count = view.Count;
            long bytes = DataBytes(elementTag, count);
            byte* data = Write(sink, elementTag, view.PackedCode, count, false, out long offset);
            view.CopyPackedBytes(data, bytes);
            return offset;
        }

        /// <summary>
        /// Writes a copy of <paramref name="source"/> with element <paramref name="index"/> replaced by
        /// <paramref name="element"/> (a value of the element tag's type), for an update in place.
        /// </summary>
        public static long WriteCopy(INodeSink sink, PackedListNode source, int index, object element)
        {
            Debug.Assert(element != null && element.GetType() == NodeTags.ElementType(source.ElementTag));
            int size = NodeTags.ElementSize(source.ElementTag);
            var one = Array.CreateInstance(NodeTags.ElementType(source.ElementTag), 1);
            one.SetValue(element, 0);
            long bytes = DataBytes(source.ElementTag, source.Count);
            var handle = GCHandle.Alloc(one, GCHandleType.Pinned);
            try
            {
                byte* data = Write(sink, source.ElementTag, source.Code, source.Count, true, out long offset);
                if (bytes > 0) Buffer.MemoryCopy(source.Data, data, bytes, bytes);
                Buffer.MemoryCopy((void*)handle.AddrOfPinnedObject(), data + (long)index * size, size, size);
                return offset;
            }
            finally { handle.Free(); }
        }

        public static PackedListNode Open(NodeContext context, long offset)
        {
            byte* h = context.Node(offset, HeaderSize, Kind);
            uint count = *(uint*)(h + CountAt);
            if (count > int.MaxValue) throw Corrupt.Node(offset, $"claims {count} elements");
            ushort code = *(ushort*)(h + CodeAt);
            byte elementTag = h[ElementTagAt];
            if (!NodeTags.IsPackable(elementTag)) throw Corrupt.Node(offset, $"packs the unknown element tag 0x{elementTag:X2}");
            if (code != CollectionCodes.PackedArray && code != CollectionCodes.PackedGenericList) throw Corrupt.Node(offset, $"has the unknown collection code {code}");
            byte* p = context.Space.Pointer(offset, Size(elementTag, (int)count));
            return new PackedListNode(elementTag, code, (int)count, p + HeaderSize);
        }
    }
}
