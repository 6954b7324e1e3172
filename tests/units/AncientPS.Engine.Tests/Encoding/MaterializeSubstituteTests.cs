using System;
using System.Collections.Generic;
using Xunit;

namespace AncientPS.Engine.Tests.Encoding
{
    /// <summary>AncientValue.Materialize with a record substitute: a host's own object for a record it stored in place of one.</summary>
    public class MaterializeSubstituteTests : IDisposable
    {
        private readonly TestArena _arena = new TestArena(16L << 20);

        public void Dispose() => _arena.Dispose();

        private static MaterializedRecord Point(int x) => new MaterializedRecord(new[] { "Host.Point" }, new[] { "X" }, new object[] { x });

        [Fact]
        public void A_substituted_record_is_the_hosts_object_once_wherever_it_is_met_and_others_are_copied()
        {
            var shared = Point(1);
            var view = _arena.Store(new object[] { shared, shared, Point(2), new MaterializedRecord(new[] { "Other" }, new[] { "P" }, new object[] { shared }) });
            int asked = 0;
            object Substitute(AncientRecord record)
            {
                asked++;
                return record.TypeNames[0] == "Host.Point" ? new Version((int)record["X"], 0) : null;
            }
            var copy = (object[])AncientValue.Materialize(view, null, Substitute, null, default);
            Assert.Equal(new Version(1, 0), copy[0]);
            Assert.Same(copy[0], copy[1]);
            Assert.Equal(new Version(2, 0), copy[2]);
            var other = Assert.IsType<MaterializedRecord>(copy[3]);
            Assert.Same(copy[0], other["P"]);
            // Each distinct record is asked once: the shared point, the second point and the other record.
            Assert.Equal(3, asked);
        }

        [Fact]
        public void A_null_substitute_copies_every_record()
        {
            var view = _arena.Store(new object[] { Point(1) });
            var copy = (object[])AncientValue.Materialize(view, null, _ => null, null, default);
            Assert.Equal(1, Assert.IsType<MaterializedRecord>(copy[0])["X"]);
        }
    }
}
