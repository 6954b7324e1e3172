using System.Collections.Generic;

namespace AncientPS.Engine.Encoding
{
    /// <summary>
    /// A composite node of <see cref="GraphWriter"/> whose slots are being filled: where its tags and payloads lie, the
    /// items still to encode and the next one. Frames are pooled, so a deep or wide graph allocates few.
    /// </summary>
    internal sealed unsafe class WriteFrame
    {
        public WriteFrameKind Kind;
        public byte* Tags;
        public ulong* Payloads;
        /// <summary>A record laid out by <see cref="RecordLayout"/>: its node and layout (Tags and Payloads are unused); null otherwise.</summary>
        public byte* Node;
        public RecordLayout Layout;
        public int Count;
        public int Next;
        public IReadOnlyList<object> Items;
        public object[] Keys;
        public object[] Values;
        public int Level;
        public bool Lenient;
        public uint[] Hashes;
        public DictionaryNode Dictionary;
        public bool IgnoreCase;
        /// <summary>A record's property names (for paths); null for a list or dictionary.</summary>
        public IReadOnlyList<string> Names;
        /// <summary>Its values lie below an object stored as a record of its .NET properties.</summary>
        public bool Adapted;
        /// <summary>For a record of a .NET object: the slots that are the object's own (instance) members, which keep the
        /// record's level, as PowerShell's serializer keeps the depth for them; null when every slot is one level down.</summary>
        public IReadOnlyList<bool> KeepLevel;
        /// <summary>A property bag's values in an array the writer reuses once the frame is done (see <see cref="ObjectConverter.TryDescribePropertyBag(object, ref object[], out IReadOnlyList{string}, out IReadOnlyList{string}, out StandardMembers)"/>).</summary>
        public object[] SpareValues;

        public void Clear()
        {
            Names = null;
            Items = null;
            Keys = null;
            Values = null;
            Hashes = null;
            KeepLevel = null;
            SpareValues = null;
            Layout = null;
            Node = null;
        }
    }
}
