using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading;
using AncientPS.Engine.Encoding;

namespace AncientPS.Engine.Storage
{
    internal sealed unsafe partial class HeapCore
    {
        // The write path: the writer lock, one transaction per Set/SetMany/Remove, the commit that publishes it, and the
        // trims that give file growth back (by the policy in GrowthPolicy).

        private sealed class WriteScope
        {
            public MetaPage Meta;
            public WriteTransaction Tx;
            public BoundedSpace Space;
            public List<KeyDirectory.Freed> Freed = new List<KeyDirectory.Freed>();
        }

        private void CheckWritable(HeapOptions options)
        {
            if (options.ReadOnly || !CanWrite)
                throw new AncientHeapReadOnlyException($"The heap '{Path ?? "(anonymous heap)"}' is mounted read-only. Mount it without -ReadOnly to change it.");
        }

        private void AcquireWriter(TimeSpan timeout)
        {
            var clock = Stopwatch.StartNew();
            if (!_writeGate.Wait(timeout))
                throw new AncientHeapBusyException($"Another writer in this process held '{Path ?? "(anonymous heap)"}' for longer than {timeout.TotalSeconds:0.#} s. Try again later.");
            try
            {
                int sleep = 0;
                while (!Memory.TryLockWriter())
                {
                    if (clock.Elapsed > timeout)
                        throw new AncientHeapBusyException($"Another process held the write lock on '{Path}' for longer than {timeout.TotalSeconds:0.#} s. Try again later.");
                    Thread.Sleep(sleep);
                    sleep = Math.Min(sleep + 1, 10);
                }
            }
            catch
            {
                _writeGate.Release();
                throw;
            }
        }

        private void ReleaseWriter()
        {
            try { Memory.UnlockWriter(); }
            finally { _writeGate.Release(); }
        }

        private T Write<T>(HeapOptions options, Func<WriteScope, T> body)
        {
            CheckWritable(options);
            AcquireWriter(options.LockTimeout);
            Guard.Enter();
            bool committed = false;
            long committedSize = long.MaxValue;
            try
            {
                CheckHeaderNotTruncated();
                var meta = ReadLatestMeta();
                CheckFileNotReplaced(meta.CommittedSize);
                committedSize = meta.CommittedSize;
                var space = new BoundedSpace(Memory, meta.CommittedSize);
                FreeSpace free;
                if (_cachedFree != null && _cachedFreeTransaction == meta.TransactionId) free = _cachedFree;
                else if (meta.FreeTable != 0) free = FreeSpace.Load(space.At(meta.FreeTable, meta.FreeTableLength), meta.FreeTableLength, meta.CommittedSize, meta.FreeTable);
                else free = FreeSpace.Empty(meta.CommittedSize);
                Readers.CollectLivePins(_pinScratch, out _liveReaders);
                free.Reclaim(_pinScratch, meta.TransactionId + 1);
                PublishReuseHorizon(free.ReclaimedHorizon);
                var scope = new WriteScope
                {
                    Meta = meta,
                    Space = space,
                    Tx = new WriteTransaction(Memory, free, meta.TransactionId + 1, options.MaximumSize),
                };
                // The in-memory free space is changed as the write goes; unless the write commits, reload it next time.
                _cachedFree = null;
                var result = body(scope);
                committed = true;
                return result;
            }
            finally
            {
                try
                {
                    // A write that failed or was cancelled (Ctrl+C) after growing the file leaves nothing behind but that
                    // growth: give it back now, still holding the lock, rather than at dismount (not on Windows).
                    if (!committed && !IsAnonymous && Memory.StorageLength > committedSize) TrimWhileLocked();
                }
                catch (IOException) { }
                finally
                {
                    Guard.Exit();
                    ReleaseWriter();
                }
            }
        }

        public void Set(HeapOptions options, string key, object value, SetOptions setOptions)
            => SetMany(options, new[] { new KeyValuePair<string, object>(key, value) }, setOptions);

        /// <summary>Writes several keys in one transaction: one lock, one commit, all or nothing.</summary>
        public int SetMany(HeapOptions options, IEnumerable<KeyValuePair<string, object>> items, SetOptions setOptions)
        {
            return Write(options, scope =>
            {
                var tx = scope.Tx;
                long root = scope.Meta.DirectoryRoot;
                long count = scope.Meta.KeyCount;
                int written = 0;
                var freedNow = new List<KeyDirectory.Freed>();
                foreach (var item in items)
                {
                    KeyRules.Validate(item.Key);
                    setOptions.CancellationToken.ThrowIfCancellationRequested();
                    long entryOffset = WriteEntry(tx, item.Key, item.Value, setOptions, out ulong hash);
                    // The directory written so far in this transaction is readable at the transaction's own extent.
                    var space = new BoundedSpace(Memory, Math.Max(tx.Free.Tail, scope.Meta.CommittedSize));
                    root = KeyDirectory.Put(tx, space, root, item.Key, hash, entryOffset, freedNow, out long replaced);
                    if (replaced != 0) CollectEntry(space, replaced, freedNow);
                    else count++;
                    foreach (var f in freedNow)
                    {
                        // Nodes this transaction wrote and has already replaced were never visible: reuse them at once.
                        if (f.Born == tx.TransactionId) tx.Free.Free(f.Offset, HeapLayout.Align(f.Length), f.Born, f.Born);
                        else scope.Freed.Add(f);
                    }
                    freedNow.Clear();
                    written++;
                }
                Commit(options, scope, root, count);
                return written;
            });
        }

        /// <summary>Encodes a value with its extent list and key entry; returns the entry's offset.</summary>
        private long WriteEntry(WriteTransaction tx, string key, object value, SetOptions setOptions, out ulong hash)
        {
            tx.BeginValue();
            var encoded = NodeWriter.Write(value, tx, setOptions);
            var extents = tx.EndValue();
            setOptions.CancellationToken.ThrowIfCancellationRequested();
            return FinishEntry(tx, key, encoded, extents, out hash);
        }

        /// <summary>Writes the extent list and key entry of a value just encoded; returns the entry's offset.</summary>
        private long FinishEntry(WriteTransaction tx, string key, EncodedValue encoded, List<KeyValuePair<long, long>> extents, out ulong hash)
        {
            long extentsNode = 0, stored = 0;
            if (extents.Count > 0)
            {
                long listSize = ExtentList.SizeFor(extents.Count);
                extentsNode = tx.AllocateNode(listSize, out byte* x);
                stored = ExtentList.Write(x, extents, tx.TransactionId, Memory) + HeapLayout.NodeClass(listSize);
            }

            hash = KeyRules.Hash(key);
            var entry = new KeyEntry
            {
                Tag = encoded.Tag,
                Payload = encoded.Payload,
                Hash = hash,
                Born = tx.TransactionId,
                WrittenTicks = DateTime.UtcNow.Ticks,
                StoredSize = stored,
                Extents = extentsNode,
                Key = key,
                TypeName = KeyEntry.ClipTypeName(encoded.TypeName),
            };
            long entryOffset = tx.AllocateNode(entry.Size, out byte* ep);
            entry.Write(ep);
            return entryOffset;
        }

        public bool Remove(HeapOptions options, string key)
        {
            return Write(options, scope =>
            {
                long root = KeyDirectory.Delete(scope.Tx, scope.Space, scope.Meta.DirectoryRoot, key, KeyRules.Hash(key), scope.Freed, out long removed);
                if (removed == 0) return false;
                CollectEntry(scope.Space, removed, scope.Freed);
                Commit(options, scope, root, scope.Meta.KeyCount - 1);
                return true;
            });
        }

        /// <summary>Frees an entry that a write replaced or removed, with its value's ranges and extent list.</summary>
        private static void CollectEntry(BoundedSpace space, long entryOffset, List<KeyDirectory.Freed> freed)
        {
            long born = KeyEntry.BornAt(space, entryOffset);
            freed.Add(new KeyDirectory.Freed { Offset = entryOffset, Length = HeapLayout.NodeClass(KeyEntry.SizeAt(space, entryOffset)), Born = born });
            long extents = KeyEntry.ExtentsAt(space, entryOffset);
            if (extents == 0) return;
            int count = ExtentList.CountAt(space, extents, out long listBorn);
            // A value updated in place keeps extents written before its entry: they have been visible since its origin.
            long origin = Math.Min(born, ExtentList.OriginAt(space, extents));
            for (int i = 0; i < count; i++)
            {
                ExtentList.Read(space, extents, i, out long offset, out long length);
                freed.Add(new KeyDirectory.Freed { Offset = offset, Length = length, Born = origin });
            }
            byte kind = *space.At(extents, 1);
            freed.Add(new KeyDirectory.Freed { Offset = extents, Length = HeapLayout.NodeClass(ExtentList.SizeOf(kind, count)), Born = Math.Min(born, listBorn) });
        }

        /// <summary>Frees what the write replaced, writes the new free table and publishes the new meta page.</summary>
        private void Commit(HeapOptions options, WriteScope scope, long root, long keyCount)
        {
            var tx = scope.Tx;
            var free = tx.Free;
            long txn = tx.TransactionId;
            tx.CloseRun();
            foreach (var f in scope.Freed) free.Free(f.Offset, HeapLayout.Align(f.Length), f.Born, txn);

            var old = scope.Meta;
            if (old.FreeTable != 0)
            {
                free.Free(old.FreeTable, old.FreeTableLength, FreeTable.BornAt(scope.Space, old.FreeTable), txn);
            }
            long tableBytes = HeapLayout.Align(FreeTable.SizeFor(free.Count + 1));
            long table = tx.TakeBlock(tableBytes, out byte* tp);
            free.WriteTable(tp, tableBytes, txn);

            long freeBytes = free.TotalBytes;
            Debug.Assert(free.Tail >= HeapLayout.DataStart && free.Tail - HeapLayout.DataStart >= freeBytes, "The free ranges lie in the data area below the tail.");
            Debug.Assert(free.Tail <= Memory.StorageLength, "The file reaches the committed size before the meta page says so.");
            var meta = new MetaPage
            {
                TransactionId = txn,
                CommittedSize = free.Tail,
                DirectoryRoot = root,
                KeyCount = keyCount,
                FreeTable = table,
                FreeTableLength = tableBytes,
                UsedBytes = free.Tail - HeapLayout.DataStart - freeBytes,
                FreeBytes = freeBytes,
                CommitTicks = DateTime.UtcNow.Ticks,
            };

            bool durable = options.Durability == Durability.Flushed;
            if (durable) Memory.Flush();
            Interlocked.MemoryBarrier();
            meta.WriteTo(Memory.Pointer(HeapLayout.MetaOffsets[(int)(txn & 1)], MetaPage.Size));
            Interlocked.MemoryBarrier();
            if (durable) Memory.Flush();

            _cachedFree = free;
            _cachedFreeTransaction = txn;
            _wrote = true;
            if (durable) _wroteFlushed = true;
            long trim = GrowthPolicy.TrimAfterCommit(Memory.StorageLength, free.Tail, old.CommittedSize);
            if (trim > 0) Memory.TrimTo(trim);
        }

        /// <summary>Cuts the file back to its committed size, under the write lock so that no writer is extending it.</summary>
        private void TrimToCommitted()
        {
            // The gate first: the byte-range lock belongs to the process, so only the gate keeps out a writer thread here
            // that would otherwise release the lock under us (or write past the cut).
            if (!_writeGate.Wait(0)) return;
            try
            {
                if (!Memory.TryLockWriter()) return;
                try
                {
                    TrimWhileLocked();
                }
                finally
                {
                    Memory.UnlockWriter();
                }
            }
            finally
            {
                _writeGate.Release();
            }
        }

        /// <summary>Cuts the file back to what both meta pages describe; the caller holds the write gate and lock.</summary>
        private void TrimWhileLocked()
        {
            var meta = ReadLatestMeta();
            byte* h = Memory.Pointer(0, HeapLayout.HeaderSize);
            long older = MetaPage.TryReadSlot(h + HeapLayout.MetaOffsets[(int)((meta.TransactionId + 1) & 1)], out var previous) ? previous.CommittedSize : 0;
            Memory.TrimTo(GrowthPolicy.TrimWhenIdle(meta.CommittedSize, older));
        }
    }
}
