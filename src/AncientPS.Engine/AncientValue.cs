using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Specialized;
using AncientPS.Engine.Encoding;

namespace AncientPS.Engine
{
    /// <summary>Helpers for values read from a heap.</summary>
    public static class AncientValue
    {
        /// <summary>
        /// The engine's view a host's own object stands for (a host's wrapper of a list or dictionary, which is an
        /// <see cref="IAncientValue"/>), or null: <see cref="Describe"/> asks it. Process-wide; the PowerShell module sets it.
        /// </summary>
        public static Func<object, object> HostViewOf { get; set; }

        /// <summary>
        /// For a <see cref="ValueProjection"/> host: records the host's object that a list or dictionary view was read from
        /// (the first one given is kept). The records, lists and dictionaries the view projects later are read between
        /// <see cref="ValueProjection.BeginElement"/> and <see cref="ValueProjection.EndElement"/> with it, so that a host
        /// can give a cycle through a list the object it came from. Null, or any other value, is ignored.
        /// </summary>
        public static void SetProjectionParent(object view, object parent)
        {
            if (parent == null) return;
            if (view is AncientList list) { if (list.ProjectionParent == null) list.ProjectionParent = parent; }
            else if (view is AncientDictionary dictionary && dictionary.ProjectionParent == null) dictionary.ProjectionParent = parent;
        }

        /// <summary>
        /// Describes a view read from a heap (a list, dictionary or record, or a host's object that stands for one,
        /// <see cref="HostViewOf"/>): its heap, key, offset and stored type. Null for anything else.
        /// </summary>
        public static AncientNodeInfo Describe(object value)
        {
            if (value is IAncientValue && !(value is IAncientNode) && HostViewOf?.Invoke(value) is object view) value = view;
            switch (value)
            {
                case AncientList list:
                    return new AncientNodeInfo(list.Context.Space.Heap, list.Context.Key, list.NodeOffset, list.CollectionTypeName, list.IsPacked, list.ElementType,
                        deserializedTypeNames: list.DeserializedTypeNames);
                case AncientDictionary dictionary:
                    return new AncientNodeInfo(dictionary.Context.Space.Heap, dictionary.Context.Key, dictionary.NodeOffset, dictionary.DictionaryTypeName, false, null, dictionary.IgnoresCase,
                        dictionary.DeserializedTypeNames);
                case AncientRecord record:
                    return new AncientNodeInfo(record.Heap, record.Key, record.Offset, record.TypeNames.Count > 0 ? record.TypeNames[0] : null, false, null);
                default:
                    return null;
            }
        }

        /// <summary>
        /// Deep-copies a view into ordinary mutable .NET objects: lists into their original collection type where it is an
        /// array, List or ArrayList of known element type (object[] otherwise), dictionaries into a Hashtable (keeping its
        /// case-insensitivity), OrderedDictionary or Dictionary&lt;object, object&gt;, and records into
        /// <see cref="MaterializedRecord"/>s. Sharing and cycles are kept. An enum whose type this process lacks is what the
        /// view's projection makes of it (<see cref="ValueProjection.ProjectEnum"/>; the number by default). Any other value
        /// is returned as it is.
        /// </summary>
        public static object Materialize(object value) => Materialize(value, null);

        /// <summary>
        /// For a list or dictionary view of a node its value refers to more than once (format 1.3): the host's object
        /// kept for that node in the view's read (<see cref="KeepProjection"/>), or null. A host that projects views as
        /// objects of its own gives one object for the node wherever the read meets it, as the original graph had one.
        /// </summary>
        public static object KeptProjection(object view)
        {
            if (view is AncientList list && list.IsShared) return list.Context.SharedProjection(list.NodeOffset);
            if (view is AncientDictionary dictionary && dictionary.IsShared) return dictionary.Context.SharedProjection(dictionary.NodeOffset);
            return null;
        }

        /// <summary>
        /// For a list or dictionary view of a .NET object's collection stored by its properties (format 1.4), the type names
        /// of the collection it was stored from, most derived first (as <see cref="AncientNodeInfo.DeserializedTypeNames"/>,
        /// without describing the rest of the node); null for any other value.
        /// </summary>
        public static IReadOnlyList<string> DeserializedTypeNames(object view)
        {
            if (view is AncientList list) return list.DeserializedTypeNames;
            if (view is AncientDictionary dictionary) return dictionary.DeserializedTypeNames;
            return null;
        }

        /// <summary>
        /// Keeps <paramref name="projected"/> as the host's object for a shared list or dictionary view in its read, and
        /// returns the one kept (another thread's, if it came first); for a view that is not shared, <paramref name="projected"/>.
        /// </summary>
        public static object KeepProjection(object view, object projected)
        {
            if (view is AncientList list && list.IsShared) return list.Context.KeepSharedProjection(list.NodeOffset, projected);
            if (view is AncientDictionary dictionary && dictionary.IsShared) return dictionary.Context.KeepSharedProjection(dictionary.NodeOffset, projected);
            return projected;
        }

        /// <summary>
        /// As <see cref="Materialize(object)"/>, with records made by <paramref name="recordFactory"/> (given the view, its names
        /// and its materialized values). A factory record is made after its values, so a cycle that leads back to a record
        /// still being made keeps that back-reference as the record view.
        /// </summary>
        public static object Materialize(object value, Func<AncientRecord, IReadOnlyList<string>, IReadOnlyList<object>, object> recordFactory)
            => Materialize(value, recordFactory, null, default);

        /// <summary>
        /// As <see cref="Materialize(object, Func{AncientRecord, IReadOnlyList{string}, IReadOnlyList{object}, object})"/>, calling
        /// <paramref name="progress"/> now and then with the number of slots copied so far, and stopping with
        /// <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> is cancelled (nothing is shared, so nothing needs undoing).
        /// </summary>
        public static object Materialize(object value, Func<AncientRecord, IReadOnlyList<string>, IReadOnlyList<object>, object> recordFactory,
            Action<long> progress, System.Threading.CancellationToken cancellationToken)
            => Materialize(value, recordFactory, null, progress, cancellationToken);

        /// <summary>
        /// As <see cref="Materialize(object, Func{AncientRecord, IReadOnlyList{string}, IReadOnlyList{object}, object}, Action{long}, System.Threading.CancellationToken)"/>,
        /// asking <paramref name="recordSubstitute"/> first for each record: an object it gives is that record's copy
        /// (a host's own value for a record it stored in place of one, such as a document stored as its text), made from
        /// the view without copying the record's values; null copies the record as usual.
        /// </summary>
        public static object Materialize(object value, Func<AncientRecord, IReadOnlyList<string>, IReadOnlyList<object>, object> recordFactory,
            Func<AncientRecord, object> recordSubstitute, Action<long> progress, System.Threading.CancellationToken cancellationToken)
            => Materialize(value, recordFactory, recordSubstitute, null, progress, cancellationToken);

        /// <summary>
        /// As <see cref="Materialize(object, Func{AncientRecord, IReadOnlyList{string}, IReadOnlyList{object}, object}, Func{AncientRecord, object}, Action{long}, System.Threading.CancellationToken)"/>,
        /// handing each list's and dictionary's copy, as it is made, to <paramref name="collectionWrapper"/> with its
        /// view: an object it gives stands for the copy wherever the copy would (a host's wrapper that names it), while
        /// the copy itself is still filled; null keeps the copy.
        /// </summary>
        public static object Materialize(object value, Func<AncientRecord, IReadOnlyList<string>, IReadOnlyList<object>, object> recordFactory,
            Func<AncientRecord, object> recordSubstitute, Func<object, object, object> collectionWrapper, Action<long> progress,
            System.Threading.CancellationToken cancellationToken)
        {
            if (!(value is AncientList) && !(value is AncientDictionary) && !(value is AncientRecord)) return value;
            return new Materializer(recordFactory) { Substitute = recordSubstitute, WrapCollection = collectionWrapper, Progress = progress, Cancel = cancellationToken }.Run(value);
        }

        /// <summary>Copies nodes with an explicit stack, one slot at a time, so a deep chain never deepens the call stack.</summary>
        private sealed class Materializer
        {
            private enum Kind : byte { List, Dictionary, Record }

            private sealed class Frame
            {
                public Kind Kind;
                public long Offset;
                public int Next;
                public int Count;
                public AncientList List;
                public AncientDictionary Dictionary;
                public AncientRecord Record;
                public object[] Objects;
                public Array Typed;
                public IList Target;
                public IDictionary TargetDictionary;
                public MaterializedRecord Materialized;
                public object[] FactoryValues;
                public object PendingKey;
                public object Result;
            }

            private static readonly object s_inProgress = new object();

            private readonly Func<AncientRecord, IReadOnlyList<string>, IReadOnlyList<object>, object> _factory;
            private readonly Dictionary<long, object> _memo = new Dictionary<long, object>();
            private readonly Dictionary<long, byte> _memoTags = new Dictionary<long, byte>();
            private readonly Dictionary<long, string> _strings = new Dictionary<long, string>();

            private readonly Stack<Frame> _stack = new Stack<Frame>();

            public Materializer(Func<AncientRecord, IReadOnlyList<string>, IReadOnlyList<object>, object> factory) { _factory = factory; }

            public Action<long> Progress;
            public Func<AncientRecord, object> Substitute;
            public Func<object, object, object> WrapCollection;
            public System.Threading.CancellationToken Cancel;
            private long _steps;

            public object Run(object root)
            {
                var first = Begin(root, out object rootResult);
                if (first == null) return rootResult;
                _stack.Push(first);
                object delivered = null;
                bool hasDelivered = false;
                while (_stack.Count > 0)
                {
                    if ((++_steps & 0xFFF) == 0)
                    {
                        Cancel.ThrowIfCancellationRequested();
                        Progress?.Invoke(_steps);
                    }
                    var f = _stack.Peek();
                    if (hasDelivered)
                    {
                        Accept(f, delivered);
                        f.Next++;
                        hasDelivered = false;
                    }
                    if (f.Next < f.Count)
                    {
                        ReadSlot(f, out byte tag, out ulong payload);
                        object value;
                        if (NodeTags.IsComposite(tag))
                        {
                            long offset = (long)payload;
                            if (_memo.TryGetValue(offset, out value))
                            {
                                // A damaged file can refer to one node with two tags; a valid one never does.
                                if (_memoTags.TryGetValue(offset, out byte seen) && seen != tag)
                                    throw Corrupt.Node(offset, $"is referred to both as tag 0x{seen:X2} and as 0x{tag:X2}");
                                if (ReferenceEquals(value, s_inProgress)) value = View(f, tag, payload);
                            }
                            else
                            {
                                var child = Begin(View(f, tag, payload), out value);
                                if (child != null)
                                {
                                    _stack.Push(child);
                                    continue;
                                }
                            }
                        }
                        else if (tag == NodeTags.String)
                        {
                            if (!_strings.TryGetValue((long)payload, out var text))
                            {
                                text = (string)View(f, tag, payload);
                                _strings[(long)payload] = text;
                            }
                            value = text;
                        }
                        else value = View(f, tag, payload);
                        Accept(f, value);
                        f.Next++;
                    }
                    else
                    {
                        _stack.Pop();
                        object result = Complete(f);
                        _memo[f.Offset] = result;
                        delivered = result;
                        hasDelivered = true;
                    }
                }
                return delivered;
            }

            private static NodeContext ContextOf(Frame f) => f.List?.Context ?? f.Dictionary?.Context ?? f.Record.Context;

            private static object View(Frame f, byte tag, ulong payload)
            {
                var context = ContextOf(f);
                context.Space.EnterRead();
                // An enum whose type this process lacks is what the host makes of its number and text (ProjectEnum: the
                // module gives Import-Clixml's object), as a read gives it; every other slot is the bare value or view.
                try { return context.ReadSlot(tag, payload, tag == NodeTags.Enum); }
                finally { context.Space.ExitRead(); }
            }

            private static void ReadSlot(Frame f, out byte tag, out ulong payload)
            {
                var context = ContextOf(f);
                context.Space.EnterRead();
                try
                {
                    switch (f.Kind)
                    {
                        case Kind.List:
                            f.List.GetSlot(f.Next, out tag, out payload);
                            break;
                        case Kind.Record:
                            f.Record.GetSlot(f.Next, out tag, out payload);
                            break;
                        default:
                            f.Dictionary.GetEntrySlots(f.Next >> 1, out byte kt, out ulong kp, out byte vt, out ulong vp);
                            if ((f.Next & 1) == 0) { tag = kt; payload = kp; }
                            else { tag = vt; payload = vp; }
                            break;
                    }
                }
                finally { context.Space.ExitRead(); }
            }

            /// <summary>Creates the copy of a node (before its children, except for factory records) and the frame that fills it.</summary>
            private Frame Begin(object view, out object result)
            {
                result = null;
                switch (view)
                {
                    case AncientList list:
                    {
                        if (list.IsPacked)
                        {
                            Array array = list.ToArray();
                            result = list.PackedCode == CollectionCodes.PackedGenericList
                                ? Activator.CreateInstance(typeof(List<>).MakeGenericType(list.ElementType), array)
                                : array;
                            _memo[list.NodeOffset] = result;
                            _memoTags[list.NodeOffset] = NodeTags.PackedList;
                            return null;
                        }
                        var f = new Frame { Kind = Kind.List, Offset = list.NodeOffset, List = list, Count = list.Count };
                        CreateListTarget(f);
                        f.Result = WrapCollection?.Invoke(list, f.Result) ?? f.Result;
                        _memo[list.NodeOffset] = f.Result;
                        _memoTags[list.NodeOffset] = NodeTags.List;
                        return f;
                    }
                    case AncientDictionary dictionary:
                    {
                        var f = new Frame { Kind = Kind.Dictionary, Offset = dictionary.NodeOffset, Dictionary = dictionary, Count = 2 * dictionary.Count };
                        // A deserialized dictionary (format 1.4, named Hashtable) is the Hashtable PowerShell's deserializer
                        // makes, whose keys compare ignoring case: its entries then come in the stored order.
                        f.TargetDictionary = CreateDictionary(dictionary.DictionaryTypeName, dictionary.IgnoresCase || dictionary.DeserializedTypeNames != null);
                        f.Result = WrapCollection?.Invoke(dictionary, f.TargetDictionary) ?? f.TargetDictionary;
                        _memo[dictionary.NodeOffset] = f.Result;
                        _memoTags[dictionary.NodeOffset] = NodeTags.Dictionary;
                        return f;
                    }
                    case AncientRecord record:
                    {
                        object substitute = Substitute?.Invoke(record);
                        if (substitute != null)
                        {
                            _memo[record.Offset] = substitute;
                            _memoTags[record.Offset] = NodeTags.Record;
                            result = substitute;
                            return null;
                        }
                        var f = new Frame { Kind = Kind.Record, Offset = record.Offset, Record = record, Count = record.Count };
                        if (_factory == null)
                        {
                            // A value with notes whose value is a list (format 1.6) has it copied as one more slot, after the
                            // notes (Accept); a scalar value is the value itself.
                            bool listValue = WrapsList(record);
                            if (listValue) f.Count++;
                            f.Materialized = new MaterializedRecord(record.TypeNames, record.Names)
                            {
                                IsPropertyBag = record.IsPropertyBag,
                                ToStringText = record.IsPropertyBag ? null : record.ToStringText,
                                WrappedValue = listValue ? null : record.WrappedValue,
                                StandardMembers = record.StandardMembers,
                            };
                            f.Result = f.Materialized;
                            _memo[record.Offset] = f.Result;
                            _memoTags[record.Offset] = NodeTags.Record;
                        }
                        else
                        {
                            f.FactoryValues = new object[record.Count];
                            _memo[record.Offset] = s_inProgress;
                            _memoTags[record.Offset] = NodeTags.Record;
                        }
                        return f;
                    }
                }
                result = view;
                return null;
            }

            private static bool WrapsList(AncientRecord record)
            {
                if (!record.WrapsValue) return false;
                var space = record.Context.Space;
                space.EnterRead();
                try
                {
                    record.GetSlot(record.Count, out byte tag, out _);
                    return tag == NodeTags.List || tag == NodeTags.PackedList;
                }
                finally { space.ExitRead(); }
            }

            private object Complete(Frame f)
            {
                if (f.Kind == Kind.Record && _factory != null)
                    return _factory(f.Record, f.Record.Names, Array.AsReadOnly(f.FactoryValues));
                return f.Result;
            }

            private static void Accept(Frame f, object value)
            {
                switch (f.Kind)
                {
                    case Kind.List:
                        if (f.Objects != null) f.Objects[f.Next] = value;
                        else if (f.Typed != null) f.Typed.SetValue(value, f.Next);
                        else f.Target.Add(value);
                        break;
                    case Kind.Record:
                        if (f.Materialized == null) f.FactoryValues[f.Next] = value;
                        else if (f.Next == f.Record.Count) f.Materialized.WrappedValue = value; // a list with notes: its list
                        else f.Materialized.Set(f.Next, value);
                        break;
                    default:
                        if ((f.Next & 1) == 0) f.PendingKey = value;
                        else if (f.PendingKey != null)
                        {
                            f.TargetDictionary[f.PendingKey] = value;
                            f.PendingKey = null;
                        }
                        break;
                }
            }

            private static void CreateListTarget(Frame f)
            {
                string name = f.List.CollectionTypeName;
                int count = f.List.Count;
                if (name == CollectionCodes.ArrayListName)
                {
                    f.Target = new ArrayList(count);
                    f.Result = f.Target;
                    return;
                }
                Type element = null;
                bool generic = false;
                if (name.EndsWith("[]", StringComparison.Ordinal) && TypeNames.TryGetKnown(name.Substring(0, name.Length - 2), out var t)) element = t;
                else if (name.StartsWith(CollectionCodes.GenericListPrefix, StringComparison.Ordinal) && name.EndsWith("]", StringComparison.Ordinal)
                    && TypeNames.TryGetKnown(name.Substring(CollectionCodes.GenericListPrefix.Length, name.Length - CollectionCodes.GenericListPrefix.Length - 1), out t))
                {
                    element = t;
                    generic = true;
                }
                if (element != null && element != typeof(object) && !AllCompatible(f.List, element)) element = null;
                if (element == null || (element == typeof(object) && !generic))
                {
                    f.Objects = new object[count];
                    f.Result = f.Objects;
                }
                else if (generic)
                {
                    f.Target = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element), count);
                    f.Result = f.Target;
                }
                else
                {
                    f.Typed = Array.CreateInstance(element, count);
                    f.Result = f.Typed;
                }
            }

            private static bool AllCompatible(AncientList list, Type element)
            {
                var space = list.Context.Space;
                space.EnterRead();
                try
                {
                    for (int i = 0; i < list.Count; i++)
                    {
                        list.GetSlot(i, out byte tag, out _);
                        if (!Compatible(element, tag)) return false;
                    }
                    return true;
                }
                finally { space.ExitRead(); }
            }

            private static bool Compatible(Type element, byte tag)
            {
                if (tag == NodeTags.Null) return !element.IsValueType;
                if (NodeTags.IsString(tag)) return element == typeof(string);
                var type = ScalarCodec.IsInline(tag) ? ScalarCodec.TypeOf(tag) : ScalarNodes.ByTag(tag)?.Type;
                return type != null && type == element;
            }

            private static IDictionary CreateDictionary(string name, bool ignoreCase)
            {
                var comparer = ignoreCase ? StringComparer.OrdinalIgnoreCase : null;
                // PowerShell's own hashtables (@{}) compare keys ignoring case under the current culture.
                if (name == "System.Collections.Hashtable") return ignoreCase ? new Hashtable(StringComparer.CurrentCultureIgnoreCase) : new Hashtable();
                if (name.StartsWith("System.Collections.Generic.Dictionary`2[", StringComparison.Ordinal))
                    return new Dictionary<object, object>(ignoreCase ? IgnoreCaseKeys.Instance : null);
                return new OrderedDictionary(comparer);
            }
        }

        private sealed class IgnoreCaseKeys : IEqualityComparer<object>
        {
            public static readonly IgnoreCaseKeys Instance = new IgnoreCaseKeys();
            public new bool Equals(object a, object b) => ((IEqualityComparer)StringComparer.OrdinalIgnoreCase).Equals(a, b);
            public int GetHashCode(object o) => ((IEqualityComparer)StringComparer.OrdinalIgnoreCase).GetHashCode(o);
        }
    }
}
