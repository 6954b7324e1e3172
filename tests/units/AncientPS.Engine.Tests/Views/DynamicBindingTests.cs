using System;
using System.Collections.Generic;
using System.Dynamic;
using System.Linq.Expressions;
using AncientPS.Engine.Tests.Storage;
using Xunit;

namespace AncientPS.Engine.Tests.Views
{
    /// <summary>A stored list through C#'s dynamic binding: its own rules for [int] and Count, the language's for the rest.</summary>
    public class DynamicBindingTests : IDisposable
    {
        private readonly TempFolder _dir = new TempFolder();

        public void Dispose() => _dir.Dispose();

        [Fact]
        public void A_list_indexes_and_counts_through_dynamic_binding_and_reports_a_dispose()
        {
            var heap = MappedHeap.Open(_dir.File("dynamic.heap"));
            heap.Set("rows", new object[] { 10, "twenty", 30.5 });
            heap.Set("short", new object[] { 1 });
            dynamic rows = heap.Get("rows");
            dynamic shortList = heap.Get("short");
            for (int round = 0; round < 2; round++)   // the second round runs the rules bound in the first
            {
                Assert.Equal(10, (int)rows[0]);
                Assert.Equal("twenty", (string)rows[1]);
                Assert.Equal(3, (int)rows.Count);
                Assert.Equal(1, (int)shortList.Count);
                // Out of range, through one call site that saw an index in range for the longer list: the language's
                // own rule takes it (C# throws as for any IList).
                for (int k = 0; k < 2; k++)
                {
                    dynamic list = k == 0 ? rows : shortList;
                    if (k == 0) Assert.Equal(30.5, (double)list[2]);
                    else Assert.Throws<ArgumentOutOfRangeException>(() => (object)list[2]);
                }
                Assert.Throws<ArgumentOutOfRangeException>(() => (object)rows[-1]);
                Assert.Equal(3, (int)rows.IndexOf(30.5) + 1);   // other members: the language's binding
            }
            heap.Dispose();
            Assert.ThrowsAny<ObjectDisposedException>(() => (object)rows[0]);
            Assert.ThrowsAny<ObjectDisposedException>(() => (object)rows.Count);
        }

        /// <summary>A host's object that stands for a dictionary view (as the PowerShell module's stored hashtable does).</summary>
        private sealed class Host : IDynamicMetaObjectProvider
        {
            public readonly AncientDictionary View;
            public Host(AncientDictionary view) { View = view; }
            public DynamicMetaObject GetMetaObject(Expression parameter)
                => View.GetMetaObjectFor(parameter, this, host => Expression.Field(host, nameof(View)));
            public string Name => "the host's own member";
        }

        [Fact]
        public void A_host_object_standing_for_a_dictionary_reads_its_keys_through_dynamic_binding_and_reports_a_dispose()
        {
            var heap = MappedHeap.Open(_dir.File("host.heap"));
            heap.Set("a", new Dictionary<string, object> { ["port"] = 443, ["Name"] = "key wins" });
            heap.Set("b", new Dictionary<string, object> { ["port"] = 80 });
            dynamic a = new Host((AncientDictionary)heap.Get("a"));
            dynamic b = new Host((AncientDictionary)heap.Get("b"));
            for (int round = 0; round < 2; round++)   // the second round runs the rules bound in the first
            {
                foreach (var (host, port) in new[] { (a, 443), (b, 80) })
                {
                    Assert.Equal(port, (int)host.port);
                    Assert.Equal(port, (int)host["port"]);
                }
                Assert.Equal("key wins", (string)a.Name);
                Assert.Equal("the host's own member", (string)b.Name);   // not a key: the language's rule, on the host
            }
            Assert.Throws<ArgumentException>(() => ((AncientDictionary)heap.Get("a")).GetMetaObjectFor(Expression.Parameter(typeof(object)), new object(), e => e));
            heap.Dispose();
            Assert.ThrowsAny<ObjectDisposedException>(() => (object)a.port);
            Assert.ThrowsAny<ObjectDisposedException>(() => (object)a["port"]);
        }
    }
}
