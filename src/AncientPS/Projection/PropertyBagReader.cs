using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Collections.Specialized;
using System.Linq.Expressions;
using System.Management.Automation;
using System.Reflection;

namespace AncientPS
{
    /// <summary>
    /// Reads a PSCustomObject's note properties straight from its own member table. Enumerating PSObject.Properties
    /// instead merges type-table and adapter members and builds the reserved member sets (psbase, psextended...) anew for
    /// every object: in a profile of Set-AncientObject over 100,000 records that was 90% of the time.
    /// The shortcut is taken for a list of type names only once its first object gave the same property names both ways,
    /// so type-table members (types.ps1xml, Update-TypeData) keep going the full way. Records of one layout share one
    /// type-name list and one name list, which the engine then recognises as one shape without comparing strings.
    /// Without the internal members it reads (another PowerShell version), nothing changes: every object goes the full way.
    /// </summary>
    internal sealed class PropertyBagReader
    {
        private static readonly Func<PSObject, OrderedDictionary> s_members = Bind<OrderedDictionary>("InstanceMembers", "Members");
        private static readonly Func<PSObject, Collection<string>> s_typeNames = Bind<Collection<string>>("InternalTypeNames", null);

        private readonly Dictionary<string, bool> _verdicts = new Dictionary<string, bool>(StringComparer.Ordinal);
        private Collection<string> _lastSource;
        private string[] _lastTypeNames;
        private bool _lastVerdict;
        private string[] _lastNames;

        /// <summary>obj => obj.first[.second], compiled once; null when PowerShell has no such members.</summary>
        private static Func<PSObject, T> Bind<T>(string first, string second)
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

        /// <summary>Describes a PSCustomObject, or returns false for the caller to enumerate PSObject.Properties.</summary>
        public bool TryRead(PSObject pso, out IReadOnlyList<string> typeNames, out IReadOnlyList<string> names, out IReadOnlyList<object> values)
        {
            typeNames = null;
            names = null;
            values = null;
            if (s_members == null || s_typeNames == null) return false;
            try
            {
                var source = s_typeNames(pso);
                bool? verdict = Verdict(source, out string[] typeCopy);
                if (verdict == false) return false;
                if (!ReadNoteProperties(s_members(pso), out string[] nameArray, out object[] valueArray)) return false;
                if (verdict == null && !(verdict = SameAsProperties(pso, nameArray)).Value)
                {
                    Remember(source, typeCopy, false);
                    return false;
                }
                Remember(source, typeCopy, true);
                typeNames = _lastTypeNames;
                names = nameArray;
                values = valueArray;
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

        /// <summary>False when the object has a property other than a note property (a script or alias property added to the instance).</summary>
        private bool ReadNoteProperties(OrderedDictionary members, out string[] names, out object[] values)
        {
            int n = members.Count;
            // Records of one layout share one name array: the common case (the same names as the last object) allocates
            // only the values.
            var last = _lastNames;
            if (last != null && last.Length == n)
            {
                values = new object[n];
                int j = 0;
                for (; j < n; j++)
                {
                    if (!(members[j] is PSNoteProperty same)) break;
                    string name = same.Name;
                    if (!string.Equals(name, last[j], StringComparison.Ordinal)) break;
                    values[j] = same.Value;
                }
                if (j == n)
                {
                    names = last;
                    return true;
                }
            }
            names = new string[n];
            values = new object[n];
            int k = 0;
            for (int i = 0; i < n; i++)
            {
                object member = members[i];
                if (member is PSNoteProperty note)
                {
                    names[k] = note.Name;
                    values[k] = note.Value;
                    k++;
                }
                else if (member is PSPropertyInfo) return false;
            }
            if (k != n)
            {
                Array.Resize(ref names, k);
                Array.Resize(ref values, k);
            }
            if (last != null && last.Length == k)
            {
                int i = 0;
                while (i < k && string.Equals(last[i], names[i], StringComparison.Ordinal)) i++;
                if (i == k) names = last;
            }
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
            copy = new string[source.Count];
            source.CopyTo(copy, 0);
            var last = _lastTypeNames;
            if (last != null && last.Length == copy.Length)
            {
                int i = 0;
                while (i < last.Length && string.Equals(last[i], copy[i], StringComparison.Ordinal)) i++;
                if (i == last.Length)
                {
                    _lastSource = source;
                    copy = last;
                    return _lastVerdict;
                }
            }
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
