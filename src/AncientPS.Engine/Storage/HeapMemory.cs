using System;
using System.Collections.Generic;
using System.IO.MemoryMappedFiles;

namespace AncientPS.Engine.Storage
{
    /// <summary>
    /// The bytes of a heap: a mapped file or anonymous native memory. Growing maps the larger size anew and keeps every
    /// earlier mapping until disposal, so a pointer taken before a growth stays valid.
    /// </summary>
    internal abstract unsafe class HeapMemory : IDisposable
    {
        internal sealed class Region
        {
            public Region(byte* start, long length) { Start = start; Length = length; }
            public readonly byte* Start;
            public readonly long Length;
        }

        private readonly List<IDisposable> _retained = new List<IDisposable>();
        private readonly object _mapLock = new object();
        private volatile Region _current = new Region(null, 0);

        public long MappedLength => _current.Length;

        /// <summary>The current base address; valid for offsets below <see cref="MappedLength"/>.</summary>
        public byte* Start => _current.Start;

        public abstract bool CanWrite { get; }

        /// <summary>The length of the underlying storage (the file length), which may exceed the mapped length.</summary>
        public abstract long StorageLength { get; }

        /// <summary>Returns a pointer to [offset, offset+length), mapping more of the storage if it has grown.</summary>
        public byte* Pointer(long offset, long length)
        {
            var r = _current;
            if (offset + length > r.Length) r = MapAtLeast(offset + length);
            return r.Start + offset;
        }

        public Region MapAtLeast(long length)
        {
            lock (_mapLock)
            {
                var r = _current;
                if (length <= r.Length) return r;
                long storage = StorageLength;
                if (storage < length)
                    throw new AncientHeapCorruptException($"The heap refers to byte {length} but the file has only {storage} bytes; it was truncated or damaged.");
                r = MapWhole(storage);
                _current = r;
                return r;
            }
        }

        /// <summary>Grows the storage to at least <paramref name="length"/> bytes and maps it (writers only).</summary>
        public void Grow(long length)
        {
            lock (_mapLock)
            {
                if (StorageLength < length) ExtendStorage(length);
                if (_current.Length < length) _current = MapWhole(StorageLength);
            }
        }

        protected void Retain(IDisposable d) => _retained.Add(d);

        protected abstract Region MapWhole(long length);
        protected abstract void ExtendStorage(long length);

        public abstract void Flush();
        public abstract bool TryLockWriter();
        public abstract void UnlockWriter();

        /// <summary>Gives back storage beyond <paramref name="length"/> where the platform allows it while mapped.</summary>
        public virtual void TrimTo(long length) { }

        public virtual void Dispose()
        {
            lock (_mapLock)
            {
                _current = new Region(null, 0);
                for (int i = _retained.Count - 1; i >= 0; i--)
                {
                    try { _retained[i].Dispose(); } catch (Exception) { }
                }
                _retained.Clear();
            }
        }

        protected sealed class AcquiredView : IDisposable
        {
            private readonly MemoryMappedViewAccessor _view;
            private readonly MemoryMappedFile _file;
            public readonly byte* Start;

            public AcquiredView(MemoryMappedFile file, MemoryMappedViewAccessor view)
            {
                _file = file;
                _view = view;
                byte* p = null;
                view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
                Start = p + view.PointerOffset;
            }

            public void Flush() => _view.Flush();

            public void Dispose()
            {
                _view.SafeMemoryMappedViewHandle.ReleasePointer();
                // Unmap first: MemoryMappedViewAccessor.Dispose flushes a view that is still open, which on Unix is an
                // msync(MS_SYNC) of the whole mapping (milliseconds, growing with the file) even for a read-only mount or
                // a Fast-durability writer. The page cache writes a shared mapping back on its own; a heap that must be on
                // disk at dismount (Durability.Flushed) flushes explicitly before it gets here.
                _view.SafeMemoryMappedViewHandle.Dispose();
                _view.Dispose();
                _file.Dispose();
            }
        }
    }
}
