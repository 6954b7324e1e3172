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
}
