using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;
using AncientPS.Engine.Tests.Storage;
using Xunit;

namespace AncientPS.Engine.Tests.Views
{
    /// <summary>
    /// How long a list or dictionary view holds the objects it projected (ProjectionCache): an element read by index or
    /// lookup, or met by a later enumeration of the view, as long as the view; an element met by the view's first
    /// enumeration or search only while something else holds it, or from the moment the host says it changed
    /// (<see cref="ValueProjection.ShouldKeep"/>). Two reads of one element give one object whenever the first is still
    /// held anywhere.
    /// </summary>
    public class ProjectionHoldTests : IDisposable
    {
        private const int Count = 200;
        private readonly TempFolder _folder = new TempFolder();
        private readonly MappedHeap _heap;

        public ProjectionHoldTests()
        {
            _heap = MappedHeap.Open(_folder.File("hold.heap"));
            var rows = new object[Count];
            var map = new Hashtable();
            for (int i = 0; i < Count; i++)
            {
                rows[i] = new Hashtable { ["Id"] = i };
                map["k" + i] = new Hashtable { ["Id"] = i };
            }
            _heap.Set("rows", rows);
            _heap.Set("map", map);
        }

        public void Dispose()
        {
            _heap.Dispose();
            _folder.Dispose();
        }

        private static void Collect()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static WeakReference Enumerated(IEnumerable view, int index)
        {
            int i = 0;
            foreach (var element in view)
            {
                if (i++ == index) return new WeakReference(element);
            }
            throw new InvalidOperationException("too short");
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static WeakReference EnumerateAll(IEnumerable view, int index)
        {
            WeakReference found = null;
            int i = 0;
            foreach (var element in view)
            {
                if (i++ == index) found = new WeakReference(element);
            }
            return found;
        }

        [Fact]
        public void A_list_does_not_keep_alive_what_an_enumeration_gave_out()
        {
            var list = (IList)_heap.Get("rows", ValueProjection.None);
            var weak = EnumerateAll(list, 5);
            Collect();
            Assert.False(weak.IsAlive);
            // Read again, the element is an equal view of the same stored node.
            Assert.Equal(5, ((IDictionary)list[5])["Id"]);
            GC.KeepAlive(list);
        }

        [Fact]
        public void A_list_keeps_what_was_read_by_index_for_as_long_as_it_lives()
        {
            var list = (IList)_heap.Get("rows", ValueProjection.None);
            var weak = IndexRead(list, 7);
            Collect();
            Assert.True(weak.IsAlive);
            Assert.Same(weak.Target, list[7]);
            // An enumeration gives that same object too.
            Assert.Same(weak.Target, list.Cast<object>().ElementAt(7));
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static WeakReference IndexRead(IList list, int index) => new WeakReference(list[index]);

        [Fact]
        public void An_enumerated_element_still_held_is_the_one_every_later_read_gives()
        {
            var list = (IList)_heap.Get("rows", ValueProjection.None);
            var held = list.Cast<object>().ElementAt(9);
            Collect();
            Assert.Same(held, list.Cast<object>().ElementAt(9));
            Assert.Same(held, list[9]);
            Assert.Equal(9, list.IndexOf(held));
            Assert.True(list.Contains(held));
            var copy = new object[Count];
            list.CopyTo(copy, 0);
            Assert.Same(held, copy[9]);
        }

        [Fact]
        public void Read_by_index_once_an_enumerated_element_is_held_for_as_long_as_the_list()
        {
            var list = (IList)_heap.Get("rows", ValueProjection.None);
            var weak = PromoteByIndex(list, 11);
            Collect();
            Assert.True(weak.IsAlive);
            Assert.Same(weak.Target, list[11]);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static WeakReference PromoteByIndex(IList list, int index)
        {
            var enumerated = list.Cast<object>().ElementAt(index);
            Assert.Same(enumerated, list[index]);
            return new WeakReference(enumerated);
        }

        /// <summary>A host whose objects can change: it says which ones did.</summary>
        private sealed class ChangingProjection : ValueProjection
        {
            public readonly HashSet<object> Changed = new HashSet<object>(ReferenceEqualityComparer.Instance);
            public int Asked;
            public override bool ShouldKeep(object projected)
            {
                System.Threading.Interlocked.Increment(ref Asked);
                lock (Changed) return Changed.Contains(projected);
            }
        }

        private sealed class ReferenceEqualityComparer : IEqualityComparer<object>
        {
            public static readonly ReferenceEqualityComparer Instance = new ReferenceEqualityComparer();
            public new bool Equals(object x, object y) => ReferenceEquals(x, y);
            public int GetHashCode(object obj) => RuntimeHelpers.GetHashCode(obj);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static WeakReference ChangeWhileEnumerating(IEnumerable view, ChangingProjection projection, int index, bool stopThere)
        {
            WeakReference changed = null;
            int i = 0;
            foreach (var element in view)
            {
                if (i++ != index) continue;
                lock (projection.Changed) projection.Changed.Add(element);
                changed = new WeakReference(element);
                if (stopThere) break;
            }
            lock (projection.Changed) projection.Changed.Clear(); // the host's own set no longer holds it
            return changed;
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void An_element_the_host_changed_while_it_was_enumerated_is_held_from_then_on(bool stopThere)
        {
            var projection = new ChangingProjection();
            var list = (IList)_heap.Get("rows", projection);
            var weak = ChangeWhileEnumerating(list, projection, 13, stopThere);
            var other = new WeakReference(list.Cast<object>().ElementAt(12)); // a later pass: held as long as the view
            Collect();
            Assert.True(weak.IsAlive);
            Assert.Same(weak.Target, list[13]);
            Assert.True(other.IsAlive);
            Assert.True(projection.Asked > 0);
        }

        [Fact]
        public void The_last_element_of_a_finished_enumeration_is_asked_about_too()
        {
            var projection = new ChangingProjection();
            var list = (IList)_heap.Get("rows", projection);
            var weak = ChangeWhileEnumerating(list, projection, Count - 1, false);
            Collect();
            Assert.True(weak.IsAlive);
        }

        [Fact]
        public void A_later_pass_over_the_same_view_holds_what_it_meets_for_as_long_as_the_view()
        {
            var list = (IList)_heap.Get("rows", ValueProjection.None);
            var first = EnumerateAll(list, 15);
            Collect();
            Assert.False(first.IsAlive);
            var second = EnumerateAll(list, 16);
            Collect();
            Assert.True(second.IsAlive);
            Assert.Same(second.Target, list.Cast<object>().ElementAt(16));
            // A search counts as a pass: the first one of another view holds nothing.
            var other = (IList)_heap.Get("rows", ValueProjection.None);
            Assert.Equal(-1, other.IndexOf(new object()));
            var afterSearch = EnumerateAll(other, 17);
            Collect();
            Assert.True(afterSearch.IsAlive);
        }

        [Fact]
        public void A_dictionary_holds_a_looked_up_value_and_lets_an_enumerated_one_go()
        {
            var map = (IDictionary)_heap.Get("map", ValueProjection.None);
            var looked = LookUp(map, "k3");
            var enumerated = EnumeratedValue(map, "k4");
            var viaValues = Enumerated(((IDictionary)_heap.Get("map", ValueProjection.None)).Values, 0);
            var generic = EnumeratedPair((IEnumerable<KeyValuePair<object, object>>)_heap.Get("map", ValueProjection.None), "k5");
            Collect();
            Assert.True(looked.IsAlive);
            Assert.Same(looked.Target, map["k3"]);
            Assert.False(enumerated.IsAlive);
            Assert.False(viaValues.IsAlive);
            Assert.False(generic.IsAlive);
            // A second pass over the same dictionary holds what it meets.
            var again = EnumeratedValue(map, "k6");
            Collect();
            Assert.True(again.IsAlive);
            Assert.Same(again.Target, map["k6"]);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static WeakReference EnumeratedPair(IEnumerable<KeyValuePair<object, object>> map, string key)
        {
            WeakReference found = null;
            foreach (var pair in map)
            {
                if ((string)pair.Key == key) found = new WeakReference(pair.Value);
            }
            return found;
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static WeakReference LookUp(IDictionary map, string key) => new WeakReference(map[key]);

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static WeakReference EnumeratedValue(IDictionary map, string key)
        {
            WeakReference found = null;
            foreach (DictionaryEntry entry in map)
            {
                if ((string)entry.Key == key) found = new WeakReference(entry.Value);
            }
            return found;
        }

        [Fact]
        public void A_dictionary_entry_the_host_changed_while_it_was_enumerated_is_held()
        {
            var projection = new ChangingProjection();
            var map = (IDictionary)_heap.Get("map", projection);
            var weak = ChangeValueWhileEnumerating(map, projection, "k5");
            Collect();
            Assert.True(weak.IsAlive);
            Assert.Same(weak.Target, map["k5"]);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static WeakReference ChangeValueWhileEnumerating(IDictionary map, ChangingProjection projection, string key)
        {
            WeakReference changed = null;
            foreach (DictionaryEntry entry in map)
            {
                if ((string)entry.Key != key) continue;
                lock (projection.Changed) projection.Changed.Add(entry.Value);
                changed = new WeakReference(entry.Value);
            }
            lock (projection.Changed) projection.Changed.Clear();
            return changed;
        }

        [Fact]
        public void Threads_reading_a_fresh_list_by_enumeration_and_by_index_at_once_are_given_one_object_per_element()
        {
            for (int round = 0; round < 20; round++)
            {
                var list = (IList)_heap.Get("rows", ValueProjection.None);
                var seen = new object[4][];
                using (var start = new System.Threading.Barrier(4))
                {
                    Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, t =>
                    {
                        var mine = new object[Count];
                        start.SignalAndWait();
                        if (t % 2 == 0)
                        {
                            int i = 0;
                            foreach (var element in list) mine[i++] = element; // the first pass: weak holds
                        }
                        else
                        {
                            for (int i = Count - 1; i >= 0; i--) mine[i] = list[i]; // index reads: strong holds
                        }
                        seen[t] = mine;
                    });
                }
                for (int i = 0; i < Count; i++)
                {
                    for (int t = 1; t < 4; t++) Assert.Same(seen[0][i], seen[t][i]);
                }
            }
        }

        [Fact]
        public void Threads_enumerating_one_list_at_once_are_given_one_object_per_element()
        {
            var list = (IList)_heap.Get("rows", ValueProjection.None);
            var seen = new object[4][];
            Parallel.For(0, 4, t =>
            {
                var mine = new object[Count];
                for (int round = 0; round < 20; round++)
                {
                    int i = 0;
                    foreach (var element in list) mine[i++] = element; // held by this thread throughout
                    if (round % 5 == 0) GC.Collect();
                }
                seen[t] = mine;
            });
            for (int i = 0; i < Count; i++)
            {
                for (int t = 1; t < 4; t++) Assert.Same(seen[0][i], seen[t][i]);
                Assert.Same(seen[0][i], list[i]);
            }
        }
    }
}
