using System;
using System.Collections.Generic;

namespace AncientPS.Engine.Encoding
{
    /// <summary>The scalar types stored as nodes: a new one is a <see cref="ScalarNodeCodec"/> added here (and its tag in <see cref="NodeTags"/>).</summary>
    internal static class ScalarNodes
    {
        public static readonly IReadOnlyList<ScalarNodeCodec> All = new ScalarNodeCodec[]
        {
            new DecimalNode(),
            new BigIntegerNode(),
            new GuidNode(),
            new DateTimeOffsetNode(),
            new VersionNode(),
            new UriNode(),
            new EnumNode(),
        };

        private static readonly ScalarNodeCodec[] s_byTag = ByTagTable();

        /// <summary>The codec of node tag <paramref name="tag"/>, or null.</summary>
        public static ScalarNodeCodec ByTag(byte tag) => s_byTag[tag];

        /// <summary>The codec that writes values of <paramref name="type"/>, or null.</summary>
        public static ScalarNodeCodec For(Type type)
        {
            foreach (var codec in All)
                if (codec.Handles(type)) return codec;
            return null;
        }

        private static ScalarNodeCodec[] ByTagTable()
        {
            var table = new ScalarNodeCodec[256];
            foreach (var codec in All)
            {
                if (codec.Tag <= NodeTags.String || codec.Tag >= NodeTags.List || table[codec.Tag] != null)
                    throw new InvalidOperationException($"The scalar node tag 0x{codec.Tag:X2} is outside 0x41..0x4F or taken twice.");
                table[codec.Tag] = codec;
            }
            return table;
        }
    }
}
