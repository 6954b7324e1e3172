using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Runtime.CompilerServices;
using System.Threading;
using AncientPS.Engine;

namespace AncientPS.Projection
{
    /// <summary>
    /// Turns the engine's deep copy (<see cref="AncientValue.Materialize(object)"/>) into what PowerShell users expect from
    /// -Materialize: each <see cref="MaterializedRecord"/> becomes a PSCustomObject with note properties and the stored
    /// type names first. Each object is created before it is filled, so sharing and cycles survive, and the walk uses an
    /// explicit stack, so a deep value never deepens the call stack.
    /// </summary>
    internal static class PSObjectMaterializer
    {
        public static object Materialize(object view) => Materialize(view, null, default);

        /// <summary>As <see cref="Materialize(object)"/>, reporting how many values were copied so far and stopping when cancelled.</summary>
        public static object Materialize(object view, Action<long> progress, CancellationToken cancellationToken)
        {
            long engineSteps = 0;
            // Records stored in place of other objects (an XML document, an IPAddress...) come back as those, as Get gives them.
            var copy = AncientValue.Materialize(view, null, PowerShellProjection.MaterializeSpecial, NameDeserialized,
                steps => progress?.Invoke(engineSteps = steps), cancellationToken);
            return Convert(copy, progress == null ? (Action<long>)null : steps => progress(engineSteps + steps), cancellationToken);
        }

        public static object Convert(object root) => Convert(root, null, default);

        private static object Convert(object root, Action<long> progress, CancellationToken cancellationToken)
        {
            long steps = 0;
            var made = new Dictionary<object, object>(ReferenceComparer.Instance);
            var pending = new Stack<object>();

            object Map(object value)
            {
                switch (value)
                {
                    case MaterializedRecord record:
                        if (!made.TryGetValue(record, out var copy))
                        {
                            copy = CreateShell(record);
                            made[record] = copy;
                            pending.Push(record);
                        }
                        return copy;
                    case PSObject named when named.BaseObject is IList || named.BaseObject is IDictionary:
                        // A named deserialized collection (NameDeserialized): its items are converted in place.
                        Map(named.BaseObject);
                        return value;
                    case IDictionary _:
                    case IList _:
                        if (MayHoldRecords(value) && !made.ContainsKey(value))
                        {
                            made[value] = value;
                            pending.Push(value);
                        }
                        return value;
                    default:
                        return value;
                }
            }

            object result = Map(root);
            while (pending.Count > 0)
            {
                if ((++steps & 0x3FF) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    progress?.Invoke(steps);
                }
                switch (pending.Pop())
                {
                    case MaterializedRecord record:
                        var target = (PSObject)made[record];
                        for (int i = 0; i < record.Count; i++) target.Properties.Add(new PSNoteProperty(record.Names[i], Map(record.Values[i])));
                        if (record.StandardMembers != null) target.Members.Add(StandardMemberSet.Make(record.StandardMembers));
                        // A list with notes (format 1.6): the list is the PSObject's own base object, its items copied in place.
                        if (record.WrappedValue is IList) Map(record.WrappedValue);
                        // Type names go on after the properties: type data for a stored type name may define a member of
                        // the same name, and adding a note property would then be refused as a duplicate.
                        AddTypeNames(target, record);
                        break;
                    case IList list:
                        for (int i = 0; i < list.Count; i++)
                        {
                            var item = list[i];
                            var mapped = Map(item);
                            if (!ReferenceEquals(mapped, item)) list[i] = mapped;
                        }
                        break;
                    case IDictionary dictionary:
                        var keys = new object[dictionary.Count];
                        dictionary.Keys.CopyTo(keys, 0);
                        foreach (var key in keys)
                        {
                            var item = dictionary[key];
                            var mapped = Map(item);
                            if (!ReferenceEquals(mapped, item)) dictionary[key] = mapped;
                        }
                        break;
                }
            }
            return result;
        }

        // A value with notes is the value in a PSObject, as the original was; any other record a PSCustomObject.
        private static PSObject CreateShell(MaterializedRecord record) => record.WrappedValue != null ? new PSObject(record.WrappedValue) : new PSObject();

        /// <summary>
        /// A list or dictionary stored inside a .NET object (format 1.4) is, as in Import-Clixml's copy, an ArrayList or
        /// Hashtable in a PSObject named Deserialized. and each of the original's type names; null for any other.
        /// </summary>
        private static object NameDeserialized(object view, object copy)
        {
            var names = AncientValue.DeserializedTypeNames(view);
            if (names == null || names.Count == 0) return null;
            var wrapper = new PSObject(copy);
            wrapper.TypeNames.Clear();
            foreach (var name in names) wrapper.TypeNames.Add(OriginalTypeNames.Deserialized(name));
            return wrapper;
        }

        private static void AddTypeNames(PSObject result, MaterializedRecord record)
        {
            var typeNames = record.TypeNames;
            if (record.WrappedValue != null)
            {
                ValueNotes.SetTypeNames(result, typeNames);
                return;
            }
            if (!record.IsPropertyBag)
            {
                // A .NET object stored by its properties: named and worded as Import-Clixml's copy (and Get) has it, so
                // that the live type's type data and views (its alias properties, its format) do not apply to the copy.
                result.TypeNames.Clear();
                foreach (var name in typeNames) result.TypeNames.Add(OriginalTypeNames.Deserialized(name));
                if (record.ToStringText != null) MaterializedText.Give(result, record.ToStringText);
                return;
            }
            // A stored PSCustomObject already has the PSObject's own type names; anything else goes in front of them.
            for (int i = typeNames.Count - 1; i >= 0; i--)
            {
                string name = typeNames[i];
                if (name == "System.Object" || name == typeof(PSCustomObject).FullName) continue;
                result.TypeNames.Insert(0, name);
            }
        }

        /// <summary>Arrays and lists of a scalar element type (int[], List&lt;string&gt;) cannot hold records; skip scanning them.</summary>
        private static bool MayHoldRecords(object container)
        {
            var type = container.GetType();
            if (type.IsArray) return type.GetElementType() == typeof(object);
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>)) return type.GetGenericArguments()[0] == typeof(object);
            return true;
        }

        private sealed class ReferenceComparer : IEqualityComparer<object>
        {
            public static readonly ReferenceComparer Instance = new ReferenceComparer();
            public new bool Equals(object x, object y) => ReferenceEquals(x, y);
            public int GetHashCode(object obj) => RuntimeHelpers.GetHashCode(obj);
        }
    }
}
