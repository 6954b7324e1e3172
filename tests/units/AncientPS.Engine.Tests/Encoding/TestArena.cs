using System;
using System.Runtime.InteropServices;
using AncientPS.Engine.Encoding;
using AncientPS.Engine.Storage;

namespace AncientPS.Engine.Tests.Encoding
{
    /// <summary>
    /// An in-memory heap for encoding tests: one reserved native block that is both the allocator of a write and the
    /// bounds-checked space of a read, so the encoding layer is tested without the storage layer.
    /// </summary>
    internal sealed unsafe class TestArena : INodeAllocator, INodeSpace, IDisposable
    {
        private const long Start = 64;
        private readonly long _reserved;
        private byte* _base;
        private long _used = Start;

        public TestArena(long reserve = 64L << 20)
        {
            _reserved = reserve;
            _base = (byte*)Marshal.AllocHGlobal((IntPtr)reserve);
            new Span<byte>(_base, (int)Math.Min(Start, reserve)).Clear();
        }

        public long Used => _used - Start;
        public int Reads { get; private set; }
        public bool Disposed { get; private set; }
        public int ReadDepth { get; private set; }

        public MappedHeap Heap => null;

        public long Allocate(long size, out byte* pointer)
        {
            long aligned = (size + 7) & ~7L;
            if (_used + aligned > _reserved) throw new AncientHeapFullException("The test arena is full.", _reserved, _used + aligned);
            long offset = _used;
            _used += aligned;
            pointer = _base + offset;
            Clear(pointer, aligned);
            return offset;
        }

        /// <summary>Zeroes only the padding past <paramref name="filled"/>, as a heap's write transaction does, so the writer's promise to fill the rest is tested.</summary>
        public long AllocateFilled(long size, long filled, out byte* pointer)
        {
            long aligned = (size + 7) & ~7L;
            if (filled < 0 || filled > aligned) throw new ArgumentOutOfRangeException(nameof(filled));
            if (_used + aligned > _reserved) throw new AncientHeapFullException("The test arena is full.", _reserved, _used + aligned);
            long offset = _used;
            _used += aligned;
            pointer = _base + offset;
            // Garbage where the caller promised to write, so that a writer which leaves any of it unwritten is caught.
            for (long i = 0; i < filled; i++) pointer[i] = 0xCD;
            Clear(pointer + filled, aligned - filled);
            FilledAllocations++;
            return offset;
        }

        public int FilledAllocations { get; private set; }

        public byte* PointerTo(long offset, long length) => _base + offset;

        private static void Clear(byte* p, long n)
        {
            while (n > 0)
            {
                int chunk = (int)Math.Min(n, int.MaxValue);
                new Span<byte>(p, chunk).Clear();
                p += chunk;
                n -= chunk;
            }
        }

        public byte* Pointer(long offset, long length)
        {
            if (offset < Start || length < 0 || offset > _used || length > _used - offset)
                throw new AncientHeapCorruptException($"The range [{offset}, +{length}) lies outside the arena.");
            return _base + offset;
        }

        public void EnterRead()
        {
            if (Disposed) throw new ObjectDisposedException("TestArena");
            ReadDepth++;
            Reads++;
        }

        public void ExitRead() => ReadDepth--;

        public byte* At(long offset) => _base + offset;

        public object Store(object value, SetOptions options = null, ValueProjection projection = null)
        {
            var encoded = NodeWriter.Write(value, this, options ?? new SetOptions());
            LastTypeName = encoded.TypeName;
            LastRoot = encoded;
            return NodeReader.Read(this, "key", encoded.Tag, encoded.Payload, projection ?? ValueProjection.None);
        }

        public string LastTypeName { get; private set; }
        public EncodedValue LastRoot { get; private set; }

        public void Dispose()
        {
            if (_base == null) return;
            Disposed = true;
            Marshal.FreeHGlobal((IntPtr)_base);
            _base = null;
        }
    }
}
