using System;
using System.Collections.Generic;
using System.IO;
using System.IO.MemoryMappedFiles;
using AncientPS.Engine.Storage;

namespace AncientPS.Engine.Verification
{
    /// <summary>The bytes of a heap file as the verifier reads them: never written, every range checked before use.</summary>
    internal abstract unsafe class HeapImage : IDisposable
    {
        /// <summary>How many bytes can be read (the file length).</summary>
        public abstract long Length { get; }

        /// <summary>A pointer to [offset, offset+length), or null when the range is not inside the file.</summary>
        public abstract byte* Pointer(long offset, long length);

        /// <summary>The committed state to check: pinned by the engine when it has the file open, else the latest valid meta page.</summary>
        public virtual bool TryPinSnapshot(out MetaPage meta, out string failure)
        {
            meta = default;
            failure = null;
            return false;
        }

        public long ReadReuseHorizon()
        {
            byte* p = Pointer(FileHeader.ReuseHorizonField, 8);
            return p == null ? 0 : System.Threading.Volatile.Read(ref *(long*)p);
        }

        public virtual void Dispose() { }

        protected static bool InRange(long offset, long length, long size) => offset >= 0 && length >= 0 && offset <= size - length;
    }

    /// <summary>A heap mapped by the engine in this process: read through its mapping, with its snapshot pinned by the engine's reader slot.</summary>
    internal sealed unsafe class CoreImage : HeapImage
    {
        private readonly HeapCore _core;
        private SnapshotState _state;

        public CoreImage(HeapCore core) { _core = core; }

        public override long Length => _core.Memory.StorageLength;

        public override byte* Pointer(long offset, long length)
        {
            if (!InRange(offset, length, Length)) return null;
            try { return _core.Memory.Pointer(offset, length); }
            catch (AncientHeapFormatException) { return null; }
        }

        public override bool TryPinSnapshot(out MetaPage meta, out string failure)
        {
            try
            {
                _state = _core.AcquireSnapshot();
                meta = _state.Meta;
                failure = null;
                return true;
            }
            catch (AncientHeapFormatException e)
            {
                meta = default;
                failure = e.Message;
                return false;
            }
        }

        public override void Dispose() => GC.KeepAlive(_state);
    }

    /// <summary>A heap file opened read-only and mapped read-only by the verifier alone.</summary>
    internal sealed unsafe class FileImage : HeapImage
    {
        private readonly FileStream _stream;
        private readonly MemoryMappedFile _file;
        private readonly MemoryMappedViewAccessor _view;
        private readonly byte* _start;
        private readonly long _length;

        private FileImage(FileStream stream, MemoryMappedFile file, MemoryMappedViewAccessor view, long length)
        {
            _stream = stream;
            _file = file;
            _view = view;
            _length = length;
            byte* p = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
            _start = p + view.PointerOffset;
        }

        public override long Length => _length;

        public override byte* Pointer(long offset, long length) => InRange(offset, length, _length) ? _start + offset : null;

        /// <summary>
        /// Opens and maps the file for reading. The header is first read through the stream, so that a file that is not a
        /// heap is never mapped; then null is returned with the problems found.
        /// </summary>
        public static FileImage Open(string path, out IReadOnlyList<HeapProblem> early)
        {
            early = null;
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            try
            {
                var problem = HeaderPrecheck(stream, path);
                if (problem != null)
                {
                    early = new[] { problem };
                    stream.Dispose();
                    return null;
                }
                long length = stream.Length;
                var file = MemoryMappedFile.CreateFromFile(stream, null, length, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
                MemoryMappedViewAccessor view;
                try { view = file.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read); }
                catch { file.Dispose(); throw; }
                return new FileImage(stream, file, view, length);
            }
            catch
            {
                stream.Dispose();
                throw;
            }
        }

        private static HeapProblem HeaderPrecheck(FileStream stream, string path)
        {
            if (HeapFile.IsUnfinishedHeap(stream))
                return new HeapProblem(path, HeapArea.Header, 0, null,
                    "The heap's creation was interrupted before it wrote the magic number: mount it without -ReadOnly to finish creating it.");
            var head = new byte[HeapLayout.HeaderSize];
            int read = HeapFile.ReadFromStart(stream, head);
            if (!FileHeader.StartsWithMagic(head, read))
                return new HeapProblem(path, HeapArea.Header, 0, null, "The file is not an AncientPS heap: its first bytes are not the heap's magic number.");
            var header = FileHeader.Read(head);
            if (header.MajorVersion > HeapLayout.MajorVersion)
                return new HeapProblem(path, HeapArea.Header, FileHeader.MajorVersionField, null,
                    $"The heap is of format version {header.MajorVersion}.{header.MinorVersion}; this AncientPS reads version {HeapLayout.MajorVersion}. Update AncientPS to check it.");
            if (stream.Length < HeapLayout.DataStart)
                return new HeapProblem(path, HeapArea.Header, stream.Length, null,
                    $"The file is truncated: it has {stream.Length} bytes, fewer than the {HeapLayout.DataStart} of the header and reader table alone.");
            return null;
        }

        public override void Dispose()
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
            _file.Dispose();
            _stream.Dispose();
        }
    }
}
