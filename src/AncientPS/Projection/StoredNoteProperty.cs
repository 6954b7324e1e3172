using System;
using System.Management.Automation;

namespace AncientPS.Projection
{
    /// <summary>
    /// One stored property of a projected record: a note property, as on the original PSCustomObject, whose value is read
    /// from the mapping the first time something asks for it and kept from then on (so two reads of <c>$x.Child</c> give
    /// the same object, as they do on the original). Setting it fails with the read-only error; a copy of it
    /// (<c>$x.PSObject.Copy()</c>) is an ordinary note property holding the value, which can be changed.
    /// </summary>
    internal sealed class StoredNoteProperty : PSNoteProperty
    {
        // PSObject.Properties.Add stores a Copy() of the member it is given; while the projection adds its own members, the
        // copy is the member itself, so a record costs one member object per property.
        [ThreadStatic] private static bool t_adding;

        private readonly StoredRecordObject _owner;
        private readonly int _index;
        private object _value;
        private bool _read;

        internal StoredNoteProperty(string name, StoredRecordObject owner, int index)
            : base(name, null)
        {
            _owner = owner;
            _index = index;
        }

        internal StoredRecordObject Owner => _owner;

        /// <summary>
        /// The value, read from the mapping the first time and kept. A value read before a dismount stays readable (it is an
        /// ordinary object by then); one first asked for after it fails with the dismount error, which PowerShell, as for
        /// any property getter that throws, shows as $null. Lists and dictionaries of a dismounted heap report the error.
        /// </summary>
        public override object Value
        {
            get => Read();
            set => throw new SetValueException(ReadOnly.PropertyMessage(Name));
        }

        internal object Read()
        {
            if (_read) return _value;
            var value = _owner.Read(_index);
            _value = value;
            _read = true;
            return value;
        }

        public override bool IsSettable => false;

        /// <summary>The value's type name, the original collection's for a stored list or dictionary (System.Object[]).</summary>
        public override string TypeNameOfValue => new PSNoteProperty(Name, StoredCollectionAdapter.StandInFor(Value)).TypeNameOfValue;

        /// <summary>Get-Member's definition: PowerShell's own text for a note property with this value ("Object[] Tags=...").</summary>
        public override string ToString()
        {
            object value = Value;
            object standIn = StoredCollectionAdapter.StandInFor(value);
            if (ReferenceEquals(standIn, value)) return new PSNoteProperty(Name, value).ToString();
            // The stand-in names the type; the text after '=' is the value's own, as PowerShell writes it.
            string text = new PSNoteProperty(Name, standIn).ToString();
            int equals = text.IndexOf('=');
            return (equals < 0 ? text : text.Substring(0, equals + 1)) + value;
        }

        public override PSMemberInfo Copy() => t_adding ? (PSMemberInfo)this : new PSNoteProperty(Name, Value);

        /// <summary>Adds one member per stored name to a new record, in stored order; each also goes into <paramref name="kept"/> when given.</summary>
        internal static void AddTo(StoredRecordObject owner, System.Collections.Generic.IReadOnlyList<string> names, StoredNoteProperty[] kept)
        {
            var properties = owner.Properties;
            t_adding = true;
            try
            {
                for (int i = 0; i < names.Count; i++)
                {
                    var member = new StoredNoteProperty(names[i], owner, i);
                    if (kept != null) kept[i] = member;
                    properties.Add(member, true);
                }
            }
            finally { t_adding = false; }
        }
    }
}
