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
}
