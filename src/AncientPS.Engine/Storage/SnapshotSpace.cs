using System;

namespace AncientPS.Engine.Storage
{
    /// <summary>The bytes of a pinned state as seen through one heap handle: dismounting the handle ends every read through it.</summary>
    internal sealed unsafe class SnapshotSpace : INodeSpace
    {
        private readonly HeapCore _core;
        private readonly BoundedSpace _space;

        public SnapshotSpace(MappedHeap heap, HeapCore core, SnapshotState state)
        {
            Heap = heap;
            _core = core;
            State = state;
            _space = new BoundedSpace(core.Memory, state.Meta.CommittedSize);
            IsPinned = core.Readers.IsPublished;
        }

        public MappedHeap Heap { get; }
        public SnapshotState State { get; }
        public long TransactionId => State.Meta.TransactionId;

        public byte* Pointer(long offset, long length) => _space.At(offset, length);

        /// <summary>
        /// False when this process could not publish its pins (the file is not writable here, or every reader slot is
        /// taken). Writers elsewhere may then reuse this snapshot's space, so every read is checked against the reuse
        /// horizon afterwards, and fails cleanly instead of returning what another write left there.
        /// </summary>
        public bool IsPinned { get; }

        public void EnterRead()
        {
            _core.Guard.Enter();
            if (Heap.IsDisposed)
            {
                _core.Guard.Exit();
                Heap.ThrowIfDisposed();
            }
        }

        public void ExitRead()
        {
            // The horizon lives in the mapping: read it before leaving the guard, so a dismount cannot unmap it first.
            try
            {
                if (!IsPinned) ThrowIfExpired();
            }
            finally
            {
                _core.Guard.Exit();
            }
        }

        /// <summary>For callers outside a read: enters the guard to read the horizon.</summary>
        public void CheckNotExpired()
        {
            if (IsPinned) return;
            EnterRead();
            try { ThrowIfExpired(); }
            finally { _core.Guard.Exit(); }
        }

        private void ThrowIfExpired()
        {
            if (_core.ReadReuseHorizon() > TransactionId)
                throw new AncientSnapshotExpiredException(
                    $"The value was read from a snapshot (transaction {TransactionId}) whose space a writer has since reused; this process could not register as a reader " +
                    "(the heap file is not writable here, or too many processes have it open). Read the value again.");
        }
    }
}
