using System;
using System.Collections.Generic;
using System.Management.Automation;
using AncientPS.Engine;

namespace AncientPS.Projection
{
    /// <summary>
    /// A stored record as PowerShell sees it: a PSCustomObject whose note properties are the stored ones, in their stored
    /// order, each read from the mapping when first asked for (<see cref="StoredNoteProperty"/>). Being a PSCustomObject, it
    /// takes every path PowerShell has for one: ConvertTo-Json at any depth, Export-Clixml, Select-Object, Format-*, "$x",
    /// Get-Member's NoteProperty, Start-Job arguments. A record stored from a PSCustomObject keeps its type names; a .NET
    /// object stored as its properties comes back as Import-Clixml gives it back, with each type name prefixed by
    /// "Deserialized.", so that the original type's script and code properties do not run against the stored copy.
    /// <para>
    /// The class derives from PSObject so that a stored record is known as one (<c>Test-AncientObject</c>,
    /// <c>[AncientPS.Engine.IAncientValue]</c>, storing it again shares the stored node) and so that
    /// <c>.PSObject.Copy()</c> gives an ordinary, changeable PSCustomObject. PowerShell sees a PSObject around a
    /// PSCustomObject in every way (GetType(), -is, serialization, formatting).
    /// </para>
    /// </summary>
    public sealed class StoredRecordObject : PSObject, IAncientValue, IProjectedNode
    {
        private const string CustomObjectTypeName = "System.Management.Automation.PSCustomObject";
        internal const int AncestorsSearched = 64; // how far up a cycle is looked for

        // One list of type names per stored shape; the code runs in every runspace at once.
        private static readonly PerShapeMemo<ShapeTypeNames> s_typeNames = new PerShapeMemo<ShapeTypeNames>(32);

        /// <summary>A shape's type names, and the read-only list its records share where PowerShell allows (MemberTable).</summary>
        private sealed class ShapeTypeNames
        {
            public string[] Names;
            public System.Collections.ObjectModel.Collection<string> Shared;
        }

        // Set while a property value or an element is read, so that a record, list or dictionary read from it can find
        // its parents (a cycle gives back the parent itself, as the original graph does).
        [ThreadStatic] private static IProjectedNode t_reading;

        private readonly StoredRecord _stored;
        private readonly IProjectedNode _parent;
        // The count of own members the object had when made (PropertyBagReader.InstanceMemberCount): a list view holds a
        // record it handed out by enumeration only while something else does, unless a script changed it (MayHaveChanged).
        private readonly int _memberCount;

        IProjectedNode IProjectedNode.ParentNode => _parent;

        // kept: where to put the stored properties' members too (PowerShell's member table holds them), or null.
        private StoredRecordObject(StoredRecord stored, IProjectedNode parent, StoredNoteProperty[] kept)
        {
            _stored = stored;
            _parent = parent;
            var typeNames = TypeNamesFor(stored);
            if (typeNames != null && !MemberTable.TrySetTypeNames(this, typeNames.Shared))
            {
                var names = TypeNames;
                names.Clear();
                foreach (var name in typeNames.Names) names.Add(name);
            }
            var storedNames = stored.Names;
            int count = storedNames.Count;
            // A .NET object stored with its adapted properties told apart (format 1.3) has them as adapted members, as
            // Import-Clixml's copy has (DeserializedMembers); its instance members are then the others, GetType and ToString.
            int adaptedFrom = stored.IsPropertyBag ? -1 : stored.AdaptedFrom;
            // A member table of its own, of the right size, as PowerShell 7 gives ConvertFrom-Json's objects (MemberTable).
            int own = adaptedFrom >= 0 && DeserializedMembers.CanMark ? adaptedFrom + 1 : count;
            var standard = stored.StandardMembers;
            MemberTable.TryPresize(this, stored.HasToStringText || standard != null ? own + 1 : own);
            var adapted = adaptedFrom >= 0 ? DeserializedMembers.TryMark(this, stored.HasToStringText && DeserializedText.CanSet) : null;
            StoredNoteProperty.AddTo(this, storedNames, kept, adapted, adaptedFrom);
            // The original's own PSStandardMembers (format 1.6): its default columns, key properties... after the notes, as
            // Add-Member put it on the original.
            if (standard != null) StandardMemberSet.AddTo(this, standard);
            // A record with no properties: PowerShell formats an empty PSCustomObject whose members were never listed
            // as nothing at all, and one whose members were listed (as almost any script or cmdlet does first) as an empty
            // entry. The stored one is listed here, so that it formats as the original mostly does (the fidelity suite).
            if (count == 0 && !stored.HasToStringText)
            {
                using (var members = Properties.GetEnumerator()) members.MoveNext();
            }
            // A .NET object stored with its text answers PowerShell's string conversions with it, as Import-Clixml's object
            // does: PowerShell takes an instance ToString method before making "@{...}" of the properties. A property bag
            // has no stored text and pays only this test.
            if (stored.HasToStringText)
            {
                // For PowerShell's serializer, which writes an object's text only for one from the deserializer: the copy
                // that crosses into a job or a remote session keeps the original's text (DeserializedText). A record
                // marked as deserialized answers every string conversion with that text too, as Import-Clixml's copy
                // does, and has its ToString method. Any other (an error record in its remoting form, a record of no
                // adapted split) gets the ToString method the deserializer gives such a copy, PSObject's own, which
                // answers with the text; the code method where that cannot be done.
                bool textSet = DeserializedText.TrySet(this, stored.ToStringText);
                if (adapted == null && !(textSet && DeserializedMembers.TryAddTextMethod(this)) || adapted != null && !textSet)
                    Members.Add(new PSCodeMethod(ToStringMember, s_toString), true);
            }
            _memberCount = PropertyBagReader.InstanceMemberCount(this);
        }

        /// <summary>True when a script may have changed the object since it was read (a member added, its type names asked for).</summary>
        internal bool MayHaveChanged() => PropertyBagReader.MayHaveChanged(this, _memberCount);

        private const string ToStringMember = "ToString";
        private static readonly System.Reflection.MethodInfo s_toString = typeof(StoredRecordObject).GetMethod(nameof(StoredText));

        /// <summary>
        /// The text the original object gave, stored with a .NET object stored by its properties: what "$x", [string],
        /// -join and ToString() give for the record (the target of its ToString code method). Not for use in scripts.
        /// </summary>
        public static string StoredText(PSObject instance)
        {
            var record = instance as StoredRecordObject ?? instance?.BaseObject as StoredRecordObject;
            if (record == null) return instance?.ToString() ?? "";
            return record.Text();
        }

        private string Text()
        {
            if (IsDismounted) throw Dismounted(_stored.Heap);
            return _stored.ToStringText ?? "";
        }

        /// <summary>The stored text of a .NET object stored with it; otherwise as a PSCustomObject gives it.</summary>
        public override string ToString() => _stored.HasToStringText ? Text() : base.ToString();

        internal StoredRecord Stored => _stored;

        internal bool IsDismounted => _stored.Heap.IsDisposed;

        /// <summary>The PSObject for a record read now: the reading record's parent at the same node (a cycle), or a new object.</summary>
        internal static StoredRecordObject Project(StoredRecord stored)
        {
            var parent = t_reading;
            int searched = 0;
            for (var a = parent; a != null && searched < AncestorsSearched; a = a.ParentNode, searched++)
            {
                if (a is StoredRecordObject record && record._stored.Equals(stored)) return record;
            }
            // A record the original graph held in more than one place (format 1.3): one object for it within the read,
            // as the original had one ($rows[0].Owner and $rows[1].Owner are the same object, and Clixml writes a <Ref>).
            bool shared = stored.IsShared;
            if (shared && stored.KeptProjection is StoredRecordObject known) return known;
            StoredRecordObject created;
            if (!stored.IsUnpinned) created = new StoredRecordObject(stored, parent, null);
            else
            {
                var members = new StoredNoteProperty[stored.Names.Count];
                created = new StoredRecordObject(stored, parent, members);
                ReadEagerly(members);
            }
            return shared ? stored.KeepProjection(created) as StoredRecordObject ?? created : created;
        }

        // Records waiting to have their properties read, while an unpinned read is under way on this thread.
        [ThreadStatic] private static Queue<StoredNoteProperty[]> t_eager;

        /// <summary>
        /// For a process that could not publish a pin (docs/concurrency.md, "Readers that cannot pin"): reads every
        /// property of the record, and of the records in them, now, while the read that found the record can still fail
        /// with the snapshot-expired error. A property read later would fail the same way, and PowerShell shows an
        /// exception in a property getter as $null: a wrong value. Lists and dictionaries stay lazy (they report the
        /// error themselves). Records met on the way are queued, not recursed into, so depth costs no stack.
        /// </summary>
        private static void ReadEagerly(StoredNoteProperty[] members)
        {
            if (t_eager != null)
            {
                t_eager.Enqueue(members);
                return;
            }
            var queue = t_eager = new Queue<StoredNoteProperty[]>();
            try
            {
                queue.Enqueue(members);
                while (queue.Count > 0)
                {
                    foreach (var member in queue.Dequeue()) member.Read();
                }
            }
            finally
            {
                t_eager = null;
            }
        }

        /// <summary>The record, list or dictionary being read on this thread (null outside a read).</summary>
        internal static IProjectedNode CurrentReader => t_reading;

        /// <summary>Makes <paramref name="node"/> the reader for an element a list or dictionary read from it projects; returns the previous one.</summary>
        internal static IProjectedNode EnterReading(IProjectedNode node)
        {
            var previous = t_reading;
            t_reading = node;
            return previous;
        }

        internal static void ExitReading(IProjectedNode previous) => t_reading = previous;

        /// <summary>Reads stored property <paramref name="index"/>; a record in it becomes an object that knows this one as its parent.</summary>
        internal object Read(int index)
        {
            if (IsDismounted) throw Dismounted(_stored.Heap);
            var previous = t_reading;
            t_reading = this;
            object value;
            try { value = _stored.GetValue(index); }
            finally { t_reading = previous; }
            // Import-Clixml gives the lists and dictionaries of a deserialized .NET object as PSObjects around an ArrayList
            // or a Hashtable, and PowerShell writes such a wrapped collection as its items joined ("a b c": CSV and HTML
            // cells, "$x"), where a bare one gives its type name. The stored copy's are wrapped the same way.
            if (!_stored.IsPropertyBag) value = OriginalTypeNames.ForDeserialized(value);
            return value;
        }

        /// <summary>A copy is an ordinary PSCustomObject with the same properties and values, which can be changed.</summary>
        public override PSObject Copy()
        {
            var copy = new PSObject();
            var names = copy.TypeNames;
            names.Clear();
            foreach (var name in TypeNames) names.Add(name);
            foreach (var property in Properties)
            {
                if (property is PSNoteProperty || property is StoredAdaptedProperty)
                    copy.Properties.Add(new PSNoteProperty(property.Name, property.Value));
            }
            var standard = _stored.StandardMembers;
            if (standard != null) copy.Members.Add(StandardMemberSet.Make(standard));
            return copy;
        }

        /// <summary>True when no property was added to or removed from the object since it was read.</summary>
        internal bool IsUnchanged()
        {
            // The instance members directly where PropertyBagReader may read them; PSObject.Properties (about 1.3 KB and
            // several microseconds an object) otherwise.
            int stored = _stored.Names.Count;
            // A record marked as deserialized keeps its adapted properties (the last ones) out of its instance members.
            int own = stored;
            if (!_stored.IsPropertyBag && _stored.AdaptedFrom >= 0 && Properties[_stored.Names[stored - 1]] is StoredAdaptedProperty) own = _stored.AdaptedFrom;
            var quick = PropertyBagReader.HasOnlyStoredProperties(this, own);
            if (quick.HasValue) return quick.Value;
            int count = 0;
            foreach (var property in Properties)
            {
                var note = property as StoredNoteProperty ?? (property as StoredAdaptedProperty)?.Note;
                if (note == null || !ReferenceEquals(note.Owner, this)) return false;
                count++;
            }
            return count == stored;
        }

        /// <summary>The type names to give the object, or null where a new PSCustomObject's own are right.</summary>
        private static ShapeTypeNames TypeNamesFor(StoredRecord stored)
        {
            var storedNames = stored.TypeNames;
            if (s_typeNames.TryGet(storedNames, out var known))
            {
                // Made while the switch was off (tests): the shared list now.
                if (known != null && known.Shared == null && MemberTable.CanShareTypeNames) known.Shared = MemberTable.SharedTypeNames(known.Names);
                return known;
            }
            string[] result;
            if (storedNames.Count == 2 && storedNames[0] == CustomObjectTypeName && storedNames[1] == "System.Object")
                result = null;
            else if (stored.IsPropertyBag || Contains(storedNames, CustomObjectTypeName))
            {
                result = new string[storedNames.Count];
                for (int i = 0; i < result.Length; i++) result[i] = storedNames[i];
            }
            else
            {
                result = new string[storedNames.Count];
                for (int i = 0; i < result.Length; i++) result[i] = OriginalTypeNames.Deserialized(storedNames[i]);
            }
            var names = result == null ? null : new ShapeTypeNames { Names = result, Shared = MemberTable.SharedTypeNames(result) };
            s_typeNames.Add(storedNames, names);
            return names;
        }

        private static bool Contains(IReadOnlyList<string> names, string name)
        {
            for (int i = 0; i < names.Count; i++) if (names[i] == name) return true;
            return false;
        }

        internal static ObjectDisposedException Dismounted(MappedHeap heap)
            // The engine's error, as lists and dictionaries give it: it names the file and ends without a period of its own.
            => new AncientHeapDismountedException(heap.IsAnonymous ? null : heap.Path);
    }
}
