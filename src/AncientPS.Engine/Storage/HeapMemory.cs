using System;
using System.Collections.Generic;
using System.IO;
using System.IO.MemoryMappedFiles;
using System.Threading;

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

    internal sealed unsafe class FileHeapMemory : HeapMemory
    {
        private readonly FileStream _stream;
        private readonly bool _writable;
        private readonly string _name;
        private AcquiredView _latestView;

        public FileHeapMemory(FileStream stream, bool writable, string name)
        {
            _stream = stream;
            _writable = writable;
            _name = name ?? "(anonymous heap)";
        }

        public FileStream Stream => _stream;

        public override bool CanWrite => _writable;
        public override long StorageLength => _stream.Length;

        protected override Region MapWhole(long length)
        {
            var access = _writable ? MemoryMappedFileAccess.ReadWrite : MemoryMappedFileAccess.Read;
            MemoryMappedFile file;
            for (int attempt = 0; ; attempt++)
            {
                try
                {
                    file = MemoryMappedFile.CreateFromFile(_stream, null, length, access, HandleInheritability.None, leaveOpen: true);
                    break;
                }
                catch (ArgumentOutOfRangeException) when (attempt < 10 && _stream.Length > length)
                {
                    // A writer in another process grew the file after we read its length: map what is there now.
                    length = _stream.Length;
                }
            }
            MemoryMappedViewAccessor view;
            try { view = file.CreateViewAccessor(0, length, access); }
            catch { file.Dispose(); throw; }
            var acquired = new AcquiredView(file, view);
            Retain(acquired);
            _latestView = acquired;
            return new Region(acquired.Start, length);
        }

        /// <summary>
        /// Lengthens the file with its new bytes allocated on disk (<see cref="Platform.Reserve"/>): a sparse file would
        /// get its pages only when first written through the mapping, and on a full file system that write kills the
        /// process with SIGBUS. When the space is not there the file keeps its length and the write fails cleanly.
        /// </summary>
        protected override void ExtendStorage(long length)
        {
            long old = _stream.Length;
            if (length <= old) return;
            int errno = Platform.Reserve(_stream, old, length - old, zeroFill: true);
            if (errno != 0)
            {
                try { if (_stream.Length != old) _stream.SetLength(old); } catch (IOException) { }
                if (Platform.IsNoSpace(errno))
                    throw new AncientHeapDiskFullException(
                        $"The file system holding {_name} is full: the heap needs to grow from {old} to {length} bytes. Nothing was changed. Free some space on it, then write again.",
                        length);
                throw new IOException($"Cannot grow {_name} from {old} to {length} bytes (error {errno}). Nothing was changed.");
            }
            if (_stream.Length < length) _stream.SetLength(length);
        }

        /// <summary>
        /// Makes sure every byte of the existing file is allocated on disk (a file written by an earlier version, or by a
        /// plain copy, may have holes that a write through the mapping would fill). Returns 0 or the errno.
        /// </summary>
        public int ReserveExisting(long length) => Platform.Reserve(_stream, 0, length, zeroFill: false);

        /// <summary>How many times <see cref="Flush"/> has forced this file to disk (for tests: Fast durability never should).</summary>
        public long FlushCount => Interlocked.Read(ref _flushCount);
        private long _flushCount;

        public override void Flush()
        {
            Interlocked.Increment(ref _flushCount);
            _latestView?.Flush();
            _stream.Flush(flushToDisk: true);
        }

        public override bool TryLockWriter()
        {
            try
            {
                _stream.Lock(HeapLayout.WriterLockOffset, 1);
                return true;
            }
            catch (IOException)
            {
                return false;
            }
        }

        public override void UnlockWriter() => _stream.Unlock(HeapLayout.WriterLockOffset, 1);

        public override void TrimTo(long length)
        {
            // Windows refuses to shorten a file with a mapped view, and nobody maps past the committed size, so only
            // Unix gets the space back at once.
            if (Platform.IsWindows || !_writable) return;
            if (_stream.Length > length) _stream.SetLength(length);
        }

        public override void Dispose()
        {
            base.Dispose();
            _stream.Dispose();
        }
    }
}
