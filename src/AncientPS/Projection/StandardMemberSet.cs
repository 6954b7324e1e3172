using System;
using System.Collections.Generic;
using System.Management.Automation;
using AncientPS.Engine;

namespace AncientPS.Projection
{
    /// <summary>
    /// A PSCustomObject's own PSStandardMembers member set (the idiom of functions that choose their default columns:
    /// <c>Add-Member MemberSet PSStandardMembers ([PSMemberInfo[]] $defaultDisplayPropertySet)</c>), stored with the
    /// record's shape (format 1.6, <see cref="StandardMembers"/>) and given back to the record read, so that Format-Table
    /// shows the same columns, Sort-Object and Compare-Object compare the same key properties, and Format-Wide shows the
    /// same property as for the original. Kept: its property sets (DefaultDisplayPropertySet, DefaultKeyPropertySet,
    /// PropertySerializationSet) and its notes that hold a string, an Int32 or a Boolean (DefaultDisplayProperty,
    /// SerializationDepth...); anything else in the set is not stored. A set from the type's type data is not the
    /// object's own and is not stored (the type names are, and find it again where the type data is loaded).
    /// <para>
    /// Two PowerShell internals, each bound once and guarded, with the public way where missing or switched off:
    /// PSMemberSet.InternalMembers when Set reads a set (else the public Members; PropertyBagReader.UseInternalMembers),
    /// and PSObject.InstanceMembers when a record read gets its set (else PSObject.Members.Add; MemberTable.Enabled).
    /// tests/StandardMembers.Tests.ps1 runs both ways; SourcesBench's 'default columns, public way' row and
    /// tests/benchmarks/tools/Measure-StandardMembers.ps1 show what the public ways cost.
    /// </para>
    /// </summary>
    internal static class StandardMemberSet
    {
        internal const string Name = "PSStandardMembers";

        /// <summary>True for the object's own PSStandardMembers (as found among its instance members).</summary>
        internal static bool IsStandardSet(object member)
            => member is PSMemberSet set && string.Equals(set.Name, Name, StringComparison.OrdinalIgnoreCase);

        /// <summary>
        /// The object's own PSStandardMembers through public members (the full way): null when it has none, or only its
        /// type data's.
        /// </summary>
        internal static PSMemberSet Find(PSObject pso)
        {
            if (pso.Members[Name] is PSMemberSet set && set.IsInstance) return set;
            return null;
        }

        /// <summary>
        /// What the engine stores of <paramref name="set"/>, or null when nothing in it can be stored. Returns
        /// <paramref name="last"/> when equal to it (records of one function then share one shape without a lookup), and
        /// remembers the result there.
        /// </summary>
        internal static StandardMembers Read(PSMemberSet set, ref StandardMembers last)
        {
            if (set == null) return null;
            var members = MembersOf(set);
            // Rows of one function carry equal sets, each its own copy: compared in place with the last one, without
            // allocating, most rows are done here.
            if (last != null && SameAs(members, last)) return last;
            List<StandardMember> kept = null;
            foreach (var member in members)
            {
                StandardMember stored = null;
                if (member is PSPropertySet properties)
                {
                    var names = properties.ReferencedPropertyNames;
                    if (names != null && names.Count <= StandardMembers.MaximumNames && !names.Contains(null))
                        stored = StandardMember.PropertySet(properties.Name, names);
                }
                else if (member is PSNoteProperty note)
                {
                    object value = NoteValue(note);
                    if (StandardMember.IsNoteValue(value)) stored = StandardMember.Note(note.Name, value);
                }
                if (stored == null) continue;
                if (kept == null) kept = new List<StandardMember>();
                if (kept.Count == StandardMembers.MaximumMembers) break;
                kept.Add(stored);
            }
            if (kept == null) return null;
            var read = new StandardMembers(kept);
            if (read.Equals(last)) return last;
            last = read;
            return read;
        }

        // A note's value as stored: the value itself where PowerShell wrapped it.
        private static object NoteValue(PSNoteProperty note) => note.Value is PSObject wrapped ? wrapped.BaseObject : note.Value;

        // The set's own members (internal: PSMemberSet.InternalMembers, bound once, guarded); the public Members is an
        // integrating collection that matches its members anew for every enumeration, several microseconds a row.
        private static readonly Func<PSMemberSet, IEnumerable<PSMemberInfo>> s_internalMembers = BindInternalMembers();

        private static Func<PSMemberSet, IEnumerable<PSMemberInfo>> BindInternalMembers()
        {
            try
            {
                var property = typeof(PSMemberSet).GetProperty("InternalMembers", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic);
                if (property == null || !typeof(IEnumerable<PSMemberInfo>).IsAssignableFrom(property.PropertyType)) return null;
                var parameter = System.Linq.Expressions.Expression.Parameter(typeof(PSMemberSet), "set");
                var body = System.Linq.Expressions.Expression.Convert(System.Linq.Expressions.Expression.Property(parameter, property), typeof(IEnumerable<PSMemberInfo>));
                return System.Linq.Expressions.Expression.Lambda<Func<PSMemberSet, IEnumerable<PSMemberInfo>>>(body, parameter).Compile();
            }
            catch (Exception)
            {
                return null;
            }
        }

        private static IEnumerable<PSMemberInfo> MembersOf(PSMemberSet set)
        {
            if (s_internalMembers != null && PropertyBagReader.UseInternalMembers)
            {
                try
                {
                    var members = s_internalMembers(set);
                    if (members != null) return members;
                }
                catch (Exception)
                {
                    // the public way below
                }
            }
            return set.Members;
        }

        // True when the members that would be stored are exactly those of last, in order (the others skipped as Read skips them).
        private static bool SameAs(IEnumerable<PSMemberInfo> members, StandardMembers last)
        {
            var stored = last.Members;
            int k = 0;
            foreach (var member in members)
            {
                if (member is PSPropertySet properties)
                {
                    if (k >= stored.Count || !stored[k].IsPropertySet || !string.Equals(stored[k].Name, properties.Name, StringComparison.Ordinal)) return false;
                    var names = properties.ReferencedPropertyNames;
                    var storedNames = stored[k].PropertyNames;
                    if (names == null || names.Count != storedNames.Count) return false;
                    for (int i = 0; i < storedNames.Count; i++)
                        if (!string.Equals(names[i], storedNames[i], StringComparison.Ordinal)) return false;
                    k++;
                }
                else if (member is PSNoteProperty note)
                {
                    object value = NoteValue(note);
                    if (!StandardMember.IsNoteValue(value)) continue;
                    if (k >= stored.Count || stored[k].IsPropertySet || !string.Equals(stored[k].Name, note.Name, StringComparison.Ordinal)) return false;
                    if (!value.Equals(stored[k].Value) || value.GetType() != stored[k].Value.GetType()) return false;
                    k++;
                }
            }
            return k == stored.Count;
        }

        // obj => obj.InstanceMembers (internal): the object's own member table, whose public Add adds a member as it is.
        private static readonly Func<PSObject, PSMemberInfoCollection<PSMemberInfo>> s_instanceMembers
            = PropertyBagReader.Bind<PSMemberInfoCollection<PSMemberInfo>>("InstanceMembers", null);
        // Set once a record got its set through PSObject.Members (see AddTo).
        private static volatile bool s_addedPublicly;

        /// <summary>
        /// Gives a record read its shape's member set. PSObject.Members.Add tells each member of the set which object it
        /// now belongs to, enumerating the set's public member collection to do so (2.6 KB a record, most of the cost of
        /// a set); what the set holds does not depend on the object. So the set goes into the record's own member table
        /// directly (internal, bound once, guarded), once one record of the process got it the public way, which also
        /// tells PowerShell's member binders that objects have a member of that name (<c>$x.PSStandardMembers</c>).
        /// With <see cref="MemberTable.Enabled"/> off, or without the internal member, always the public way.
        /// </summary>
        internal static void AddTo(PSObject record, StandardMembers standard)
        {
            var set = ForRecord(standard);
            if (s_addedPublicly && s_instanceMembers != null && MemberTable.Enabled)
            {
                try
                {
                    var table = s_instanceMembers(record);
                    if (table != null)
                    {
                        table.Add(set, true);
                        return;
                    }
                }
                catch (Exception e) when (!(e is ExtendedTypeSystemException))
                {
                    // the public way below
                }
            }
            record.Members.Add(set, true);
            s_addedPublicly = true;
        }

        // One member set per stored shape, shared by the records read of it (see ForRecord).
        private static readonly PerShapeMemo<PSMemberSet> s_shared = new PerShapeMemo<PSMemberSet>(32);

        /// <summary>
        /// The member set a record read gets: one per stored shape (the shape's <see cref="StandardMembers"/> instance,
        /// one per shape and read), shared by its records (see <see cref="AddTo"/>): what it holds (property sets and notes)
        /// does not depend on the object it is added to. A set of its own per record, added through PSObject.Members, cost
        /// 5.9 KB a record and 2.3x the first pass over the records (docs/performance.md, "Session 17").
        /// </summary>
        internal static PSMemberSet ForRecord(StandardMembers standard)
        {
            if (s_shared.TryGet(standard, out var set)) return set;
            set = Make(standard);
            s_shared.Add(standard, set);
            return set;
        }

        /// <summary>A member set of its own (a copy or -Materialize: an ordinary object a script may change).</summary>
        internal static PSMemberSet Make(StandardMembers standard)
        {
            var members = new List<PSMemberInfo>(standard.Members.Count);
            foreach (var member in standard.Members)
            {
                if (member.IsPropertySet) members.Add(new PSPropertySet(member.Name, member.PropertyNames));
                else members.Add(new PSNoteProperty(member.Name, member.Value));
            }
            return new PSMemberSet(Name, members);
        }
    }
}
