using System.Diagnostics;

namespace AncientPS.Engine.Encoding
{
    /// <summary>
    /// A record shape node (kind 0x5E, docs/format-values.md "Shape"): kind, flags, property count, type name count, then
    /// the offsets of the type names' and the property names' string nodes, then (format 1.2, <see cref="LayoutFlag"/>)
    /// the layout of its records' slots (<see cref="RecordLayout"/>): per slot, the payload width and the fixed tag.
    /// </summary>
    internal static unsafe class ShapeNode
    {
        public const byte Kind = NodeTags.Shape;
        public const int FlagsAt = 1;
        public const int CountAt = 4;
        public const int TypeCountAt = 8;
        public const int HeaderSize = 16;
        /// <summary>Flag bit 0: a property bag (such as a PSCustomObject), not a .NET object stored by its properties.</summary>
        public const byte PropertyBagFlag = 1;
        /// <summary>
        /// Flag bit 1: every record of the shape has one slot more than the shape has properties, after them, holding the
        /// text the original object gave as a string (its ToString), or null. Never set together with <see cref="PropertyBagFlag"/>.
        /// </summary>
        public const byte TextFlag = 2;
        /// <summary>
        /// Flag bit 2 (format 1.2): the names are followed by the slot layout, two bytes per slot (the properties, then the
        /// text slot): the payload width as log2 (0..3), then the tag every record has there, or 0xFF when each record holds
        /// its own. Without it, records have the classic layout.
        /// </summary>
        public const byte LayoutFlag = 4;
        /// <summary>
        /// Flag bit 3 (format 1.3): the 4 bytes at <see cref="AdaptedFromAt"/> hold k, and the properties from k on are the
        /// original object's adapted ones (the public properties of its .NET type), those before k its extended ones (its
        /// own note properties and its type data's members), as Export-Clixml writes them apart (its Props and MS). Only
        /// for a record that is not a property bag; 0 &lt;= k &lt; the property count.
        /// </summary>
        public const byte AdaptedFlag = 8;
        public const int AdaptedFromAt = 12;
        /// <summary>
        /// Flag bit 4 (format 1.5): each record of the shape is a value with notes, such as a line Get-Content gives (a
        /// string with PSPath, ReadCount...) or a number a script gave a note property: its one extra slot, after the
        /// properties, holds the value (a scalar, never null), and the properties are the notes. Never set together with
        /// <see cref="PropertyBagFlag"/>, <see cref="TextFlag"/> or <see cref="AdaptedFlag"/>.
        /// </summary>
        public const byte ValueFlag = 16;
        /// <summary>
        /// Flag bit 5 (format 1.6): the shape of a property bag carries standard members (<see cref="StandardMembers"/>:
        /// PowerShell's PSStandardMembers, such as DefaultDisplayPropertySet), written after the slot layout at the next
        /// multiple of 8 (docs/format-values.md "Standard members"). Only together with <see cref="PropertyBagFlag"/> and
        /// <see cref="LayoutFlag"/>.
        /// </summary>
        public const byte StandardFlag = 32;

        /// <summary>The kinds of a standard member's entry: a list of property names, a string, an Int32, a Boolean.</summary>
        public const uint StandardPropertySet = 1, StandardString = 2, StandardInt32 = 3, StandardBoolean = 4;

        public static long Size(long typeCount, long count) => HeaderSize + 8L * (typeCount + count);

        public static long Size(long typeCount, long count, long slots) => Size(typeCount, count) + 2L * slots;

        /// <summary>
        /// Writes a shape of format 1.2, with the layout of its records' slots; <paramref name="adaptedFrom"/> (format 1.3):
        /// the index of the first adapted property, or -1 when the properties are not told apart.
        /// </summary>
        public static long Write(INodeSink sink, bool isPropertyBag, bool hasText, int typeCount, long[] names, byte[] widthLog, byte[] fixedTag, int adaptedFrom = -1,
            bool wrapsValue = false, ulong[] standardWords = null)
        {
            int n = names.Length - typeCount;
            Debug.Assert(widthLog.Length == n + (hasText || wrapsValue ? 1 : 0) && fixedTag.Length == widthLog.Length);
            Debug.Assert(standardWords == null || (isPropertyBag && standardWords.Length > 0), "only a property bag has standard members");
            long size = Size(typeCount, n, widthLog.Length);
            long standardAt = Align8(size);
            if (standardWords != null) size = standardAt + 8L * standardWords.Length;
            byte flags = (byte)(LayoutFlag | (wrapsValue ? ValueFlag : 0) | (standardWords != null ? StandardFlag : 0));
            long offset = WriteNames(sink, isPropertyBag, hasText, typeCount, names, flags, size, out byte* p, adaptedFrom);
            byte* layout = p + Size(typeCount, n);
            for (int i = 0; i < widthLog.Length; i++)
            {
                layout[2 * i] = widthLog[i];
                layout[2 * i + 1] = fixedTag[i];
            }
            if (standardWords != null)
            {
                for (long i = Size(typeCount, n, widthLog.Length); i < standardAt; i++) p[i] = 0;
                ulong* words = (ulong*)(p + standardAt);
                for (int i = 0; i < standardWords.Length; i++) words[i] = standardWords[i];
            }
            return offset;
        }

        private static long Align8(long size) => (size + 7) & ~7L;

        /// <summary>
        /// The words of a shape's standard members (docs/format-values.md "Standard members"): the count, then per member
        /// its name's string node, its kind and count, then its names' string nodes or its value. <paramref name="name"/>
        /// gives a string's node offset.
        /// </summary>
        public static ulong[] EncodeStandard(StandardMembers standard, System.Func<string, long> name)
        {
            var words = new System.Collections.Generic.List<ulong> { (ulong)standard.Members.Count };
            foreach (var member in standard.Members)
            {
                words.Add((ulong)name(member.Name));
                if (member.IsPropertySet)
                {
                    var names = member.PropertyNames;
                    words.Add(StandardPropertySet | ((ulong)(uint)names.Count << 32));
                    foreach (var n in names) words.Add((ulong)name(n));
                }
                else if (member.Value is string text)
                {
                    words.Add(StandardString);
                    words.Add((ulong)name(text));
                }
                else if (member.Value is int number)
                {
                    words.Add(StandardInt32);
                    words.Add((uint)number);
                }
                else
                {
                    words.Add(StandardBoolean);
                    words.Add((bool)member.Value ? 1UL : 0UL);
                }
            }
            return words.ToArray();
        }

        /// <summary>Writes a shape of the given name nodes: <paramref name="names"/> holds the type names' offsets, then the property names'.</summary>
        public static long Write(INodeSink sink, bool isPropertyBag, bool hasText, int typeCount, long[] names, int adaptedFrom = -1, bool wrapsValue = false)
            => WriteNames(sink, isPropertyBag, hasText, typeCount, names, wrapsValue ? ValueFlag : (byte)0, Size(typeCount, names.Length - typeCount), out _, adaptedFrom);

        private static long WriteNames(INodeSink sink, bool isPropertyBag, bool hasText, int typeCount, long[] names, byte extraFlags, long size, out byte* p,
            int adaptedFrom)
        {
            Debug.Assert(typeCount >= 0 && typeCount <= names.Length);
            Debug.Assert(!(isPropertyBag && hasText), "a property bag has no text of its own");
            Debug.Assert(adaptedFrom < 0 || (!isPropertyBag && adaptedFrom < names.Length - typeCount), "only a .NET object's properties are told apart");
            Debug.Assert((extraFlags & ValueFlag) == 0 || (!isPropertyBag && !hasText && adaptedFrom < 0), "a value with notes is neither a property bag nor a .NET object's record");
            if (adaptedFrom >= 0) extraFlags |= AdaptedFlag;
            p = sink.Allocate(size, out long offset);
            p[0] = Kind;
            p[FlagsAt] = (byte)((isPropertyBag ? PropertyBagFlag : 0) | (hasText ? TextFlag : 0) | extraFlags);
            *(uint*)(p + CountAt) = (uint)(names.Length - typeCount);
            *(uint*)(p + TypeCountAt) = (uint)typeCount;
            if (adaptedFrom >= 0) *(uint*)(p + AdaptedFromAt) = (uint)adaptedFrom;
            for (int i = 0; i < names.Length; i++)
            {
                Debug.Assert(names[i] > 0 && (names[i] & 7) == 0, "a shape refers to string nodes");
                *(long*)(p + HeaderSize + 8 * i) = names[i];
            }
            return offset;
        }

        public static RecordShape Read(NodeContext context, long offset)
        {
            NodeContext.CheckOffset((ulong)offset);
            byte* h = context.Node(offset, HeaderSize, Kind);
            byte flags = h[FlagsAt];
            if ((flags & ~(LayoutFlag | AdaptedFlag | ValueFlag | StandardFlag)) > TextFlag || (flags & (AdaptedFlag | PropertyBagFlag)) == (AdaptedFlag | PropertyBagFlag)
                || ((flags & ValueFlag) != 0 && (flags & (PropertyBagFlag | TextFlag | AdaptedFlag)) != 0)
                || ((flags & StandardFlag) != 0 && (flags & (PropertyBagFlag | LayoutFlag)) != (PropertyBagFlag | LayoutFlag)))
                throw Corrupt.Node(offset, $"has unknown shape flags 0x{flags:X2}");
            uint n = *(uint*)(h + CountAt);
            uint t = *(uint*)(h + TypeCountAt);
            if (n >= int.MaxValue || t > int.MaxValue) throw Corrupt.Node(offset, "claims an impossible property count");
            int adaptedFrom = -1;
            if ((flags & AdaptedFlag) != 0)
            {
                uint k = *(uint*)(h + AdaptedFromAt);
                if (k >= n) throw Corrupt.Node(offset, $"says its adapted properties start at {k} of {n}");
                adaptedFrom = (int)k;
            }
            bool hasText = (flags & TextFlag) != 0;
            bool wrapsValue = (flags & ValueFlag) != 0;
            long slots = n + (hasText || wrapsValue ? 1 : 0);
            bool compact = (flags & LayoutFlag) != 0;
            byte* p = context.Space.Pointer(offset, compact ? Size(t, n, slots) : Size(t, n));
            var typeNames = new string[t];
            var names = new string[n];
            for (int i = 0; i < t; i++) typeNames[i] = context.ReadName(*(long*)(p + HeaderSize + 8L * i));
            for (int i = 0; i < n; i++) names[i] = context.ReadName(*(long*)(p + HeaderSize + 8L * (t + i)));
            RecordLayout layout;
            if (!compact) layout = RecordLayout.Classic((int)slots);
            else
            {
                byte* l = p + Size(t, n);
                var widthLog = new byte[slots];
                var fixedTag = new byte[slots];
                for (long i = 0; i < slots; i++)
                {
                    byte w = l[2 * i], tag = l[2 * i + 1];
                    if (w > 3) throw Corrupt.Node(offset, $"gives slot {i} a payload of 2^{w} bytes; payloads are 1, 2, 4 or 8 bytes");
                    if (tag != RecordLayout.VariableTag && !ScalarCodec.IsInlineTag(tag))
                        throw Corrupt.Node(offset, $"fixes the tag of slot {i} as 0x{tag:X2}; only a tag below 0x40 can be fixed");
                    if (hasText && i == n && tag != RecordLayout.VariableTag && tag != NodeTags.Null && !NodeTags.IsShortString(tag))
                        throw Corrupt.Node(offset, $"fixes the tag of the text slot as 0x{tag:X2}; it holds a string or null");
                    if (wrapsValue && i == n && tag == NodeTags.Null)
                        throw Corrupt.Node(offset, "fixes the tag of the value slot as null; it holds a value");
                    widthLog[i] = w;
                    fixedTag[i] = tag;
                }
                layout = RecordLayout.Compact(widthLog, fixedTag);
            }
            StandardMembers standard = (flags & StandardFlag) != 0 ? ReadStandard(context, offset, Align8(Size(t, n, slots))) : null;
            return new RecordShape(context, offset, typeNames, names, (flags & PropertyBagFlag) != 0, hasText, layout, adaptedFrom, wrapsValue, standard);
        }

        /// <summary>A shape's standard members, from <paramref name="at"/> bytes into the node; anything out of place is damage.</summary>
        private static StandardMembers ReadStandard(NodeContext context, long offset, long at)
        {
            ulong count = *(ulong*)context.Space.Pointer(offset + at, 8);
            if (count == 0 || count > StandardMembers.MaximumMembers)
                throw Corrupt.Node(offset, $"claims {count} standard members; a shape with standard members has 1 to {StandardMembers.MaximumMembers}");
            at += 8;
            var members = new StandardMember[count];
            for (ulong i = 0; i < count; i++)
            {
                byte* e = context.Space.Pointer(offset + at, 16);
                string name = context.ReadName(*(long*)e);
                uint kind = *(uint*)(e + 8);
                uint n = *(uint*)(e + 12);
                if (kind != StandardPropertySet && n != 0) throw Corrupt.Node(offset, $"gives standard member {i} a count of {n}; only a property list has one");
                switch (kind)
                {
                    case StandardPropertySet:
                    {
                        if (n > StandardMembers.MaximumNames) throw Corrupt.Node(offset, $"claims {n} names in standard member {i}; a list holds at most {StandardMembers.MaximumNames}");
                        byte* list = n == 0 ? null : context.Space.Pointer(offset + at + 16, 8L * n);
                        var propertyNames = new string[n];
                        for (uint j = 0; j < n; j++) propertyNames[j] = context.ReadName(*(long*)(list + 8L * j));
                        members[i] = StandardMember.PropertySet(name, propertyNames);
                        at += 16 + 8L * n;
                        continue;
                    }
                    case StandardString:
                    case StandardInt32:
                    case StandardBoolean:
                        break;
                    default:
                        throw Corrupt.Node(offset, $"gives standard member {i} the unknown kind {kind}");
                }
                ulong* value = (ulong*)context.Space.Pointer(offset + at + 16, 8);
                switch (kind)
                {
                    case StandardString:
                        members[i] = StandardMember.Note(name, context.ReadName((long)*value));
                        break;
                    case StandardInt32:
                    {
                        ulong word = *value;
                        if (word > uint.MaxValue) throw Corrupt.Node(offset, $"holds an Int32 in standard member {i} with its high bytes set");
                        members[i] = StandardMember.Note(name, (int)(uint)word);
                        break;
                    }
                    case StandardBoolean:
                    {
                        ulong word = *value;
                        if (word > 1) throw Corrupt.Node(offset, $"holds a Boolean of {word} in standard member {i}");
                        members[i] = StandardMember.Note(name, word == 1);
                        break;
                    }
                }
                at += 24;
            }
            return new StandardMembers(members);
        }
    }
}
