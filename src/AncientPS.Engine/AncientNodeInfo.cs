using System;
using System.Collections.Generic;

namespace AncientPS.Engine
{
    /// <summary>
    /// Where a view's stored node lives and what it was: the answer of <see cref="AncientValue.Describe"/>. The views keep
    /// these off their own public surface, so that a host listing a list's properties sees only what an array shows.
    /// </summary>
    public sealed class AncientNodeInfo
    {
        internal AncientNodeInfo(MappedHeap heap, string key, long offset, string typeName, bool isPacked, Type elementType, bool ignoresCase = false,
            IReadOnlyList<string> deserializedTypeNames = null)
        {
            DeserializedTypeNames = deserializedTypeNames;
            IgnoresCase = ignoresCase;
            Heap = heap;
            Key = key;
            Offset = offset;
            TypeName = typeName;
            IsPacked = isPacked;
            ElementType = elementType;
        }

        /// <summary>The heap the value lives in (null for a value read by the verifier without a handle).</summary>
        public MappedHeap Heap { get; }

        /// <summary>The key the value was read through.</summary>
        public string Key { get; }

        /// <summary>The node's offset in the heap: two views with the same heap and offset are the same stored node.</summary>
        public long Offset { get; }

        /// <summary>The stored type name: "System.Object[]" or "System.Collections.Generic.List`1[System.Int32]" for a list,
        /// the dictionary's type for a dictionary, the first type name (or null) for a record.</summary>
        public string TypeName { get; }

        /// <summary>True for a list whose elements are stored packed as raw primitives.</summary>
        public bool IsPacked { get; }

        /// <summary>The element type of a packed list; System.Object for any other list; null for dictionaries and records.</summary>
        public Type ElementType { get; }

        /// <summary>True for a dictionary whose string keys compare ignoring case (PowerShell's @{} and [ordered]@{}).</summary>
        public bool IgnoresCase { get; }

        /// <summary>
        /// For a list or dictionary of a .NET object stored by its properties (format 1.4), the type names of the collection
        /// it was stored from, most derived first: its copy from Import-Clixml is an ArrayList or Hashtable (<see cref="TypeName"/>)
        /// named "Deserialized." and these. Null for every other value.
        /// </summary>
        public IReadOnlyList<string> DeserializedTypeNames { get; }
    }
}
