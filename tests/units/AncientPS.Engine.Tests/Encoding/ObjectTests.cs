using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Security;
using System.Threading;
using AncientPS.Engine.Storage;
using Xunit;

namespace AncientPS.Engine.Tests.Encoding
{
    public enum NotAllowedColor : short { Red = -2, Blue = 7 }

    public enum AllowedLater : byte { One = 1, Two = 2 }

    public class ObjectTests : IDisposable
    {
        private readonly TestArena _arena = new TestArena();

        public void Dispose() => _arena.Dispose();

        public class Inner { public int Value { get; set; } = 5; public Inner Deeper { get; set; } }

        public class Outer
        {
            public string Name { get; set; } = "outer";
            public Inner Child { get; set; } = new Inner { Deeper = new Inner() };
            public int this[int i] => i;
            public string Throws => throw new InvalidOperationException("no");
            public Action Callback { get; set; } = () => { };
        }

        public class Base { public int A { get; set; } = 1; }
        public class Derived : Base { public int B { get; set; } = 2; }

        [Fact]
        public void Other_objects_are_stored_as_records_of_their_public_properties_down_to_the_depth()
        {
            var r = (AncientRecord)_arena.Store(new Outer());
            Assert.Equal("AncientPS.Engine.Tests.Encoding.ObjectTests+Outer", r.TypeNames[0]);
            Assert.Equal("System.Object", r.TypeNames[r.TypeNames.Count - 1]);
            Assert.False(r.IsPropertyBag);
            Assert.Equal("outer", r.GetValue("Name"));
            Assert.Null(r.GetValue("Throws"));
            Assert.Equal(-1, r.IndexOf("Item"));
            var child = (AncientRecord)r.GetValue("Child");
            Assert.Equal(5, child.GetValue("Value"));
            // Depth 2: the grandchild is stored as its ToString().
            Assert.Equal(typeof(Inner).FullName, child.GetValue("Deeper"));
            // A delegate in a property of an ordinary object is stored by name, not refused.
            Assert.IsType<string>(r.GetValue("Callback"));

            var shallow = (AncientRecord)_arena.Store(new Outer(), new SetOptions { Depth = 1 });
            Assert.IsType<string>(shallow.GetValue("Child"));
        }

        [Fact]
        public void The_full_type_name_chain_is_kept()
        {
            var r = (AncientRecord)_arena.Store(new Derived());
            Assert.Equal(new[] { typeof(Derived).FullName, typeof(Base).FullName, "System.Object" }, r.TypeNames);
            Assert.Equal(2, r.GetValue("B"));
            Assert.Equal(1, r.GetValue("A"));
        }

        private sealed class BagConverter : ObjectConverter
        {
            public int Unwrapped;
            public override object Unwrap(object value)
            {
                Unwrapped++;
                return value is Wrapper w ? w.Inner : value;
            }

            public override bool TryDescribe(object value, out RecordDescription description)
            {
                if (value is Bag b)
                {
                    description = new RecordDescription(new[] { "System.Management.Automation.PSCustomObject", "System.Object" }, new[] { "Id", "Next" }, new object[] { b.Id, b.Next }, true);
                    return true;
                }
                description = null;
                return false;
            }

            public override void CheckAllowed(object value)
            {
                if (value is string s && s == "forbidden") throw new AncientUnsupportedTypeException("forbidden by host", typeof(string));
            }
        }

        private sealed class Wrapper { public object Inner; }
        private sealed class Bag { public int Id; public object Next; }

        [Fact]
        public void A_converter_unwraps_describes_and_refuses()
        {
            var converter = new BagConverter();
            var options = new SetOptions { Converter = converter, Depth = 0 };
            object chain = null;
            for (int i = 10; i >= 0; i--) chain = new Wrapper { Inner = new Bag { Id = i, Next = chain } };
            var r = (AncientRecord)_arena.Store(chain, options);
            // Property bags do not use up depth, even at Depth 0.
            int n = 0;
            for (var node = r; node != null; node = (AncientRecord)node.GetValue("Next")) Assert.Equal(n++, node.GetValue("Id"));
            Assert.Equal(11, n);
            Assert.True(converter.Unwrapped > 0);
            Assert.Throws<AncientUnsupportedTypeException>(() => _arena.Store(new object[] { "forbidden" }, options));
        }

        public static IEnumerable<object[]> Refused()
        {
            yield return new object[] { new SecureString() };
            yield return new object[] { new NetworkCredential("user", "pass") };
            yield return new object[] { IntPtr.Zero };
            yield return new object[] { UIntPtr.Zero };
            yield return new object[] { (Func<int>)(() => 1) };
            yield return new object[] { typeof(string) };
            yield return new object[] { typeof(string).GetMethod("Trim", Type.EmptyTypes) };
            yield return new object[] { typeof(string).Assembly };
            yield return new object[] { new MemoryStream() };
            yield return new object[] { new ManualResetEvent(false) };
            yield return new object[] { Thread.CurrentThread };
            yield return new object[] { System.Threading.Tasks.Task.CompletedTask };
        }

        [Theory]
        [MemberData(nameof(Refused))]
        public void Secrets_pointers_delegates_and_live_resources_are_refused_anywhere(object value)
        {
            var e = Assert.Throws<AncientUnsupportedTypeException>(() => _arena.Store(value));
            Assert.NotNull(e.Type);
            Assert.Throws<AncientUnsupportedTypeException>(() => _arena.Store(new object[] { 1, new Hashtable { ["x"] = value } }));
        }

        private sealed class HasSecret { public SecureString Secret { get; } = new SecureString(); }

        [Fact]
        public void A_secret_is_refused_even_as_a_property_of_an_ordinary_object()
        {
            var e = Assert.Throws<AncientUnsupportedTypeException>(() => _arena.Store(new HasSecret()));
            Assert.Contains("secret", e.Message);
        }

        [Fact]
        public void A_refusal_names_the_path_of_the_secret()
        {
            var value = new object[] { 1, new Hashtable { ["login"] = new object[] { "x", new HasSecret() } } };
            var e = Assert.Throws<AncientUnsupportedTypeException>(() => _arena.Store(value));
            Assert.Equal("[1]['login'][1].Secret", e.Path);
            Assert.StartsWith("[1]['login'][1].Secret: ", e.Message);
            var top = Assert.Throws<AncientUnsupportedTypeException>(() => _arena.Store(new SecureString()));
            Assert.Equal("", top.Path);
        }

        [Fact]
        public void A_secret_below_an_ordinary_object_is_left_out_and_reported_when_the_host_asks()
        {
            var omitted = new List<string>();
            var options = new SetOptions { SecretOmitted = (path, type) => omitted.Add(path + " " + type.Name) };
            var list = (AncientList)_arena.Store(new object[] { "a", new HasSecret(), new Hashtable { ["h"] = new HasSecret() } }, options);
            Assert.Null(((AncientRecord)list[1]).GetValue("Secret"));
            Assert.Equal(0, ((AncientRecord)list[1]).IndexOf("Secret"));
            Assert.Equal(new[] { "[1].Secret SecureString", "[2]['h'].Secret SecureString" }, omitted);
        }

        [Fact]
        public void A_secret_the_caller_put_in_the_graph_is_refused_even_when_the_host_asks()
        {
            var options = new SetOptions { SecretOmitted = (path, type) => throw new InvalidOperationException("not below an object") };
            var e = Assert.Throws<AncientUnsupportedTypeException>(() => _arena.Store(new object[] { 1, new Hashtable { ["pw"] = new SecureString() } }, options));
            Assert.Equal("[1]['pw']", e.Path);
        }

        [Fact]
        public void A_type_named_like_a_powershell_credential_is_refused_by_name()
        {
            var e = Assert.Throws<AncientUnsupportedTypeException>(() => _arena.Store(new System.Management.Automation.PSCredential()));
            Assert.Contains("plaintext", e.Message);
        }

        [Fact]
        public void An_allowed_enum_comes_back_typed()
        {
            Assert.Equal(DayOfWeek.Saturday, _arena.Store(DayOfWeek.Saturday));
            Assert.Equal(FileAttributes.Hidden | FileAttributes.ReadOnly, _arena.Store(FileAttributes.Hidden | FileAttributes.ReadOnly));
        }

        [Fact]
        public void An_enum_of_a_loaded_assembly_comes_back_typed_and_is_allowed_from_then_on()
        {
            Assert.False(AncientEnumTypes.IsAllowed(typeof(NotAllowedColor).FullName));
            Assert.Equal(NotAllowedColor.Red, _arena.Store(NotAllowedColor.Red));
            Assert.True(AncientEnumTypes.IsAllowed(typeof(NotAllowedColor).FullName));
        }

        [Fact]
        public void An_enum_allowed_explicitly_comes_back_typed()
        {
            AncientEnumTypes.Allow(typeof(AllowedLater));
            Assert.Equal(AllowedLater.Two, _arena.Store(AllowedLater.Two));
        }

        [Fact]
        public void Cancellation_stops_a_write()
        {
            using var cts = new CancellationTokenSource();
            cts.Cancel();
            Assert.ThrowsAny<OperationCanceledException>(() => _arena.Store(new object[5000], new SetOptions { CancellationToken = cts.Token }));
        }

        [Fact]
        public void Progress_is_reported()
        {
            long last = 0;
            var items = new object[20000];
            for (int i = 0; i < items.Length; i++) items[i] = new object[] { i };
            _arena.Store(items, new SetOptions { Progress = n => last = n });
            Assert.True(last >= 20001);
        }

        [Fact]
        public void Materialize_makes_ordinary_objects_and_keeps_sharing_and_cycles()
        {
            var shared = new List<string> { "a", null };
            var rec = new MaterializedRecord(new[] { "T" }, new[] { "L", "Self" }, new object[] { shared, null });
            rec["Self"] = rec;
            var source = new object[] { shared, rec, new ArrayList { 1 }, new[] { "s" }, new DateTime[] { DateTime.MinValue }, new object[] { 1, "x" } };
            var copy = Assert.IsType<object[]>(AncientValue.Materialize(_arena.Store(source)));
            var list = Assert.IsType<List<string>>(copy[0]);
            Assert.Equal(shared, list);
            var r = Assert.IsType<MaterializedRecord>(copy[1]);
            Assert.Same(list, r["L"]);
            Assert.Same(r, r["self"]);
            Assert.IsType<ArrayList>(copy[2]);
            Assert.IsType<string[]>(copy[3]);
            Assert.IsType<DateTime[]>(copy[4]);
            Assert.IsType<object[]>(copy[5]);
        }

        [Fact]
        public void Materialize_can_build_records_through_a_factory()
        {
            var source = new object[] { new MaterializedRecord(new[] { "T" }, new[] { "A", "B" }, new object[] { 1, new object[] { 2 } }) };
            var copy = (object[])AncientValue.Materialize(_arena.Store(source),
                (view, names, values) => new Dictionary<string, object> { [names[0]] = values[0], [names[1]] = values[1] });
            var made = Assert.IsType<Dictionary<string, object>>(copy[0]);
            Assert.Equal(1, made["A"]);
            Assert.IsType<object[]>(made["B"]);
        }

        [Fact]
        public void A_refusal_happens_before_the_write_returns_so_storage_can_discard_it()
        {
            var tx = new CountingAllocator(_arena);
            Assert.Throws<AncientUnsupportedTypeException>(() => AncientPS.Engine.Encoding.NodeWriter.Write(new object[] { 1, IntPtr.Zero }, tx, new SetOptions()));
        }

        private sealed unsafe class CountingAllocator : INodeAllocator
        {
            private readonly INodeAllocator _inner;
            public CountingAllocator(INodeAllocator inner) { _inner = inner; }
            public long Allocate(long size, out byte* pointer) => _inner.Allocate(size, out pointer);
            public long AllocateFilled(long size, long filled, out byte* pointer) => _inner.AllocateFilled(size, filled, out pointer);
            public byte* PointerTo(long offset, long length) => _inner.PointerTo(offset, length);
        }
    }
}

namespace System.Management.Automation
{
    /// <summary>A stand-in with the name of PowerShell's credential type: refusal goes by full name.</summary>
    public sealed class PSCredential
    {
        public string UserName { get; } = "user";
    }
}
