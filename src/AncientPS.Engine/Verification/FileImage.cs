using System;
using System.Collections.Generic;
using System.IO;
using System.IO.MemoryMappedFiles;
using AncientPS.Engine.Storage;

namespace AncientPS.Engine.Verification
{
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
