using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq.Expressions;
using System.Management.Automation;
using System.Numerics;
using System.Reflection;
using AncientPS.Engine;

namespace AncientPS.Projection
{
    /// <summary>
    /// A value with notes of its own: a line Get-Content gives (a string with PSPath, PSParentPath, PSChildName, PSDrive,
    /// PSProvider and ReadCount), a date Get-Date gives (DisplayHint), a number a script gave a note property
    /// (<c>5 | Add-Member -NotePropertyName Unit -NotePropertyValue kg -PassThru</c>). Import-Clixml gives such a value back
    /// with its notes, and ConvertTo-Json writes a number's notes beside it (<c>{"value":5,"Unit":"kg"}</c>); the engine
    /// stores it as a record of the notes that holds the value (format 1.5), and Get gives back the value in a PSObject
    /// with the notes, as the original was (<see cref="Project"/>).
    /// <para>
    /// Whether a wrapped value has notes is asked of every PSObject around a string or number Set meets (each piped
    /// value is one): PowerShell's internal <c>PSObject.HasInstanceMembers</c> answers without making a member table
    /// for a value that has none, bound once and guarded; without it (another PowerShell, or <see cref="UseInternalMembers"/>
    /// off) the value's <c>PSObject.Properties</c> are listed, which the Bench task's row for it measures.
    /// </para>
    /// </summary>
    internal static class ValueNotes
    {
        // obj => PSObject.HasInstanceMembers(obj, out members) ? members : null
        private static readonly Func<object, IEnumerable> s_instanceMembers = Bind();

        /// <summary>False makes every value take the public way (tests compare the two; the Bench task measures it).</summary>
        internal static bool UseInternalMembers { get; set; } = true;

        /// <summary>True when this PowerShell has the internal member used.</summary>
        internal static bool IsAvailable => s_instanceMembers != null;

        private static Func<object, IEnumerable> Bind()
        {
            try
            {
                var method = typeof(PSObject).GetMethod("HasInstanceMembers", BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public);
                if (method == null || method.ReturnType != typeof(bool)) return null;
                var parameters = method.GetParameters();
                if (parameters.Length != 2 || parameters[0].ParameterType != typeof(object) || !parameters[1].IsOut) return null;
                var membersType = parameters[1].ParameterType.GetElementType();
                if (membersType == null || !typeof(IEnumerable).IsAssignableFrom(membersType)) return null;
                var obj = Expression.Parameter(typeof(object), "obj");
                var members = Expression.Variable(membersType, "members");
                var body = Expression.Block(typeof(IEnumerable), new[] { members },
                    Expression.Condition(
                        Expression.Call(method, obj, members),
                        Expression.Convert(members, typeof(IEnumerable)),
                        Expression.Constant(null, typeof(IEnumerable))));
                return Expression.Lambda<Func<object, IEnumerable>>(body, obj).Compile();
            }
            catch (Exception)
            {
                return null;
            }
        }

        /// <summary>
        /// True for a value the engine stores in a slot, which may carry notes: a string, a number, a character, a Boolean,
        /// an enum, a date, a time span, a GUID, a version or a URI; and (format 1.6) an array, such as the lines
        /// <c>Get-Content -ReadCount</c> gives in one array with the file's notes, or a stored list read back with them.
        /// </summary>
        internal static bool MayCarry(object baseObject)
        {
            if (baseObject is string) return true;
            var type = baseObject.GetType();
            if (!type.IsValueType) return baseObject is Version || baseObject is Uri || (baseObject is Array array && array.Rank == 1) || baseObject is AncientList;
            return (type.IsPrimitive && type != typeof(IntPtr) && type != typeof(UIntPtr)) || type.IsEnum || baseObject is DateTime || baseObject is TimeSpan
                || baseObject is decimal || baseObject is Guid || baseObject is DateTimeOffset || baseObject is BigInteger;
        }

        /// <summary>
        /// The value's own properties (notes, or script and alias properties added to it), in order, and their values (a
        /// getter that throws gives null, as elsewhere in a record's values); false when it has none. The lists are made
        /// only for a value that has members of its own (PowerShell's internals say so without listing anything).
        /// </summary>
        internal static bool TryRead(PSObject pso, out List<string> names, out List<object> values)
        {
            names = null;
            values = null;
            if (TryInstanceMembers(pso, out var members))
            {
                if (members == null) return false;
                names = new List<string>();
                values = new List<object>();
                // Note properties only (a line's): straight from the member table, as a .NET object's own notes are read.
                if (AdaptedObjectReader.TryReadInstanceNotes(pso, names, values)) return names.Count > 0;
                names.Clear();
                values.Clear();
                foreach (var member in members)
                    if (IsNote(member)) Add((PSPropertyInfo)member, names, values);
                return names.Count > 0;
            }
            foreach (var property in pso.Properties)
            {
                if (!AdaptedObjectReader.IsOwnProperty(property)) continue;
                if (names == null)
                {
                    names = new List<string>();
                    values = new List<object>();
                }
                Add(property, names, values);
            }
            return names != null;
        }

        /// <summary>The value's type names, PowerShell's own list where its internals allow (reading the public one makes the object a copy of its own).</summary>
        internal static IReadOnlyList<string> TypeNamesOf(PSObject pso)
            => UseInternalMembers && PropertyBagReader.TryGetTypeNames(pso, out var names) ? (IReadOnlyList<string>)names : new List<string>(pso.TypeNames);

        private static void Add(PSPropertyInfo property, List<string> names, List<object> values)
        {
            object value;
            try { value = property.Value; }
            catch (PipelineStoppedException) { throw; }
            catch (Exception) { value = null; }
            names.Add(property.Name);
            values.Add(value);
        }

        // False where the public way must be taken; members null where the value has no members of its own.
        private static bool TryInstanceMembers(PSObject pso, out IEnumerable members)
        {
            members = null;
            if (!UseInternalMembers || s_instanceMembers == null) return false;
            try
            {
                members = s_instanceMembers(pso);
                return true;
            }
            catch (Exception)
            {
                return false;
            }
        }

        // One of the object's own members that PSObject.Properties lists: a property, other than the hidden reserved
        // PSTypeNames that listing an object's members adds to it (PropertyBagReader classifies members alike).
        private static bool IsNote(object member) => member is PSPropertyInfo property && !(property is PSProperty) && PropertyBagReader.ClassifyInstanceMember(member) != 0;

        /// <summary>
        /// True when <paramref name="typeNames"/> are the ones PowerShell gives a PSObject around <paramref name="value"/> (its
        /// type and base types, System.Object last): a value read back with them needs no names set.
        /// </summary>
        internal static bool AreOwnTypeNames(IReadOnlyList<string> typeNames, object value)
        {
            int i = 0;
            for (var type = value.GetType(); type != null; type = type.BaseType, i++)
            {
                if (i >= typeNames.Count || !string.Equals(typeNames[i], type.FullName, StringComparison.Ordinal)) return false;
            }
            return i == typeNames.Count;
        }

        // Values with notes waiting for their notes, while a value's notes are read on this thread: a note that is itself a
        // value with notes is filled after the one holding it, not inside it, so a long chain costs no stack.
        [ThreadStatic] private static Queue<KeyValuePair<StoredRecord, PSObject>> t_unfilled;

        // The shared ones (format 1.3's bit) made on this thread and not yet filled: a note that leads back to one gets it.
        [ThreadStatic] private static Dictionary<StoredRecord, PSObject> t_making;

        /// <summary>
        /// The PSObject for a stored value with notes: the value in a PSObject of PowerShell's own (so that a .NET method
        /// given it gets the value, as it gets the original's), with the stored type names where they are not the value's
        /// own, and the notes as read-only note properties, read now. One object per stored node within a read, as for a
        /// record the original held in several places; it is kept for the read only once its notes are all there, so that
        /// another thread reading the same node never gets it half made.
        /// </summary>
        internal static PSObject Project(StoredRecord stored)
        {
            bool shared = stored.IsShared;
            if (shared)
            {
                if (stored.KeptProjection is PSObject known) return known;
                if (t_making != null && t_making.TryGetValue(stored, out var making)) return making;
            }
            object value = stored.WrappedValue;
            var created = new PSObject(value);
            // A string's notes: a member table of its own, of the right size, held by the object alone, as a record's
            // (MemberTable; 2.3x faster first pass over 100,000 lines): PowerShell keeps a string's notes with its PSObject
            // either way. A boxed number's or date's stay PowerShell's way, filed by the box, where PowerShell finds them
            // again when it hands the box alone to a .NET method (Export-Clixml, the serializer).
            if (value is string) MemberTable.TryPresize(created, stored.Count);
            SetTypeNames(created, stored.TypeNames);
            if (shared) (t_making ?? (t_making = new Dictionary<StoredRecord, PSObject>()))[stored] = created;
            var queue = t_unfilled;
            if (queue != null)
            {
                queue.Enqueue(new KeyValuePair<StoredRecord, PSObject>(stored, created));
                return created;
            }
            queue = t_unfilled = new Queue<KeyValuePair<StoredRecord, PSObject>>();
            try
            {
                queue.Enqueue(new KeyValuePair<StoredRecord, PSObject>(stored, created));
                while (queue.Count > 0)
                {
                    var next = queue.Dequeue();
                    Fill(next.Key, next.Value);
                    // Filled: from now on the read's other readers may have it (another thread's own, if it kept one first).
                    if (t_making != null && t_making.Remove(next.Key)) next.Key.KeepProjection(next.Value);
                }
            }
            finally
            {
                t_unfilled = null;
                t_making = null;
            }
            return created;
        }

        private static void Fill(StoredRecord stored, PSObject target)
        {
            var names = stored.Names;
            var properties = target.Properties;
            for (int i = 0; i < names.Count; i++) ReadOnlyNoteProperty.AddTo(properties, names[i], stored.GetValue(i));
        }

        /// <summary>Gives a PSObject around a stored value the stored type names, where they are not the value's own.</summary>
        internal static void SetTypeNames(PSObject pso, IReadOnlyList<string> typeNames)
        {
            if (typeNames.Count == 0 || AreOwnTypeNames(typeNames, pso.BaseObject)) return;
            var names = pso.TypeNames;
            names.Clear();
            foreach (var name in typeNames) names.Add(name);
        }
    }
}

namespace AncientPS.Projection
{
    /// <summary>
    /// A note of a stored value with notes (<see cref="ValueNotes.Project"/>): its value read already, setting it fails with
    /// the read-only error every stored value gives; a copy (<c>.PSObject.Copy()</c>) is an ordinary note property.
    /// </summary>
    internal sealed class ReadOnlyNoteProperty : PSNoteProperty
    {
        // PSObject.Properties.Add stores a Copy() of the member it is given; while a value's notes are added, the copy is the member itself.
        [ThreadStatic] private static bool t_adding;

        private readonly object _value;

        private ReadOnlyNoteProperty(string name, object value)
            : base(name, null)
        {
            _value = value;
        }

        internal static void AddTo(PSMemberInfoCollection<PSPropertyInfo> properties, string name, object value)
        {
            t_adding = true;
            try { properties.Add(new ReadOnlyNoteProperty(name, value), true); }
            finally { t_adding = false; }
        }

        public override object Value
        {
            get => _value;
            set => throw new SetValueException(ReadOnly.PropertyMessage(Name));
        }

        public override bool IsSettable => false;

        /// <summary>The value's type name, the original collection's for a stored list or dictionary (System.Object[]), as a stored record's note gives it.</summary>
        public override string TypeNameOfValue => new PSNoteProperty(Name, StoredCollectionAdapter.StandInFor(_value)).TypeNameOfValue;

        /// <summary>Get-Member's definition, as a stored record's note gives it (<see cref="StoredNoteProperty.ToString"/>).</summary>
        public override string ToString() => StoredNoteProperty.Definition(Name, _value);

        public override PSMemberInfo Copy() => t_adding ? (PSMemberInfo)this : new PSNoteProperty(Name, _value);
    }
}
