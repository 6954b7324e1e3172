using System;
using System.Collections.Generic;
using System.IO;
using System.IO.MemoryMappedFiles;
using AncientPS.Engine.Storage;

namespace AncientPS.Engine.Verification
{
    /// <summary>A heap mapped by the engine in this process: read through its mapping, with the checked state pinned in the engine's reader slot until the check ends.</summary>
    internal sealed unsafe class CoreImage : HeapImage
    {
        private readonly HeapCore _core;
        private MetaPage _pinned;
        private bool _isPinned;

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
                Dispose(); // a second pin replaces the first
                meta = _pinned = _core.PinLatestForCall();
                _isPinned = true;
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

        public override void Dispose()
        {
            if (!_isPinned) return;
            _isPinned = false;
            _core.Unpin(_pinned);
        }
    }
}
