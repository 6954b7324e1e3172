using System;
using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;

namespace AncientPS.Engine.Encoding
{
    internal enum StoredKind : byte
    {
        Inline,
        String,
        /// <summary>A scalar stored as a node of its own, through <see cref="TypeProfile.Codec"/>.</summary>
        ScalarNode,
        PackedArray,
        PackedList,
        List,
        Enumerable,
        Dictionary,
        GenericDictionary,
        AncientList,
        AncientDictionary,
        AncientRecord,
        MaterializedRecord,
        Object,
        RefusedSecret,
        RefusedUnrepresentable,
    }
}
