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
            List<StandardMember> kept = null;
            foreach (var member in set.Members)
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
                    object value = note.Value is PSObject wrapped ? wrapped.BaseObject : note.Value;
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

        /// <summary>The member set a record read gets (one of its own: PowerShell binds a member to the object it is added to).</summary>
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
