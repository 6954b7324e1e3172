using System;
using System.Collections.Generic;
using AncientPS.Engine.Encoding;

namespace AncientPS.Engine.Storage
{
    internal sealed unsafe partial class HeapCore
    {
        // Updates in place (docs/format.md, "Updates in place"): one element of a stored list, or one entry of a stored
        // dictionary, changes without the value being written again. The new version is a copy of the root node with the
        // one slot changed plus the new element's nodes; it keeps every other node where it is, and its extent list (kind
        // 0xD2) takes over the old version's extents. The old root is freed exactly when an update wrote it (then nothing
        // but the key entry refers to it); what the replaced element occupied is counted as garbage, and once the garbage
        // passes what the value still uses, the update writes the value whole again instead (compaction).

        /// <summary>Extents beyond this count (plus two per 64 KiB of the value) make the next update compact the value.</summary>
        internal const int ExtentAllowance = 1024;

        /// <summary>Applies one edit; false when a removed entry was not there (nothing is written then).</summary>
        public bool Update(HeapOptions options, string key, ValueEdit edit, SetOptions setOptions, out bool compacted)
        {
            bool didCompact = false;
            bool result = Write(options, scope => UpdateCore(options, scope, key, edit, setOptions, out didCompact));
            compacted = didCompact;
            return result;
        }

        private bool UpdateCore(HeapOptions options, WriteScope scope, string key, ValueEdit edit, SetOptions setOptions, out bool compacted)
        {
            compacted = false;
            var tx = scope.Tx;
            var meta = scope.Meta;
            var space = scope.Space;
            ulong hash = KeyRules.Hash(key);
            long entryOffset = KeyDirectory.Find(space, meta.DirectoryRoot, key, hash);
            if (entryOffset == 0) throw new KeyNotFoundException($"The heap has no key '{key}'.");
            var entry = KeyEntry.Read(space, entryOffset);
            var context = new NodeContext(new MeasuredSpace(space, false), entry.Key, ValueProjection.None);
            long root = entry.Tag >= NodeTags.String ? NodeContext.CheckOffset(entry.Payload) : 0;

            int index = -1, entryIndex = -1;
            ListNode list = default;
            AncientDictionary dictionary = null;
            long rootBytes;
            byte oldTag = NodeTags.Null, oldKeyTag = NodeTags.Null;
            ulong oldPayload = 0, oldKeyPayload = 0;
            PackedListNode packed = default;
            object packedElement = null;
            if (edit.Kind == ValueEditKind.SetElement)
            {
                if (entry.Tag != NodeTags.List && entry.Tag != NodeTags.PackedList)
                    throw new AncientUpdateException(AncientUpdateProblem.NotAList, $"The value of '{entry.Key}' is {Describe(entry)}, not a list; an element can be replaced by index only in a list.");
                int count;
                if (entry.Tag == NodeTags.PackedList)
                {
                    packed = PackedListNode.Open(context, root);
                    count = packed.Count;
                    rootBytes = HeapLayout.Align(PackedListNode.Size(packed.ElementTag, packed.Count));
                }
                else
                {
                    list = ListNode.Open(context, root);
                    count = list.Count;
                    rootBytes = HeapLayout.Align(list.NodeSize);
                }
                index = edit.Index < 0 ? count + edit.Index : edit.Index;
                if (index < 0 || index >= count)
                    throw new AncientUpdateException(AncientUpdateProblem.IndexOutOfRange, count == 0
                        ? $"The list '{entry.Key}' is empty; it has no element {edit.Index}."
                        : $"The list '{entry.Key}' has {count} elements; the index {edit.Index} is outside 0..{count - 1} (or -{count}..-1 from the end).");
                if (entry.Tag == NodeTags.PackedList) packedElement = PackedElement(entry, packed.ElementTag, edit.Value, setOptions);
                else
                {
                    oldTag = list.Tag(index);
                    oldPayload = list.Payload(index);
                }
            }
            else
            {
                if (entry.Tag != NodeTags.Dictionary)
                    throw new AncientUpdateException(AncientUpdateProblem.NotADictionary, $"The value of '{entry.Key}' is {Describe(entry)}, not a dictionary; an entry can be set or removed by key only in a dictionary.");
                if (edit.EntryKey == null)
                    throw new AncientUpdateException(AncientUpdateProblem.NullEntryKey, "A dictionary entry's key cannot be null.");
                dictionary = new AncientDictionary(context, root);
                entryIndex = dictionary.IndexOfKey(edit.EntryKey);
                if (entryIndex < 0 && edit.Kind == ValueEditKind.RemoveEntry) return false;
                var node = dictionary.Node;
                if (entryIndex >= 0)
                {
                    oldTag = node.Tags[2 * entryIndex + 1];
                    oldPayload = node.Payloads[2 * entryIndex + 1];
                    if (edit.Kind == ValueEditKind.RemoveEntry)
                    {
                        oldKeyTag = node.Tags[2 * entryIndex];
                        oldKeyPayload = node.Payloads[2 * entryIndex];
                    }
                }
                rootBytes = HeapLayout.Align(DictionaryNode.Size(node.Count, node.Capacity));
            }

            var extents = ExtentList.Load(space, entry.Extents, entry.Born);
            // What the replaced element occupied: an upper bound of what it leaves unreachable (nodes it shares with the
            // rest of the value, such as a record shape, are counted too, so compaction comes early rather than late).
            var measured = new MeasuredSpace(space, true);
            var measuring = new NodeContext(measured, entry.Key, ValueProjection.None);
            ValueWalk.Visit(measuring, oldTag, oldPayload);
            ValueWalk.Visit(measuring, oldKeyTag, oldKeyPayload);
            long garbage = extents.Garbage + measured.Bytes + (extents.Updated ? 0 : rootBytes);
            long bytesAfter = extents.Bytes + (extents.Updated ? 0 : rootBytes);
            if (garbage > bytesAfter - garbage || extents.Extents.Count > ExtentAllowance + 2 * (extents.Bytes / ExtentList.MaxExtentBytes))
            {
                compacted = true;
                Compact(options, scope, entry, entryOffset, hash, edit, packedElement, index, dictionary, entryIndex, setOptions);
                return true;
            }

            tx.StartWithSmallRuns();
            tx.BeginValue();
            var writer = new GraphWriter(tx, setOptions);
            long newRoot;
            if (edit.Kind == ValueEditKind.SetElement && packedElement != null)
            {
                newRoot = PackedListNode.WriteCopy(writer, packed, index, packedElement);
            }
            else if (edit.Kind == ValueEditKind.SetElement)
            {
                var element = writer.WriteRoot(edit.Value);
                var copy = ListNode.WriteCopy(writer, list, out newRoot);
                copy.Tags[index] = element.Tag;
                copy.Payloads[index] = element.Payload;
            }
            else
            {
                var node = dictionary.Node;
                if (edit.Kind == ValueEditKind.RemoveEntry)
                {
                    var copy = DictionaryNode.WriteCopy(writer, node, entryIndex, 0, out newRoot, out uint[] hashes, out bool indexed);
                    if (!indexed) copy.BuildIndex(hashes);
                }
                else if (entryIndex >= 0)
                {
                    var value = writer.WriteRoot(edit.Value);
                    var copy = DictionaryNode.WriteCopy(writer, node, -1, 0, out newRoot, out uint[] hashes, out bool indexed);
                    copy.Tags[2 * entryIndex + 1] = value.Tag;
                    copy.Payloads[2 * entryIndex + 1] = value.Payload;
                    if (!indexed) copy.BuildIndex(hashes);
                }
                else
                {
                    var newKey = writer.WriteKey(edit.EntryKey, node.IgnoresCase, out uint keyHash);
                    var value = writer.WriteRoot(edit.Value);
                    var copy = DictionaryNode.WriteCopy(writer, node, -1, 1, out newRoot, out uint[] hashes, out _);
                    int last = copy.Count - 1;
                    copy.Tags[2 * last] = newKey.Tag;
                    copy.Payloads[2 * last] = newKey.Payload;
                    copy.Tags[2 * last + 1] = value.Tag;
                    copy.Payloads[2 * last + 1] = value.Payload;
                    hashes[last] = keyHash;
                    copy.BuildIndex(hashes);
                }
            }
            var added = tx.EndValue();
            setOptions.CancellationToken.ThrowIfCancellationRequested();

            var now = new BoundedSpace(Memory, Math.Max(tx.Free.Tail, meta.CommittedSize));
            var kept = extents.Extents;
            if (extents.Updated)
            {
                // The root an update wrote is referred to by the key entry alone: free exactly its bytes, for snapshot
                // readers as any freed node (visible to the states since the value's origin until this one).
                ExtentList.Cut(now, kept, root, rootBytes);
                scope.Freed.Add(new KeyDirectory.Freed { Offset = root, Length = rootBytes, Born = extents.Origin });
            }
            var merged = ExtentList.Merge(now, kept, added);
            long listSize = ExtentList.UpdatedSizeFor(merged.Count);
            long listOffset = tx.AllocateNode(listSize, out byte* lp);
            long stored = ExtentList.WriteUpdated(lp, merged, tx.TransactionId, extents.Origin, garbage) + HeapLayout.NodeClass(listSize);
            var updated = new KeyEntry
            {
                Tag = entry.Tag,
                Payload = (ulong)newRoot,
                Hash = hash,
                Born = tx.TransactionId,
                WrittenTicks = DateTime.UtcNow.Ticks,
                StoredSize = stored,
                Extents = listOffset,
                Key = entry.Key,
                TypeName = entry.TypeName,
            };
            long updatedOffset = tx.AllocateNode(updated.Size, out byte* ep);
            updated.Write(ep);

            int oldCount = ExtentList.CountAt(space, entry.Extents, out long listBorn);
            byte oldKind = *space.At(entry.Extents, 1);
            scope.Freed.Add(new KeyDirectory.Freed { Offset = entryOffset, Length = HeapLayout.NodeClass(entry.Size), Born = entry.Born });
            scope.Freed.Add(new KeyDirectory.Freed { Offset = entry.Extents, Length = HeapLayout.NodeClass(ExtentList.SizeOf(oldKind, oldCount)), Born = listBorn });
            long directory = PutReplacing(scope, now, entry.Key, hash, updatedOffset, entryOffset);
            Commit(options, scope, directory, meta.KeyCount);
            return true;
        }

        /// <summary>Writes the edited value whole, as Set would, replacing the entry and freeing all of the old version.</summary>
        private void Compact(HeapOptions options, WriteScope scope, KeyEntry entry, long entryOffset, ulong hash, ValueEdit edit,
            object packedElement, int index, AncientDictionary dictionary, int entryIndex, SetOptions setOptions)
        {
            var tx = scope.Tx;
            tx.BeginValue();
            var writer = new GraphWriter(tx, setOptions);
            EncodedValue encoded;
            var context = new NodeContext(new MeasuredSpace(scope.Space, false), entry.Key, ValueProjection.None);
            if (packedElement != null)
            {
                // A packed list is written whole as the typed array (or List<T>) it was stored from.
                var view = new AncientList(context, (long)entry.Payload, NodeTags.PackedList);
                var array = view.ToArray();
                array.SetValue(packedElement, index);
                object whole = array;
                if (view.PackedCode == CollectionCodes.PackedGenericList)
                    whole = Activator.CreateInstance(typeof(List<>).MakeGenericType(array.GetType().GetElementType()), array);
                encoded = writer.WriteRoot(whole);
            }
            else if (edit.Kind == ValueEditKind.SetElement)
            {
                var view = new AncientList(context, (long)entry.Payload, NodeTags.List);
                var items = new object[view.Count];
                var raw = view.RawItems();
                for (int i = 0; i < items.Length; i++) items[i] = i == index ? edit.Value : raw[i];
                encoded = writer.WriteRootList(view.CollectionTypeName, items);
            }
            else
            {
                dictionary.RawEntries(out var keys, out var values);
                if (edit.Kind == ValueEditKind.RemoveEntry)
                {
                    keys = Without(keys, entryIndex);
                    values = Without(values, entryIndex);
                }
                else if (entryIndex >= 0) values[entryIndex] = edit.Value;
                else
                {
                    Array.Resize(ref keys, keys.Length + 1);
                    Array.Resize(ref values, values.Length + 1);
                    keys[keys.Length - 1] = edit.EntryKey;
                    values[values.Length - 1] = edit.Value;
                }
                encoded = writer.WriteRootDictionary(dictionary.DictionaryTypeName, dictionary.IgnoresCase, keys, values);
            }
            var extents = tx.EndValue();
            setOptions.CancellationToken.ThrowIfCancellationRequested();
            long written = FinishEntry(tx, entry.Key, new EncodedValue(encoded.Tag, encoded.Payload, entry.TypeName), extents, out _);
            var now = new BoundedSpace(Memory, Math.Max(tx.Free.Tail, scope.Meta.CommittedSize));
            CollectEntry(now, entryOffset, scope.Freed);
            long directory = PutReplacing(scope, now, entry.Key, hash, written, entryOffset);
            Commit(options, scope, directory, scope.Meta.KeyCount);
        }

        /// <summary>
        /// The new element of a packed list as the list's element type: the value itself, or a conversion of it that
        /// converts back to the same value (5 for an Int32 list, not 5.5).
        /// </summary>
        private static object PackedElement(KeyEntry entry, byte elementTag, object value, SetOptions setOptions)
        {
            var type = NodeTags.ElementType(elementTag);
            if (value != null && setOptions.Converter != null) value = setOptions.Converter.Unwrap(value);
            if (value != null && value.GetType() == type) return value;
            if (value is IConvertible && !(value is DBNull))
            {
                try
                {
                    var converted = Convert.ChangeType(value, type, System.Globalization.CultureInfo.InvariantCulture);
                    if (Equals(Convert.ChangeType(converted, value.GetType(), System.Globalization.CultureInfo.InvariantCulture), value)) return converted;
                }
                catch (Exception e) when (e is InvalidCastException || e is FormatException || e is OverflowException) { }
            }
            string given = value == null ? "$null" : $"the {value.GetType().FullName} '{value}'";
            throw new AncientUpdateException(AncientUpdateProblem.PackedList,
                $"The value of '{entry.Key}' is a {entry.TypeName} stored packed, as raw {type.Name} values; {given} is not a {type.Name}. Give a {type.Name}, or store the whole list again.");
        }

        private static object[] Without(object[] items, int at)
        {
            var result = new object[items.Length - 1];
            Array.Copy(items, 0, result, 0, at);
            Array.Copy(items, at + 1, result, at, items.Length - at - 1);
            return result;
        }

        /// <summary>Puts the new entry in place of <paramref name="replacedEntry"/>; returns the new directory root.</summary>
        private static long PutReplacing(WriteScope scope, BoundedSpace now, string key, ulong hash, long entry, long replacedEntry)
        {
            var tx = scope.Tx;
            var freedNow = new List<KeyDirectory.Freed>();
            long directory = KeyDirectory.Put(tx, now, scope.Meta.DirectoryRoot, key, hash, entry, freedNow, out long replaced);
            if (replaced != replacedEntry) throw new AncientHeapCorruptException($"The key directory led to the entry at {replaced} for '{key}', then to {replacedEntry}.");
            foreach (var f in freedNow)
            {
                if (f.Born == tx.TransactionId) tx.Free.Free(f.Offset, HeapLayout.Align(f.Length), f.Born, f.Born);
                else scope.Freed.Add(f);
            }
            return directory;
        }

        private static string Describe(KeyEntry entry)
        {
            if (entry.Tag == NodeTags.Null) return "$null";
            return string.IsNullOrEmpty(entry.TypeName) ? $"a value of tag 0x{entry.Tag:X2}" : $"a {entry.TypeName}";
        }
    }
}
