using System;
using System.IO;
using System.IO.MemoryMappedFiles;

namespace AncientPS.Engine.Storage
{
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
        public long FlushCount => System.Threading.Interlocked.Read(ref _flushCount);
        private long _flushCount;

        public override void Flush()
        {
            System.Threading.Interlocked.Increment(ref _flushCount);
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
