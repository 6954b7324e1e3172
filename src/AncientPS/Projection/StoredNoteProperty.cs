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

        // The value before the first read. One field for the value and its state, and the property's index found from its
        // name at that read: a member is 64 bytes (PSNoteProperty's 48 and two references), five a record.
        private static readonly object s_unread = new object();

        private readonly StoredRecordObject _owner;
        private object _value;

        internal StoredNoteProperty(string name, StoredRecordObject owner)
            : base(name, null)
        {
            _owner = owner;
            _value = s_unread;
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
            var value = System.Threading.Volatile.Read(ref _value);
            if (!ReferenceEquals(value, s_unread)) return value;
            value = _owner.Read(IndexInRecord());
            // Two runspaces reading at once keep the first value read, so both see one object.
            var kept = System.Threading.Interlocked.CompareExchange(ref _value, value, s_unread);
            return ReferenceEquals(kept, s_unread) ? value : kept;
        }

        /// <summary>The stored property this member shows: its name is the stored name string itself.</summary>
        private int IndexInRecord()
        {
            var stored = _owner.Stored;
            var names = stored.Names;
            string name = Name;
            int count = names.Count;
            if (count <= 32)
            {
                for (int i = 0; i < count; i++) if (ReferenceEquals(names[i], name)) return i;
            }
            int index = stored.IndexOf(name);
            if (index < 0) throw new InvalidOperationException("A stored note property's name is not in its record's shape.");
            return index;
        }

        public override bool IsSettable => false;

        /// <summary>The value's type name, the original collection's for a stored list or dictionary (System.Object[]).</summary>
        public override string TypeNameOfValue => new PSNoteProperty(Name, StoredCollectionAdapter.StandInFor(Value)).TypeNameOfValue;

        /// <summary>Get-Member's definition: PowerShell's own text for a note property with this value ("Object[] Tags=...").</summary>
        public override string ToString() => Definition(Name, Value);

        /// <summary>PowerShell's definition text for a note property holding <paramref name="value"/>, naming a stored list or dictionary's original type.</summary>
        internal static string Definition(string name, object value)
        {
            object standIn = StoredCollectionAdapter.StandInFor(value);
            if (ReferenceEquals(standIn, value)) return new PSNoteProperty(name, value).ToString();
            // The stand-in names the type; the text after '=' is the value's own, as PowerShell writes it.
            string text = new PSNoteProperty(name, standIn).ToString();
            int equals = text.IndexOf('=');
            return (equals < 0 ? text : text.Substring(0, equals + 1)) + value;
        }

        public override PSMemberInfo Copy() => t_adding ? (PSMemberInfo)this : new PSNoteProperty(Name, Value);

        /// <summary>
        /// Adds one member per stored name to a new record, in stored order; each also goes into <paramref name="kept"/> when
        /// given. With <paramref name="adapted"/>, the names from <paramref name="adaptedFrom"/> on are the original's
        /// adapted properties (<see cref="DeserializedMembers"/>) and go there, as <see cref="StoredAdaptedProperty"/>.
        /// </summary>
        internal static void AddTo(StoredRecordObject owner, System.Collections.Generic.IReadOnlyList<string> names, StoredNoteProperty[] kept,
            PSMemberInfoCollection<PSPropertyInfo> adapted = null, int adaptedFrom = -1)
        {
            var properties = owner.Properties;
            int extended = adapted != null && adaptedFrom >= 0 ? adaptedFrom : names.Count;
            t_adding = true;
            try
            {
                for (int i = 0; i < names.Count; i++)
                {
                    var member = new StoredNoteProperty(names[i], owner);
                    if (kept != null) kept[i] = member;
                    if (i < extended) properties.Add(member, true);
                    else adapted.Add(new StoredAdaptedProperty(member));
                }
            }
            finally { t_adding = false; }
        }
    }

    /// <summary>
    /// A stored .NET object's adapted property (one of its type's public properties), where the record is one of the kind
    /// PowerShell's deserializer makes (<see cref="DeserializedMembers"/>): a Property, as on Import-Clixml's copy, whose
    /// value is its <see cref="StoredNoteProperty"/>'s, read lazily like every stored property. It is a PSProperty (by way
    /// of PSAdaptedProperty, the one PowerShell lets others make) because PowerShell's serializer writes an object's
    /// adapted members only when they are PSProperty objects: Export-Clixml and every crossing into a job write it again.
    /// Every member PowerShell's own PSProperty would answer through its adapter is answered here.
    /// </summary>
    internal sealed class StoredAdaptedProperty : PSAdaptedProperty
    {
        private readonly StoredNoteProperty _note;

        internal StoredAdaptedProperty(StoredNoteProperty note)
            : base(note.Name, null)
        {
            _note = note;
        }

        /// <summary>The stored property whose value this is.</summary>
        internal StoredNoteProperty Note => _note;

        public override object Value
        {
            get => _note.Read();
            set => throw new SetValueException(ReadOnly.PropertyMessage(Name));
        }

        public override bool IsSettable => false;

        public override bool IsGettable => true;

        /// <summary>As PowerShell gives it for a deserialized object's property: the value's type, its first type name for a PSObject, empty for null.</summary>
        public override string TypeNameOfValue
        {
            get
            {
                object value = Value;
                if (value == null) return string.Empty;
                if (value is PSObject pso && pso.TypeNames.Count > 0) return pso.TypeNames[0];
                return value.GetType().FullName;
            }
        }

        /// <summary>Get-Member's definition, as PowerShell writes it for a deserialized object's property ("System.String {get;set;}").</summary>
        public override string ToString() => TypeNameOfValue + " {get;set;}";

        /// <summary>A copy holds the value, as a copy of a stored note property does.</summary>
        public override PSMemberInfo Copy() => new PSNoteProperty(Name, Value);
    }
}
