using System;

namespace AncientPS.Engine.Storage
{
    /// <summary>
    /// One pinned committed state. While any view holds it, this process's reader slot keeps the state's space from
    /// being reused; when the last view is collected, the finalizer lets the pin go.
    /// </summary>
    internal sealed class SnapshotState
    {
        private readonly ReaderRegistry _registry;

        public SnapshotState(MetaPage meta, ReaderRegistry registry)
        {
            Meta = meta;
            _registry = registry;
        }

        public MetaPage Meta { get; }

        ~SnapshotState()
        {
            try { _registry.Unpin(Meta.TransactionId); }
            catch (Exception) { }
        }
    }

    /// <summary>The bytes of a pinned state as seen through one heap handle: dismounting the handle ends every read through it.</summary>
    internal sealed unsafe class SnapshotSpace : INodeSpace
    {
        private readonly HeapCore _core;
        private readonly BoundedSpace _space;

        public SnapshotSpace(AncientHeap heap, HeapCore core, SnapshotState state)
        {
            Heap = heap;
            _core = core;
            State = state;
            _space = new BoundedSpace(core.Memory, state.Meta.CommittedSize);
        }

        public AncientHeap Heap { get; }
        public SnapshotState State { get; }
        public long TransactionId => State.Meta.TransactionId;

        public byte* Pointer(long offset, long length) => _space.At(offset, length);

        public void EnterRead()
        {
            _core.Guard.Enter();
            if (Heap.IsDisposed)
            {
                _core.Guard.Exit();
                Heap.ThrowIfDisposed();
            }
        }

        public void ExitRead() => _core.Guard.Exit();
    }
}
