using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Text;

namespace AncientPS.Engine
{
    /// <summary>
    /// An ordinary, mutable copy of a stored record: type names and ordered property names and values.
    /// <see cref="AncientValue.Materialize(object)"/> makes them; storing one writes it back as a property bag.
    /// </summary>
    public sealed class MaterializedRecord
    {
        private readonly string[] _names;
        private readonly object[] _values;

        public MaterializedRecord(IReadOnlyList<string> typeNames, IReadOnlyList<string> names, IReadOnlyList<object> values)
        {
            if (typeNames == null) throw new ArgumentNullException(nameof(typeNames));
            if (names == null) throw new ArgumentNullException(nameof(names));
            if (values == null) throw new ArgumentNullException(nameof(values));
            if (names.Count != values.Count) throw new ArgumentException("Names and values differ in count.");
            var t = new string[typeNames.Count];
            for (int i = 0; i < t.Length; i++) t[i] = typeNames[i];
            _names = new string[names.Count];
            _values = new object[values.Count];
            for (int i = 0; i < _names.Length; i++)
            {
                _names[i] = names[i];
                _values[i] = values[i];
            }
            TypeNames = new ReadOnlyCollection<string>(t);
            Names = new ReadOnlyCollection<string>(_names);
            Values = new ReadOnlyCollection<object>(_values);
        }

        internal MaterializedRecord(IReadOnlyList<string> typeNames, IReadOnlyList<string> names)
            : this(typeNames, names, new object[names.Count])
        {
        }

        /// <summary>Most derived first, as PowerShell's PSTypeNames.</summary>
        public IReadOnlyList<string> TypeNames { get; }

        /// <summary>
        /// False for the copy of a .NET object stored by its properties (<see cref="AncientRecord.IsPropertyBag"/>): a host
        /// may name it as its deserializer names such a copy. True for anything else, and for every record made by a caller.
        /// </summary>
        public bool IsPropertyBag { get; internal set; } = true;

        /// <summary>The text the original object gave, stored with a .NET object stored by its properties; null otherwise.</summary>
        public string ToStringText { get; internal set; }

        /// <summary>
        /// For the copy of a value with notes (<see cref="AncientRecord.WrapsValue"/>): the value, whose notes are the
        /// properties; null for any other record. Storing the copy stores the value with its notes again.
        /// </summary>
        public object WrappedValue { get; internal set; }

        /// <summary>
        /// A property bag's standard members (<see cref="AncientRecord.StandardMembers"/>), stored with it again; null for
        /// none. A caller may set them on a record it makes.
        /// </summary>
        public StandardMembers StandardMembers { get; set; }
        public IReadOnlyList<string> Names { get; }
        public IReadOnlyList<object> Values { get; }
        public int Count => _names.Length;

        /// <summary>The index of the property named <paramref name="name"/> (ignoring case), or -1.</summary>
        public int IndexOf(string name)
        {
            for (int i = 0; i < _names.Length; i++)
                if (string.Equals(_names[i], name, StringComparison.OrdinalIgnoreCase)) return i;
            return -1;
        }

        /// <summary>The value of a property (ignoring case); null when there is none. Setting an unknown name throws.</summary>
        public object this[string name]
        {
            get
            {
                int i = IndexOf(name);
                return i < 0 ? null : _values[i];
            }
            set
            {
                int i = IndexOf(name);
                if (i < 0) throw new KeyNotFoundException($"The record has no property '{name}'.");
                _values[i] = value;
            }
        }

        public object this[int index]
        {
            get => _values[index];
            set => _values[index] = value;
        }

        internal void Set(int index, object value) => _values[index] = value;

        public override string ToString()
        {
            if (WrappedValue != null) return AncientRecord.FormatValue(WrappedValue, 0);
            var sb = new StringBuilder("@{");
            for (int i = 0; i < _names.Length; i++)
            {
                if (i > 0) sb.Append("; ");
                var v = _values[i];
                sb.Append(_names[i]).Append('=').Append(v is MaterializedRecord ? "@{...}" : AncientRecord.FormatValue(v, 1));
            }
            return sb.Append('}').ToString();
        }
    }
}
