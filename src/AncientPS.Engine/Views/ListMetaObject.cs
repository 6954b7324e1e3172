using System;
using System.Dynamic;
using System.Linq.Expressions;
using System.Reflection;

namespace AncientPS.Engine
{
    /// <summary>
    /// Binds <c>list[i]</c> (one int, in range) and <c>list.Count</c> on an <see cref="AncientList"/> to direct calls, for
    /// dynamic languages: PowerShell's own binding of an indexer or a property turns any exception into <c>$null</c>, so a
    /// list read before a dismount would give <c>$null</c> where it must give the "heap dismounted" error. Everything else
    /// (negative indexes, ranges, other members, conversions, enumeration) goes to the language's binder unchanged, and a
    /// bound index rule defers to it again for an index out of range.
    /// </summary>
    internal sealed class ListMetaObject : DynamicMetaObject
    {
        private static readonly PropertyInfo s_count = typeof(AncientList).GetProperty(nameof(AncientList.Count));
        private static readonly PropertyInfo s_item = typeof(AncientList).GetProperty("Item", new[] { typeof(int) });
        private static readonly PropertyInfo s_storedCount = typeof(AncientList).GetProperty(nameof(AncientList.StoredCount), BindingFlags.Instance | BindingFlags.NonPublic);

        public ListMetaObject(Expression expression, AncientList value)
            : base(expression, BindingRestrictions.Empty, value)
        {
        }

        private BindingRestrictions IsList => BindingRestrictions.GetTypeRestriction(Expression, typeof(AncientList));

        private Expression List => Expression.Convert(Expression, typeof(AncientList));

        public override DynamicMetaObject BindGetMember(GetMemberBinder binder)
        {
            var comparison = binder.IgnoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
            if (!string.Equals(binder.Name, nameof(AncientList.Count), comparison)) return binder.FallbackGetMember(this);
            Expression count = Expression.Property(List, s_count);
            return new DynamicMetaObject(Expression.Convert(count, binder.ReturnType), IsList);
        }

        public override DynamicMetaObject BindGetIndex(GetIndexBinder binder, DynamicMetaObject[] indexes)
        {
            // The stored count, without the dismount check: a list of a dismounted heap binds here too, so that the read
            // in the rule reports the dismount.
            if (indexes.Length != 1 || !(indexes[0].Value is int i))
                return binder.FallbackGetIndex(this, indexes);
            var isIntIndex = IsList.Merge(BindingRestrictions.GetTypeRestriction(indexes[0].Expression, typeof(int)));
            if (i < 0 || i >= ((AncientList)Value).StoredCount)
            {
                // The language's rule, for negative and out-of-range indexes only: rules are shared between call sites,
                // and it must never be the one that reads an index in range (it would hide a dismount).
                var fallback = binder.FallbackGetIndex(this, indexes);
                var outside = Expression.GreaterThanOrEqual(
                    Expression.Convert(Expression.Convert(indexes[0].Expression, typeof(int)), typeof(uint)),
                    Expression.Convert(Expression.Property(List, s_storedCount), typeof(uint)));
                return new DynamicMetaObject(fallback.Expression,
                    isIntIndex.Merge(BindingRestrictions.GetExpressionRestriction(outside)).Merge(fallback.Restrictions));
            }

            var index = Expression.Convert(indexes[0].Expression, typeof(int));
            var restrictions = isIntIndex;
            // In range: read (a dismounted heap throws here, as it should). Out of range or negative: bind anew, and the
            // language's own rule (negative indexes, out-of-range results) takes it.
            var inRange = Expression.LessThan(
                Expression.Convert(index, typeof(uint)),
                Expression.Convert(Expression.Property(List, s_count), typeof(uint)));
            var body = Expression.Condition(
                inRange,
                Expression.Convert(Expression.Property(List, s_item, index), binder.ReturnType),
                binder.GetUpdateExpression(binder.ReturnType));
            return new DynamicMetaObject(body, restrictions);
        }
    }
}
