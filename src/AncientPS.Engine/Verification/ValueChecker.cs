using System;
using System.Collections.Generic;
using AncientPS.Engine.Encoding;
using AncientPS.Engine.Storage;

namespace AncientPS.Engine.Verification
{
    /// <summary>
    /// Traverses one stored value with the engine's own decoders, through a space that admits only the value's extents,
    /// so every node must lie inside them. Each node is decoded once, whatever number of slots refer to it, and the
    /// traversal keeps its own stack: aliases, cycles and deep nesting cost no more than the value's bytes.
    /// </summary>
    internal sealed unsafe class ValueChecker
    {
        private const int MaxProblemsPerValue = 20;

        private readonly HeapChecker _owner;
        private readonly string _key;
        private readonly long _entry;
        private readonly ExtentSpace _space;
        private int _problems;

        public ValueChecker(HeapChecker owner, string key, long entry, List<KeyValuePair<long, long>> extents, bool measure = false)
        {
            _owner = owner;
            _key = key;
            _entry = entry;
            _space = new ExtentSpace(owner.Image, owner.CommittedSize, extents, measure);
        }

        private struct Slot
        {
            public byte Tag;
            public ulong Payload;
            public long From;
        }

        public void Walk(byte rootTag, ulong rootPayload)
        {
            var context = new NodeContext(_space, _key, ValueProjection.None);
            var visited = new Dictionary<long, byte>();
            var stack = new Stack<Slot>();
            stack.Push(new Slot { Tag = rootTag, Payload = rootPayload, From = _entry });
            int steps = 0;
            while (stack.Count > 0 && _problems < MaxProblemsPerValue)
            {
                if ((++steps & 0xFFF) == 0) _owner.ThrowIfCancelled();
                var slot = stack.Pop();
                long at = slot.Tag >= NodeTags.String ? (long)slot.Payload : slot.From;
                if (slot.Tag >= NodeTags.String)
                {
                    if (visited.TryGetValue(at, out byte seenAs))
                    {
                        if (seenAs != slot.Tag) Problem(at, $"The node is referred to as tag 0x{slot.Tag:X2} here and as 0x{seenAs:X2} elsewhere; a node has one kind.");
                        continue;
                    }
                    visited.Add(at, slot.Tag);
                }
                try
                {
                    switch (context.ReadSlot(slot.Tag, slot.Payload, false))
                    {
                        case AncientList list:
                            _ = list.CollectionTypeName;
                            _ = list.DeserializedTypeNames;
                            if (list.IsPacked) break;
                            for (int i = list.Count - 1; i >= 0; i--)
                            {
                                list.GetSlot(i, out byte t, out ulong p);
                                stack.Push(new Slot { Tag = t, Payload = p, From = at });
                            }
                            break;
                        case AncientDictionary dictionary:
                            _ = dictionary.DictionaryTypeName;
                            _ = dictionary.DeserializedTypeNames;
                            CheckIndex(dictionary, context);
                            for (int i = dictionary.Count - 1; i >= 0; i--)
                            {
                                dictionary.GetEntrySlots(i, out byte kt, out ulong kp, out byte vt, out ulong vp);
                                stack.Push(new Slot { Tag = vt, Payload = vp, From = at });
                                stack.Push(new Slot { Tag = kt, Payload = kp, From = at });
                            }
                            break;
                        case AncientRecord record:
                            if (record.WrapsValue)
                            {
                                // The value slot of a value with notes holds a scalar or (format 1.6) a list; its node (a string, a
                                // decimal, a list...) is walked as any other slot's.
                                record.GetSlot(record.Count, out byte valueTag, out ulong valuePayload);
                                if (!NodeTags.IsWrappable(valueTag))
                                    Problem(at, $"The record's value slot holds tag 0x{valueTag:X2}; the value of a value with notes is a scalar or a list.");
                                else
                                    stack.Push(new Slot { Tag = valueTag, Payload = valuePayload, From = at });
                            }
                            else if (record.SlotCount > record.Count)
                            {
                                // The text slot holds a string or null; its string node is walked as any other slot's.
                                record.GetSlot(record.Count, out byte textTag, out ulong textPayload);
                                if (textTag != NodeTags.Null && !NodeTags.IsString(textTag))
                                    Problem(at, $"The record's text slot holds tag 0x{textTag:X2}; it holds a string or null.");
                                else
                                    stack.Push(new Slot { Tag = textTag, Payload = textPayload, From = at });
                            }
                            for (int i = record.Count - 1; i >= 0; i--)
                            {
                                record.GetSlot(i, out byte t, out ulong p);
                                stack.Push(new Slot { Tag = t, Payload = p, From = at });
                            }
                            break;
                    }
                }
                catch (AncientHeapFormatException e)
                {
                    Problem(at, e.Message);
                }
                catch (Exception e) when (!(e is OutOfMemoryException) && !(e is OperationCanceledException))
                {
                    // A decoder that fails other than with a format error is an engine bug; report it as damage found here.
                    Problem(at, $"Reading the node fails unexpectedly ({e.GetType().Name} in {e.TargetSite?.DeclaringType?.Name}.{e.TargetSite?.Name}: {e.Message}).");
                }
            }
            Complete = _problems == 0;
            if (_problems >= MaxProblemsPerValue)
                _owner.AddProblem(HeapArea.Value, _entry, _key, $"More than {MaxProblemsPerValue} problems in this value; the rest are not reported.");
        }

        /// <summary>True when the walk read the whole value without a problem.</summary>
        public bool Complete { get; private set; }

        /// <summary>The bytes of the nodes the walk read (each node's whole range, widened to 8-byte boundaries).</summary>
        public long ReachableBytes => _space.ReachableBytes;

        /// <summary>Every index slot names an existing entry once, and every entry with a plain key is found through the index.</summary>
        private void CheckIndex(AncientDictionary dictionary, NodeContext context)
        {
            long offset = dictionary.NodeOffset;
            var node = dictionary.Node;
            int count = node.Count;
            long capacity = node.Capacity;
            uint* index = node.Index;
            var seen = new bool[count];
            long used = 0;
            for (long i = 0; i < capacity; i++)
            {
                uint entry = index[2 * i + 1];
                if (entry == 0) continue;
                used++;
                if (entry > (uint)count) { Problem(offset, $"The dictionary's index slot {i} names entry {entry} of {count}."); return; }
                if (seen[entry - 1]) { Problem(offset, $"The dictionary's index names entry {entry} twice."); return; }
                seen[entry - 1] = true;
            }
            if (used != count) { Problem(offset, $"The dictionary's index holds {used} entries; the dictionary has {count}."); return; }
            for (int i = 0; i < count; i++)
            {
                dictionary.GetEntrySlots(i, out byte kt, out ulong kp, out _, out _);
                if (kt == NodeTags.Null) { Problem(offset, $"Entry {i} of the dictionary has a null key."); return; }
                if (!(kt < NodeTags.String || kt == NodeTags.String)) continue; // node keys are found only through views of them
                object key;
                try { key = context.ReadSlot(kt, kp, false); }
                catch (AncientHeapFormatException) { continue; } // reported when the key's slot is walked
                if (!dictionary.ContainsKey(key))
                {
                    Problem(offset, $"Entry {i} of the dictionary (key '{HeapChecker.Printable(key.ToString())}') cannot be found through its index.");
                    return;
                }
            }
        }

        private void Problem(long offset, string message)
        {
            _problems++;
            _owner.AddProblem(HeapArea.Value, offset, _key, message);
        }

        /// <summary>The bytes of one value: only its extents are readable.</summary>
        private sealed class ExtentSpace : INodeSpace
        {
            private readonly HeapImage _image;
            private readonly long _committed;
            private readonly long[] _starts;
            private readonly long[] _ends;

            public ExtentSpace(HeapImage image, long committed, List<KeyValuePair<long, long>> extents, bool measure)
            {
                if (measure) _read = new List<KeyValuePair<long, long>>();
                _image = image;
                _committed = committed;
                // Extents that touch are one run of bytes: a node may cross from one to the next (an update's extents are cut at 64 KiB).
                var starts = new List<long>();
                var ends = new List<long>();
                if (extents != null)
                    foreach (var e in extents)
                    {
                        if (ends.Count > 0 && ends[ends.Count - 1] == e.Key) ends[ends.Count - 1] = e.Key + e.Value;
                        else
                        {
                            starts.Add(e.Key);
                            ends.Add(e.Key + e.Value);
                        }
                    }
                _starts = starts.ToArray();
                _ends = ends.ToArray();
            }

            private readonly List<KeyValuePair<long, long>> _read;

            public long ReachableBytes => MeasuredSpace.UnionBytes(_read);

            public MappedHeap Heap => null;

            public byte* Pointer(long offset, long length)
            {
                if (length < 0 || offset < HeapLayout.DataStart || offset > _committed - length)
                    throw new AncientHeapCorruptException($"A reference to bytes {offset}..{offset + length} points outside the heap's data ({HeapLayout.DataStart}..{_committed}).");
                int i = Array.BinarySearch(_starts, offset);
                if (i < 0) i = ~i - 1;
                if (i < 0 || offset + length > _ends[i])
                    throw new AncientHeapCorruptException($"A reference to bytes {offset}..{offset + length} points outside the value's own extents (into free space or another key's data).");
                byte* p = _image.Pointer(offset, length);
                if (p == null) throw new AncientHeapCorruptException($"A reference to bytes {offset}..{offset + length} points past the end of the file.");
                _read?.Add(new KeyValuePair<long, long>(offset, offset + length));
                return p;
            }

            public void EnterRead() { }
            public void ExitRead() { }
        }
    }
}
