using System;
using System.Dynamic;
using System.Linq.Expressions;
using System.Reflection;
using AncientPS.Engine;

namespace AncientPS
{
    /// <summary>
    /// The fast path for <c>$row.Name</c> in a script. PowerShell hands member access on an object that provides its own
    /// dynamic meta-object to that meta-object (a PSObject around it defers to it too), so a loop reading one property of many
    /// stored records runs one compiled rule instead of the generic adapter lookup (type table, adapter, a new member object
    /// per access). The rule holds only for records that have the property; for any other record, and for every other kind
    /// of operation, PowerShell's own binder decides, exactly as it does for the adapter. Stored properties come before type
    /// data members of the same name, as a PSCustomObject's note properties do.
    /// </summary>
    internal sealed class RecordMetaObject : DynamicMetaObject
    {
        private static readonly MethodInfo s_tryRead = typeof(StoredPropertyReader).GetMethod(nameof(StoredPropertyReader.TryRead));
        private static readonly MethodInfo s_lacks = typeof(StoredPropertyReader).GetMethod(nameof(StoredPropertyReader.Lacks));

        public RecordMetaObject(Expression expression, AncientRecordHandle value)
            : base(expression, BindingRestrictions.Empty, value)
        {
        }

        public override DynamicMetaObject BindGetMember(GetMemberBinder binder)
        {
            var handle = (AncientRecordHandle)Value;
            // A rule bound here serves later records too (rules are shared between call sites), so it is bound the same
            // way whether or not this record's heap is still mounted: reading through it reports a dismount.
            if (IsPowerShellMember(binder.Name))
                return binder.FallbackGetMember(this);

            var reader = Expression.Constant(new StoredPropertyReader(binder.Name));
            var target = Expression.Convert(Expression, typeof(AncientRecordHandle));
            var isHandle = BindingRestrictions.GetTypeRestriction(Expression, typeof(AncientRecordHandle));

            if (handle.Stored.IndexOf(binder.Name) < 0)
            {
                // Records of this shape do not have the property: PowerShell's binder decides (hidden members, type data,
                // strict mode), for records that lack it.
                var fallback = binder.FallbackGetMember(this);
                var lacks = BindingRestrictions.GetExpressionRestriction(Expression.Call(reader, s_lacks, target));
                return new DynamicMetaObject(fallback.Expression, isHandle.Merge(lacks).Merge(fallback.Restrictions));
            }

            var value = Expression.Variable(typeof(object), "value");
            var body = Expression.Block(
                new[] { value },
                Expression.Condition(
                    Expression.Call(reader, s_tryRead, target, value),
                    value,
                    binder.GetUpdateExpression(typeof(object))));
            return new DynamicMetaObject(body, isHandle);
        }

        /// <summary>The members PowerShell adds to every object (PSObject, PSTypeNames...): always PowerShell's, never a stored one.</summary>
        private static bool IsPowerShellMember(string name)
            => name.Length >= 6 && name.StartsWith("PS", StringComparison.OrdinalIgnoreCase) &&
               (string.Equals(name, "PSObject", StringComparison.OrdinalIgnoreCase) ||
                string.Equals(name, "PSBase", StringComparison.OrdinalIgnoreCase) ||
                string.Equals(name, "PSAdapted", StringComparison.OrdinalIgnoreCase) ||
                string.Equals(name, "PSExtended", StringComparison.OrdinalIgnoreCase) ||
                string.Equals(name, "PSTypeNames", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// Reads one named property of stored records for a compiled rule. Records of one shape share one name list, so the
    /// property's index is remembered per shape: a loop over rows of one shape looks the name up once. A rule is shared by
    /// every runspace that binds the same member name, and each runspace reads its own copy of a shape, so several
    /// shapes are remembered at once.
    /// </summary>
    internal sealed class StoredPropertyReader
    {
        private readonly string _name;
        private readonly PerShapeMemo<int> _indexes = new PerShapeMemo<int>(8);

        public StoredPropertyReader(string name)
        {
            _name = name;
        }

        public bool TryRead(AncientRecordHandle handle, out object value)
        {
            int index = IndexIn(handle);
            if (index < 0)
            {
                value = null;
                return false;
            }
            // Throws ObjectDisposedException after a dismount, and the snapshot errors: the script sees them, never null.
            value = handle.Stored.GetValue(index);
            return true;
        }

        public bool Lacks(AncientRecordHandle handle) => IndexIn(handle) < 0;

        private int IndexIn(AncientRecordHandle handle)
        {
            var names = handle.Stored.Names;
            if (_indexes.TryGet(names, out int index)) return index;
            index = handle.Stored.IndexOf(_name);
            _indexes.Add(names, index);
            return index;
        }
    }
}
