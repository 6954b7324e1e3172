using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Collections.Specialized;
using System.Linq.Expressions;
using System.Management.Automation;
using System.Reflection;
using AncientPS.Engine;

namespace AncientPS.Projection
{
    /// <summary>
    /// Reads a PSCustomObject's note properties straight from its own member table. Enumerating PSObject.Properties
    /// instead merges instance, type-table and adapter members into a new collection for every object (about 1.3 KB and
    /// several microseconds each): in a profile of Set-AncientObject over 100,000 records that was 90% of the time.
    /// The shortcut is taken for a list of type names only once its first object gave the same property names both ways,
    /// so type-table members (types.ps1xml, Update-TypeData) keep going the full way. It skips what PSObject.Properties
    /// skips (the hidden reserved members that enumerating an object's members once adds to it, as Export-Clixml,
    /// ConvertTo-Json and Get-Member do), and takes the full way for any other kind of property on the instance.
    /// Records of one layout share one type-name list and one name list, which the engine then recognises as one shape
    /// without comparing strings.
    /// Without the internal members it reads (another PowerShell version), nothing changes: every object goes the full way.
    /// </summary>
    internal sealed class PropertyBagReader
    {
        private static readonly Func<PSObject, OrderedDictionary> s_members = Bind<OrderedDictionary>("InstanceMembers", "Members");
        private static readonly Func<PSObject, Collection<string>> s_typeNames = Bind<Collection<string>>("InternalTypeNames", null);
        // How many of the object's own members are not hidden (internal too; null when this PowerShell has no such member).
        private static readonly Func<PSObject, int> s_visibleCount = Bind<int>("InstanceMembers", "VisibleCount");

        private readonly Dictionary<string, bool> _verdicts = new Dictionary<string, bool>(StringComparer.Ordinal);
        private Collection<string> _lastSource;
        private string[] _lastTypeNames;
        private bool _lastVerdict;
        private string[] _lastNames;
        // The object's own PSStandardMembers met while its members were read (null for none), and the last one stored.
        private PSMemberSet _standardSet;
        private StandardMembers _lastStandard;

        /// <summary>obj => obj.first[.second], compiled once; null when PowerShell has no such members.</summary>
        internal static Func<PSObject, T> Bind<T>(string first, string second)
        {
            try
            {
                const BindingFlags flags = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;
                var parameter = Expression.Parameter(typeof(PSObject), "obj");
                var outer = typeof(PSObject).GetProperty(first, flags);
                if (outer == null) return null;
                Expression body = Expression.Property(parameter, outer);
                if (second != null)
                {
                    var inner = outer.PropertyType.GetProperty(second, flags);
                    if (inner == null) return null;
                    body = Expression.Property(body, inner);
                }
                if (!typeof(T).IsAssignableFrom(body.Type)) return null;
                return Expression.Lambda<Func<PSObject, T>>(Expression.Convert(body, typeof(T)), parameter).Compile();
            }
            catch (Exception)
            {
                return null;
            }
        }

        /// <summary>
        /// False makes every object take the public way (PSObject.Properties), as on a PowerShell without the internal
        /// members: tests compare the two ways, and the Bench task measures what the public way costs.
        /// </summary>
        internal static bool UseInternalMembers { get; set; } = true;

        /// <summary>
        /// False makes the shortcut look at every one of an object's own members, as where this PowerShell does not count
        /// its hidden members (see <see cref="ReadNoteProperties"/>): tests compare the two, the Bench task measures the
        /// difference.
        /// </summary>
        internal static bool UseVisibleCount { get; set; } = true;

        /// <summary>True when this PowerShell has the internal members the shortcut reads.</summary>
        internal static bool IsAvailable => s_members != null && s_typeNames != null;

        /// <summary>
        /// The object's own member table and type-name list (internal members), for <see cref="AdaptedObjectReader"/>;
        /// false where the shortcut is off or unavailable, or reading them failed.
        /// </summary>
        internal static bool TryGetInternals(PSObject pso, out OrderedDictionary members, out Collection<string> typeNames)
        {
            members = null;
            typeNames = null;
            if (!IsAvailable || !UseInternalMembers) return false;
            try
            {
                typeNames = s_typeNames(pso);
                members = s_members(pso);
            }
            catch (Exception)
            {
                return false;
            }
            return typeNames != null && members != null;
        }

        /// <summary>
        /// The object's type names as PowerShell holds them (internal: the type table's shared list for an object whose
        /// names no script changed), without the copy the public TypeNames getter files for the object; false where the
        /// shortcut is off or unavailable.
        /// </summary>
        internal static bool TryGetTypeNames(PSObject pso, out Collection<string> typeNames)
        {
            typeNames = null;
            if (s_typeNames == null || !UseInternalMembers) return false;
            try { typeNames = s_typeNames(pso); }
            catch (Exception) { return false; }
            return typeNames != null;
        }

        /// <summary>
        /// The count of the object's own members (internal member table), or -1 where that cannot be read or the shortcut is
        /// off (a list then holds every record it hands out, as a PowerShell without these members needs).
        /// </summary>
        internal static int InstanceMemberCount(PSObject pso)
        {
            if (!IsAvailable || !UseInternalMembers) return -1;
            try { return s_members(pso)?.Count ?? 0; }
            catch (Exception) { return -1; }
        }

        /// <summary>
        /// Whether a script may have changed the object since it had <paramref name="memberCount"/> own members
        /// (<see cref="InstanceMemberCount"/>): a member added or removed (PowerShell's own hidden members, which it adds
        /// when anything first lists the members, do not count), or its type names asked for through PSTypeNames (the
        /// public getter gives the object a changeable list of its own; reading them is taken as a change). True where
        /// that cannot be told.
        /// </summary>
        internal static bool MayHaveChanged(PSObject pso, int memberCount)
        {
            if (memberCount < 0 || !IsAvailable) return true;
            try
            {
                var typeNames = s_typeNames(pso);
                if (typeNames == null || !((ICollection<string>)typeNames).IsReadOnly) return true;
                var members = s_members(pso);
                int count = members?.Count ?? 0;
                if (count == memberCount) return false;
                if (count < memberCount) return true;
                for (int i = memberCount; i < count; i++)
                {
                    if (!(members[i] is PSMemberInfo member) || !IsReservedName(member.Name)) return true;
                }
                return false;
            }
            catch (Exception)
            {
                return true;
            }
        }

        // The hidden members PowerShell makes for every object (a script cannot add a member of these names).
        private static bool IsReservedName(string name)
            => string.Equals(name, "psbase", StringComparison.OrdinalIgnoreCase) || string.Equals(name, "psadapted", StringComparison.OrdinalIgnoreCase)
            || string.Equals(name, "psextended", StringComparison.OrdinalIgnoreCase) || string.Equals(name, "psobject", StringComparison.OrdinalIgnoreCase)
            || string.Equals(name, PSTypeNamesMember, StringComparison.OrdinalIgnoreCase);

        /// <summary>
        /// What <see cref="PSObject.Properties"/> makes of one of the object's own members: 1 a note property, 0 skipped
        /// (not a property, or a hidden reserved member), -1 any other property.
        /// </summary>
        internal static int ClassifyInstanceMember(object member) => Classify(member);

        /// <summary>Describes a PSCustomObject, or returns false for the caller to enumerate PSObject.Properties.</summary>
        public bool TryRead(PSObject pso, out IReadOnlyList<string> typeNames, out IReadOnlyList<string> names, out IReadOnlyList<object> values)
        {
            object[] read = null;
            bool done = TryReadInto(pso, ref read, out typeNames, out names);
            values = done ? read : null;
            return done;
        }

        /// <summary>
        /// As <see cref="TryRead(PSObject, out IReadOnlyList{string}, out IReadOnlyList{string}, out IReadOnlyList{object})"/>,
        /// the values read into <paramref name="values"/> when it has exactly their count (the writer's reused array), else
        /// into a new array put there.
        /// </summary>
        public bool TryReadInto(PSObject pso, ref object[] values, out IReadOnlyList<string> typeNames, out IReadOnlyList<string> names)
            => TryReadInto(pso, ref values, out typeNames, out names, out _);

        /// <summary>As the other, with the object's own PSStandardMembers as stored (<see cref="StandardMemberSet"/>), null for none.</summary>
        public bool TryReadInto(PSObject pso, ref object[] values, out IReadOnlyList<string> typeNames, out IReadOnlyList<string> names,
            out StandardMembers standard)
        {
            typeNames = null;
            names = null;
            standard = null;
            if (!IsAvailable || !UseInternalMembers) return false;
            try
            {
                var source = s_typeNames(pso);
                if (source == null) return false;
                bool? verdict = Verdict(source, out string[] typeCopy);
                if (verdict == false) return false;
                var members = s_members(pso);
                int visible = s_visibleCount != null && UseVisibleCount ? s_visibleCount(pso) : -1;
                if (members == null || !ReadNoteProperties(members, visible, ref values, out string[] nameArray)) return false;
                if (verdict == null && !(verdict = SameAsProperties(pso, nameArray)).Value)
                {
                    Remember(source, typeCopy, false);
                    return false;
                }
                Remember(source, typeCopy, true);
                typeNames = _lastTypeNames;
                names = nameArray;
                if (_standardSet != null)
                {
                    standard = StandardMemberSet.Read(_standardSet, ref _lastStandard);
                    _standardSet = null;
                }
                return true;
            }
            catch (InvalidOperationException)
            {
                return false; // the object changed while it was read: take the full way
            }
            catch (ArgumentOutOfRangeException)
            {
                return false;
            }
        }

        /// <summary>
        /// What an instance member is to PSObject.Properties: 1 a note property (read), 0 not a property or PowerShell's own
        /// hidden reserved member (skipped, as PSObject.Properties skips them), -1 any other property (the full way).
        /// Enumerating PSObject.Properties or PSObject.Members once (as Export-Clixml, ConvertTo-Json and Get-Member do) adds
        /// the reserved members psbase, psadapted, psextended, psobject (member sets) and pstypenames (a code property) to
        /// the object's own members; no script can add a member of those names.
        /// </summary>
        private static int Classify(object member)
        {
            if (member is PSNoteProperty) return 1;
            if (!(member is PSPropertyInfo property)) return 0;
            if (property is PSCodeProperty && string.Equals(property.Name, PSTypeNamesMember, StringComparison.OrdinalIgnoreCase)) return 0;
            return -1;
        }

        private const string PSTypeNamesMember = "PSTypeNames";

        /// <summary>
        /// Whether a projected stored record still has exactly its stored properties (none added or removed), read from its
        /// instance members without building PSObject.Properties; null where the shortcut is off or unavailable (the
        /// caller takes the public way).
        /// </summary>
        internal static bool? HasOnlyStoredProperties(StoredRecordObject record, int storedCount)
        {
            if (!UseInternalMembers || !IsAvailable) return null;
            OrderedDictionary members;
            try { members = s_members(record); }
            catch (Exception) { return null; }
            if (members == null) return storedCount == 0;
            int ours = 0;
            for (int i = 0; i < members.Count; i++)
            {
                object member = members[i];
                if (member is StoredNoteProperty note && ReferenceEquals(note.Owner, record)) { ours++; continue; }
                if (Classify(member) != 0) return false;
            }
            return ours == storedCount;
        }

        /// <summary>
        /// False when the object has a property other than a note property (a script or alias property added to the
        /// instance). The values go into <paramref name="values"/> when it has exactly their count, else into a new array.
        /// <paramref name="visible"/>: how many of the members are not hidden, or -1 when not known.
        /// </summary>
        private bool ReadNoteProperties(OrderedDictionary members, int visible, ref object[] values, out string[] names)
        {
            _standardSet = null;
            int n = members.Count;
            // Records of one layout share one name array: the common case (the same names as the last object) reads the
            // names and the values in one pass, into the caller's array.
            var last = _lastNames;
            if (last != null)
            {
                // Once anything has enumerated an object's members (Export-Clixml, ConvertTo-Json, Get-Member), PowerShell has
                // added its five reserved members (psbase, psobject, ...) after the notes, all hidden, and no script can
                // make a hidden member. So when exactly the layout's count of members is visible and those are the first
                // ones, the rest are hidden members PSObject.Properties skips, and are not looked at: on a large list that
                // halves the memory this reads per object. Anything else (a hidden member among the first ones) fails the
                // comparison below and takes the general loop, which looks at every member.
                int limit = visible == last.Length && visible < n ? visible : n;
                object[] read = values != null && values.Length == last.Length ? values : new object[last.Length];
                int k = 0;
                bool same = true;
                for (int i = 0; i < limit; i++)
                {
                    object member = members[i];
                    int kind = Classify(member);
                    if (kind == 0)
                    {
                        if (StandardMemberSet.IsStandardSet(member)) _standardSet = (PSMemberSet)member;
                        continue;
                    }
                    if (kind < 0) { names = null; return false; }
                    var note = (PSNoteProperty)member;
                    if (k >= last.Length || !string.Equals(note.Name, last[k], StringComparison.Ordinal)) { same = false; break; }
                    read[k++] = note.Value;
                }
                if (same && k == last.Length)
                {
                    // A PSStandardMembers set is visible: when only the notes were looked at, they were all the visible
                    // members, so the object has no set of its own.
                    values = read;
                    names = last;
                    return true;
                }
            }
            var nameList = new List<string>(n);
            var valueList = new List<object>(n);
            for (int i = 0; i < n; i++)
            {
                object member = members[i];
                int kind = Classify(member);
                if (kind == 0)
                {
                    if (StandardMemberSet.IsStandardSet(member)) _standardSet = (PSMemberSet)member;
                    continue;
                }
                if (kind < 0) { names = null; return false; }
                var note = (PSNoteProperty)member;
                nameList.Add(note.Name);
                valueList.Add(note.Value);
            }
            names = nameList.ToArray();
            if (values != null && values.Length == valueList.Count) valueList.CopyTo(values);
            else values = valueList.ToArray();
            _lastNames = names;
            return true;
        }

        private static bool SameAsProperties(PSObject pso, string[] names)
        {
            int i = 0;
            foreach (var property in pso.Properties)
            {
                if (!property.IsGettable) continue;
                if (i >= names.Length || !string.Equals(names[i], property.Name, StringComparison.Ordinal)) return false;
                i++;
            }
            return i == names.Length;
        }

        /// <summary>The verdict for these type names: true (shortcut), false (full way) or null (not seen yet).</summary>
        private bool? Verdict(Collection<string> source, out string[] copy)
        {
            copy = null;
            // PowerShell shares one type-name list between the objects of one kind until a script changes an object's list.
            if (ReferenceEquals(source, _lastSource)) return _lastVerdict;
            // Import-Clixml and Select-Object give each object a list of its own: compare it with the last one in place.
            var last = _lastTypeNames;
            if (last != null && last.Length == source.Count)
            {
                int i = 0;
                while (i < last.Length && string.Equals(last[i], source[i], StringComparison.Ordinal)) i++;
                if (i == last.Length)
                {
                    _lastSource = source;
                    return _lastVerdict;
                }
            }
            copy = new string[source.Count];
            source.CopyTo(copy, 0);
            if (!_verdicts.TryGetValue(string.Join("\n", copy), out bool verdict)) return null;
            _lastSource = source;
            _lastTypeNames = copy;
            _lastVerdict = verdict;
            return verdict;
        }

        private void Remember(Collection<string> source, string[] copy, bool verdict)
        {
            if (copy == null) return; // the same list as last time
            _verdicts[string.Join("\n", copy)] = verdict;
            _lastSource = source;
            _lastTypeNames = copy;
            _lastVerdict = verdict;
        }
    }
}
