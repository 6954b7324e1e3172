using System;
using System.Collections.Generic;
using AncientPS.Engine.Encoding;

namespace AncientPS.Engine.Storage
{
    internal sealed unsafe partial class HeapCore
    {
        // Reads: a value by key, an entry's listing, every entry, the statistics. Each pins the state it reads.

        public bool TryGet(MappedHeap handle, string key, ValueProjection projection, out object value)
        {
            // A process that cannot publish a pin reads at its own risk of a writer reusing the snapshot's space; when that
            // happens during the lookup itself, look up again on the newer snapshot (bounded) instead of failing the Get.
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    return TryGetOnce(handle, key, projection, out value);
                }
                catch (AncientSnapshotExpiredException) when (attempt < 20 && !Readers.IsPublished)
                {
                }
            }
        }

        private bool TryGetOnce(MappedHeap handle, string key, ValueProjection projection, out object value)
        {
            var state = AcquireSnapshot();
            var space = new SnapshotSpace(handle, this, state);
            var bounded = new BoundedSpace(Memory, state.Meta.CommittedSize);
            space.EnterRead();
            KeyEntry entry;
            try
            {
                long offset = KeyDirectory.Find(bounded, state.Meta.DirectoryRoot, key, KeyRules.Hash(key));
                if (offset == 0) { value = null; return false; }
                entry = KeyEntry.Read(bounded, offset);
            }
            finally
            {
                space.ExitRead();
            }
            space.CheckNotExpired();
            value = NodeReader.Read(space, entry.Key, entry.Tag, entry.Payload, projection);
            GC.KeepAlive(state);
            return true;
        }

        public bool TryGetEntry(string key, out HeapEntry entry)
        {
            var meta = PinLatest();
            try
            {
                var bounded = new BoundedSpace(Memory, meta.CommittedSize);
                long offset = KeyDirectory.Find(bounded, meta.DirectoryRoot, key, KeyRules.Hash(key));
                entry = offset == 0 ? null : ToHeapEntry(KeyEntry.Read(bounded, offset));
                return entry != null;
            }
            finally
            {
                UnpinLatest(meta);
            }
        }

        public IReadOnlyList<HeapEntry> GetEntries()
        {
            var list = new List<HeapEntry>();
            var meta = PinLatest();
            try
            {
                var bounded = new BoundedSpace(Memory, meta.CommittedSize);
                KeyDirectory.ForEach(bounded, meta.DirectoryRoot, offset => list.Add(ToHeapEntry(KeyEntry.Read(bounded, offset))));
            }
            finally
            {
                UnpinLatest(meta);
            }
            list.Sort((a, b) => KeyRules.Compare(a.Key, b.Key));
            return list;
        }

        private static HeapEntry ToHeapEntry(KeyEntry e)
            // The size a listing shows counts the key's directory entry too: a small scalar lives in the entry alone.
            => new HeapEntry(e.Key, e.TypeName, e.StoredSize + e.Size, new DateTime(e.WrittenTicks, DateTimeKind.Utc), e.Born);

        public HeapStatistics GetStatistics()
        {
            long pinned = 0, ranges = 0;
            var meta = PinLatest();
            try
            {
                if (meta.FreeTable != 0)
                {
                    var bounded = new BoundedSpace(Memory, meta.CommittedSize);
                    var free = FreeSpace.Load(bounded.At(meta.FreeTable, meta.FreeTableLength), meta.FreeTableLength, meta.CommittedSize, meta.FreeTable);
                    var pins = new List<KeyValuePair<long, long>>();
                    Readers.CollectLivePins(pins, out _liveReaders);
                    pinned = free.BytesVisibleTo(pins);
                    ranges = free.Count;
                }
            }
            finally
            {
                UnpinLatest(meta);
            }
            return new HeapStatistics
            {
                Size = Memory.StorageLength,
                Used = meta.UsedBytes,
                Free = meta.FreeBytes - pinned + Math.Max(0, Memory.StorageLength - meta.CommittedSize),
                Pinned = pinned,
                Count = meta.KeyCount,
                FreeRanges = ranges,
                TransactionId = meta.TransactionId,
                Readers = Math.Max(_liveReaders, Readers.IsPublished ? 1 : 0),
            };
        }
    }
}
