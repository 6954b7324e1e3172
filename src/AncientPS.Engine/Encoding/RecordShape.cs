using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;

namespace AncientPS.Engine.Encoding
{
    /// <summary>A record shape as decoded once per read context: names as .NET strings and a case-insensitive name index.</summary>
    internal sealed class RecordShape
    {
        private readonly Dictionary<string, int> _index;

        public RecordShape(NodeContext context, long offset, string[] typeNames, string[] names, bool isPropertyBag, bool hasText, RecordLayout layout,
            int adaptedFrom = -1, bool wrapsValue = false, StandardMembers standard = null)
        {
            Standard = standard;
            AdaptedFrom = adaptedFrom;
            WrapsValue = wrapsValue;
            Context = context;
            Offset = offset;
            TypeNames = typeNames;
            Names = names;
            IsPropertyBag = isPropertyBag;
            HasText = hasText;
            SlotCount = hasText || wrapsValue ? names.Length + 1 : names.Length;
            Layout = layout;
            System.Diagnostics.Debug.Assert(layout.SlotCount == SlotCount);
            TypeNamesView = new ReadOnlyCollection<string>(typeNames);
            NamesView = new ReadOnlyCollection<string>(names);
            _index = new Dictionary<string, int>(names.Length, StringComparer.OrdinalIgnoreCase);
            for (int i = 0; i < names.Length; i++)
                if (!_index.ContainsKey(names[i])) _index.Add(names[i], i);
        }

        /// <summary>The read this shape was decoded for (shapes are decoded once per read context).</summary>
        public NodeContext Context { get; }
        public long Offset { get; }
        public string[] TypeNames { get; }
        public string[] Names { get; }
        public int Count => Names.Length;
        public bool IsPropertyBag { get; }
        /// <summary>True when each record of the shape holds its original's text in a slot after the properties (<see cref="ShapeNode.TextFlag"/>).</summary>
        public bool HasText { get; }
        /// <summary>True when each record of the shape is a value with notes, the value in a slot after the properties (<see cref="ShapeNode.ValueFlag"/>).</summary>
        public bool WrapsValue { get; }
        /// <summary>The standard members of a property bag's shape (<see cref="ShapeNode.StandardFlag"/>), or null.</summary>
        public StandardMembers Standard { get; }
        /// <summary>The index of the first of the original's adapted properties (<see cref="ShapeNode.AdaptedFlag"/>), or -1.</summary>
        public int AdaptedFrom { get; }
        /// <summary>The record node's slots: the properties, and the text slot when <see cref="HasText"/> or the value slot when <see cref="WrapsValue"/>.</summary>
        public int SlotCount { get; }
        /// <summary>Where each slot lies in the shape's record nodes.</summary>
        public RecordLayout Layout { get; }
        public IReadOnlyList<string> TypeNamesView { get; }
        public IReadOnlyList<string> NamesView { get; }

        public int IndexOf(string name)
        {
            if (name == null) return -1;
            // A loop reading one property of many records asks with the same string instance each time.
            var hit = _hit;
            if (hit != null && ReferenceEquals(hit.Name, name)) return hit.Index;
            int index = Find(name);
            if (index >= 0) _hit = new Hit(name, index);
            return index;
        }

        private int Find(string name)
        {
            var names = Names;
            if (names.Length > 16) return _index.TryGetValue(name, out int found) ? found : -1;
            for (int i = 0; i < names.Length; i++)
                if (ReferenceEquals(names[i], name)) return i;
            for (int i = 0; i < names.Length; i++)
                if (names[i].Length == name.Length && string.Equals(names[i], name, StringComparison.OrdinalIgnoreCase)) return i;
            return -1;
        }

        private sealed class Hit
        {
            public readonly string Name;
            public readonly int Index;
            public Hit(string name, int index) { Name = name; Index = index; }
        }

        private volatile Hit _hit;
    }
}
