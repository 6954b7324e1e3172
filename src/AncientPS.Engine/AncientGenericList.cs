using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.ObjectModel;

namespace AncientPS.Engine
{
    /// <summary>
    /// A read-only view of a list stored from a generic <c>List&lt;T&gt;</c>: an <see cref="AncientList"/> with the members
    /// of List that read, so that scripts written for the original work on the stored copy (<c>$list.Find({...})</c>,
    /// <c>.Exists</c>, <c>.FindAll</c>, <c>.TrueForAll</c>, <c>.GetRange</c>, and <c>.ForEach</c>, which is List's own
    /// method and returns nothing, not PowerShell's). Its properties are declared in List's order (Capacity first), as
    /// hosts that list an object's properties show them. Elements are typed as object: one class serves every element
    /// type; the lists it makes (FindAll, GetRange) are <c>List&lt;object&gt;</c> copies that can be changed. The methods
    /// that would change the list fail with the read-only error, as every change does.
    /// <para>
    /// The callbacks are the caller's code: each element is read with the read lock taken and released around it (as
    /// the indexer does), never held while a callback runs.
    /// </para>
    /// </summary>
    public sealed class AncientGenericList : AncientList
    {
        internal AncientGenericList(Encoding.NodeContext context, long offset, byte kind, string typeName)
            : base(context, offset, kind, typeName)
        {
        }

        /// <summary>As a List's Capacity once trimmed: the number of elements (a stored list has no room to grow).</summary>
        public int Capacity => base.Count;

        /// <summary>The number of elements (declared here so that the properties come in List's order).</summary>
        public new int Count => base.Count;

        /// <summary>
        /// False, as a List's, so that hosts listing its properties (CSV, Select-Object *) show the original's; a stored
        /// list cannot be changed all the same, and code that asks through IList.IsReadOnly is told so (True).
        /// </summary>
        public new bool IsReadOnly => false;

        /// <summary>False, as a List's (IList.IsFixedSize says True).</summary>
        public new bool IsFixedSize => false;

        public new object SyncRoot => base.SyncRoot;

        public new bool IsSynchronized => base.IsSynchronized;

        /// <summary>Calls <paramref name="action"/> for each element in order, as List.ForEach does.</summary>
        public void ForEach(Action<object> action)
        {
            if (action == null) throw new ArgumentNullException(nameof(action));
            int count = Count;
            for (int i = 0; i < count; i++) action(this[i]);
        }

        /// <summary>True when an element matches.</summary>
        public bool Exists(Predicate<object> match) => FindIndex(match) >= 0;

        /// <summary>True when every element matches (and for an empty list).</summary>
        public bool TrueForAll(Predicate<object> match)
        {
            if (match == null) throw new ArgumentNullException(nameof(match));
            int count = Count;
            for (int i = 0; i < count; i++) if (!match(this[i])) return false;
            return true;
        }

        /// <summary>The first element that matches, or null.</summary>
        public object Find(Predicate<object> match)
        {
            int index = FindIndex(match);
            return index < 0 ? null : this[index];
        }

        /// <summary>The last element that matches, or null.</summary>
        public object FindLast(Predicate<object> match)
        {
            int index = FindLastIndex(match);
            return index < 0 ? null : this[index];
        }

        /// <summary>Every element that matches, in order, in a new list that can be changed.</summary>
        public List<object> FindAll(Predicate<object> match)
        {
            if (match == null) throw new ArgumentNullException(nameof(match));
            var result = new List<object>();
            int count = Count;
            for (int i = 0; i < count; i++)
            {
                object item = this[i];
                if (match(item)) result.Add(item);
            }
            return result;
        }

        /// <summary>The index of the first element that matches, or -1.</summary>
        public int FindIndex(Predicate<object> match) => FindIndex(0, Count, match);

        /// <summary>The index of the first element from <paramref name="startIndex"/> on that matches, or -1.</summary>
        public int FindIndex(int startIndex, Predicate<object> match) => FindIndex(startIndex, Count - startIndex, match);

        /// <summary>The index of the first of <paramref name="count"/> elements from <paramref name="startIndex"/> that matches, or -1.</summary>
        public int FindIndex(int startIndex, int count, Predicate<object> match)
        {
            if (match == null) throw new ArgumentNullException(nameof(match));
            CheckRange(startIndex, count);
            for (int i = startIndex; i < startIndex + count; i++) if (match(this[i])) return i;
            return -1;
        }

        /// <summary>The index of the last element that matches, or -1.</summary>
        public int FindLastIndex(Predicate<object> match)
        {
            if (match == null) throw new ArgumentNullException(nameof(match));
            for (int i = Count - 1; i >= 0; i--) if (match(this[i])) return i;
            return -1;
        }

        /// <summary>The index of the last element equal to <paramref name="item"/>, or -1.</summary>
        public int LastIndexOf(object item)
        {
            for (int i = Count - 1; i >= 0; i--) if (Equals(this[i], item)) return i;
            return -1;
        }

        /// <summary><paramref name="count"/> elements from <paramref name="index"/>, in a new list that can be changed.</summary>
        public List<object> GetRange(int index, int count)
        {
            CheckRange(index, count);
            var result = new List<object>(count);
            for (int i = index; i < index + count; i++) result.Add(this[i]);
            return result;
        }

        /// <summary>A read-only collection over a copy of the elements, as List.AsReadOnly gives one.</summary>
        public ReadOnlyCollection<object> AsReadOnly() => new ReadOnlyCollection<object>(GetRange(0, Count));

        public void AddRange(IEnumerable collection) => throw Views.ViewErrors.ReadOnly();
        public void InsertRange(int index, IEnumerable collection) => throw Views.ViewErrors.ReadOnly();
        public int RemoveAll(Predicate<object> match) => throw Views.ViewErrors.ReadOnly();
        public void RemoveRange(int index, int count) => throw Views.ViewErrors.ReadOnly();
        public void Reverse() => throw Views.ViewErrors.ReadOnly();
        public void Sort() => throw Views.ViewErrors.ReadOnly();
        public void TrimExcess() => throw Views.ViewErrors.ReadOnly();

        private void CheckRange(int index, int count)
        {
            if (index < 0 || index > Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"The list has {Count} elements.");
            if (count < 0 || count > Count - index) throw new ArgumentOutOfRangeException(nameof(count), count, $"The list has {Count} elements.");
        }
    }
}
