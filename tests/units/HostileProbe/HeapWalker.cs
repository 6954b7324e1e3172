using System;
using System.Collections;
using System.Collections.Generic;
using AncientPS.Engine;

namespace AncientPS.HostileProbe
{
    /// <summary>
    /// Reads everything a heap holds the way a user could: listing, Get of every key, a full traversal of every view
    /// (each stored node once, with an explicit stack), lookups by every dictionary key, ToString, and Materialize.
    /// </summary>
    public static class HeapWalker
    {
        /// <summary>The exception types reading a damaged heap may throw; anything else is a bug.</summary>
        public static bool IsDocumented(Exception e) => e is AncientHeapFormatException || e is KeyNotFoundException;

        /// <summary>Reads every key; returns the first documented exception met (reading goes on with the next key), or null.</summary>
        public static Exception ReadEverything(MappedHeap heap)
        {
            Exception first = null;
            IReadOnlyList<HeapEntry> entries = heap.GetEntries();
            foreach (var entry in entries)
            {
                try
                {
                    _ = entry.TypeName + entry.StoredSize + entry.Written;
                    object value = heap.Get(entry.Key);
                    Traverse(value);
                    AncientValue.Materialize(value);
                }
                catch (Exception e) when (IsDocumented(e))
                {
                    first = first ?? e;
                }
            }
            return first;
        }

        /// <summary>Visits every node reachable from <paramref name="root"/> once.</summary>
        public static long Traverse(object root)
        {
            var visited = new HashSet<long>();
            var stack = new Stack<object>();
            stack.Push(root);
            long visits = 0;
            while (stack.Count > 0)
            {
                object value = stack.Pop();
                visits++;
                if (value is IAncientNode node && !visited.Add(node.Offset)) continue;
                switch (value)
                {
                    case AncientList list:
                        _ = list.CollectionTypeName;
                        _ = list.DeserializedTypeNames;
                        if (list.IsPacked) { _ = list.ToArray(); break; }
                        for (int i = 0; i < list.Count; i++) stack.Push(list[i]);
                        break;
                    case AncientDictionary dictionary:
                        _ = dictionary.DictionaryTypeName;
                        _ = dictionary.DeserializedTypeNames;
                        foreach (DictionaryEntry e in dictionary)
                        {
                            _ = dictionary[e.Key];
                            stack.Push(e.Key);
                            stack.Push(e.Value);
                        }
                        break;
                    case AncientRecord record:
                        _ = record.TypeNames.Count;
                        _ = record.ToString();
                        _ = record.ToStringText;
                        _ = record.AdaptedFrom;
                        if (record.WrapsValue) stack.Push(record.WrappedValue);
                        if (record.StandardMembers != null)
                            foreach (var member in record.StandardMembers.Members) _ = member.IsPropertySet ? member.PropertyNames.Count : member.Value.GetHashCode();
                        for (int i = 0; i < record.Count; i++)
                        {
                            _ = record.IndexOf(record.GetName(i));
                            stack.Push(record.GetValue(i));
                        }
                        break;
                    case null:
                        break;
                    default:
                        _ = value.ToString();
                        break;
                }
            }
            return visits;
        }
    }
}
