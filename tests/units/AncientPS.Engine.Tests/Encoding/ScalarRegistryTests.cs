using System;
using System.Collections;
using System.Collections.Generic;
using System.Numerics;
using AncientPS.Engine.Encoding;
using Xunit;

namespace AncientPS.Engine.Tests.Encoding
{
    /// <summary>
    /// A scalar type is declared once (an inline tag in ScalarCodec, or a ScalarNodeCodec in ScalarNodes): these tests
    /// hold that every place that needs to know the scalar types learns each one from there.
    /// </summary>
    public class ScalarRegistryTests : IDisposable
    {
        private readonly TestArena _arena = new TestArena();

        public void Dispose() => _arena.Dispose();

        /// <summary>One value per scalar stored as a node; a codec added without a sample here fails the first test.</summary>
        private static readonly Dictionary<byte, object> s_samples = new Dictionary<byte, object>
        {
            [NodeTags.Decimal] = -12.50m,
            [NodeTags.BigInteger] = BigInteger.Pow(7, 40),
            [NodeTags.Guid] = new Guid("01234567-89ab-cdef-0123-456789abcdef"),
            [NodeTags.DateTimeOffset] = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.FromMinutes(90)),
            [NodeTags.Version] = new Version(5, 1, 2),
            [NodeTags.Uri] = new Uri("https://example.com/x"),
            [NodeTags.Enum] = DayOfWeek.Thursday,
        };

        public static IEnumerable<object[]> NodeTagsInUse()
        {
            foreach (var codec in ScalarNodes.All) yield return new object[] { codec.Tag };
        }

        [Theory]
        [MemberData(nameof(NodeTagsInUse))]
        public void Every_scalar_node_codec_is_found_by_its_tag_and_type_and_writes_reads_and_hashes_its_values(byte tag)
        {
            var codec = ScalarNodes.ByTag(tag);
            Assert.NotNull(codec);
            Assert.True(s_samples.TryGetValue(tag, out object sample), $"No sample value for the scalar node 0x{tag:X2}.");
            Assert.Same(codec, ScalarNodes.For(sample.GetType()));
            Assert.Same(codec, TypeProfile.Of(sample.GetType()).Codec);
            if (codec.Type != null)
            {
                Assert.True(TypeNames.TryGetKnown(codec.TypeName, out var known));
                Assert.Equal(codec.Type, known);
            }

            var read = _arena.Store(new object[] { sample, new object[] { sample } });
            Assert.Equal(tag, _arena.LastRoot.Tag == NodeTags.List ? ReadTag((AncientList)read, 0) : (byte)0);
            Assert.Equal(sample, ((AncientList)read)[0]);

            // As a dictionary key it is found again by an equal value (not the same instance).
            var dictionary = (AncientDictionary)_arena.Store(new Hashtable { [sample] = "found", ["other"] = 1 });
            Assert.True(KeyHash.TryCompute(sample, false, out uint hash));
            Assert.Equal(hash, codec.KeyHash(sample));
            Assert.Equal("found", dictionary[Copy(sample)]);
        }

        [Fact]
        public void Every_inline_tag_has_a_type_that_the_type_list_and_materialization_know()
        {
            for (int t = 0; t < 256; t++)
            {
                byte tag = (byte)t;
                var type = ScalarCodec.TypeOf(tag);
                if (!ScalarCodec.IsInline(tag)) continue;
                Assert.NotNull(type);
                Assert.True(TypeNames.TryGetKnown(TypeNames.Of(type), out var known), type.FullName);
                Assert.Equal(type, known);
                if (tag != NodeTags.SmallBigInteger) Assert.True(ScalarCodec.IsInlineType(type), type.FullName);
            }
        }

        [Fact]
        public void A_list_of_one_scalar_type_materializes_as_a_typed_list_for_node_and_inline_scalars()
        {
            var read = _arena.Store(new List<decimal> { 1m, 2.5m });
            Assert.IsType<List<decimal>>(AncientValue.Materialize(read));
            read = _arena.Store(new List<TimeSpan> { TimeSpan.Zero, TimeSpan.FromDays(1) });
            Assert.IsType<List<TimeSpan>>(AncientValue.Materialize(read));
            read = _arena.Store(new List<Version> { new Version(1, 0), null });
            Assert.IsType<List<Version>>(AncientValue.Materialize(read));
        }

        private static byte ReadTag(AncientList list, int index)
        {
            list.GetSlot(index, out byte tag, out _);
            return tag;
        }

        private static object Copy(object value)
        {
            switch (value)
            {
                case Version v: return new Version(v.ToString());
                case Uri u: return new Uri(u.OriginalString);
                default: return value; // value types are copies already
            }
        }
    }
}
