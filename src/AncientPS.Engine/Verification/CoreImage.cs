using System;
using System.Collections.Generic;
using System.IO;
using System.IO.MemoryMappedFiles;
using AncientPS.Engine.Storage;

namespace AncientPS.Engine.Verification
{
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
}
