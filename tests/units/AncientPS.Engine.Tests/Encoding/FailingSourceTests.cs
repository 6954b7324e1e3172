using System;
using System.Collections;
using System.Collections.Generic;
using Xunit;

namespace AncientPS.Engine.Tests.Encoding
{
    /// <summary>
    /// Collections whose own code fails while they are stored: what was read before the failure is stored, as PowerShell's
    /// serializer does, and SetOptions.ReadFailed hears of each with its path and type.
    /// </summary>
    public class FailingSourceTests : IDisposable
    {
        private readonly TestArena _arena = new TestArena(64L << 20);

        public void Dispose() => _arena.Dispose();

        private (object Value, List<string> Failures) Store(object value)
        {
            var failures = new List<string>();
            var options = new SetOptions { ReadFailed = (path, type, error) => failures.Add($"{path}|{type?.Name}|{error.Message}") };
            return (_arena.Store(value, options), failures);
        }

        [Fact]
        public void An_enumerator_that_throws_keeps_the_items_before_it()
        {
            var (value, failures) = Store(new Dictionary<string, object> { ["Items"] = new BreaksAfterTwo() });
            var list = Assert.IsAssignableFrom<AncientList>(((AncientDictionary)value)["Items"]);
            Assert.Equal(new object[] { 1, 2 }, new[] { list[0], list[1] });
            Assert.Equal(2, list.Count);
            Assert.Equal(new[] { "['Items']|BreaksAfterTwo|broke" }, failures);
        }

        [Fact]
        public void A_dictionary_that_cannot_be_enumerated_is_stored_empty()
        {
            var (value, failures) = Store(new object[] { new CannotEnumerate() });
            var dictionary = Assert.IsAssignableFrom<AncientDictionary>(((AncientList)value)[0]);
            Assert.Empty(dictionary);
            Assert.Single(failures);
            Assert.StartsWith("[0]|CannotEnumerate|", failures[0]);
        }

        [Fact]
        public void Without_a_listener_the_items_read_are_stored_all_the_same()
        {
            var list = Assert.IsAssignableFrom<AncientList>(_arena.Store(new BreaksAfterTwo()));
            Assert.Equal(2, list.Count);
        }

        [Fact]
        public void A_dictionary_whose_plain_enumerator_gives_pairs_is_stored_by_its_dictionary_enumerator()
        {
            // ProcessStartInfo.Environment: an IDictionary whose IEnumerable gives KeyValuePairs.
            var environment = new System.Diagnostics.ProcessStartInfo().Environment;
            environment.Clear();
            environment["Name"] = "value";
            var (value, failures) = Store(environment);
            var dictionary = Assert.IsAssignableFrom<AncientDictionary>(value);
            Assert.Equal("value", dictionary["Name"]);
            Assert.Empty(failures);
        }

        private sealed class BreaksAfterTwo : IEnumerable
        {
            public IEnumerator GetEnumerator()
            {
                yield return 1;
                yield return 2;
                throw new InvalidOperationException("broke");
            }
        }

        private sealed class CannotEnumerate : IDictionary
        {
            public object this[object key] { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
            public ICollection Keys => throw new NotSupportedException();
            public ICollection Values => throw new NotSupportedException();
            public bool IsReadOnly => true;
            public bool IsFixedSize => true;
            public int Count => 1;
            public object SyncRoot => this;
            public bool IsSynchronized => false;
            public void Add(object key, object value) => throw new NotSupportedException();
            public void Clear() => throw new NotSupportedException();
            public bool Contains(object key) => throw new NotSupportedException();
            public void Remove(object key) => throw new NotSupportedException();
            public void CopyTo(Array array, int index) => throw new NotSupportedException();
            public IDictionaryEnumerator GetEnumerator() => throw new NotSupportedException("no enumerator");
            IEnumerator IEnumerable.GetEnumerator() => throw new NotSupportedException("no enumerator");
        }
    }
}
