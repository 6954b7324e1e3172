using System;
using System.Collections;
using System.Dynamic;
using System.Linq.Expressions;
using System.Reflection;

namespace AncientPS.Engine.Views
{
    /// <summary>
    /// Binds <c>dictionary[key]</c> (one key that is not a collection) and <c>dictionary.Name</c> (a key, as PowerShell
    /// reads a dictionary's keys as members) on an <see cref="AncientDictionary"/> to direct calls, for dynamic languages:
    /// PowerShell's own binding of a dictionary's indexer or members turns any exception into <c>$null</c>, so a lookup
    /// whose snapshot was dismounted or expired (a reader that cannot pin) would give <c>$null</c> where it must give the
    /// error. A member name that is not a key goes to the language's binder (<c>.Count</c>, <c>.Keys</c>, methods), as do
    /// several indexes and collection indexes (slicing).
    /// </summary>
    internal sealed class DictionaryMetaObject : DynamicMetaObject
    {
        private static readonly MethodInfo s_getByIndex = typeof(AncientDictionary).GetMethod(nameof(AncientDictionary.GetByIndex), BindingFlags.Instance | BindingFlags.NonPublic);
        private static readonly MethodInfo s_tryGetValue = typeof(AncientDictionary).GetMethod(nameof(AncientDictionary.TryGetValue), new[] { typeof(object), typeof(object).MakeByRefType() });

        // The view's expression: the bound object itself, or the view a host's object stands for.
        private readonly Expression _view;

        public DictionaryMetaObject(Expression expression, AncientDictionary value)
            : base(expression, BindingRestrictions.Empty, value)
        {
            _view = Expression.Convert(expression, typeof(AncientDictionary));
        }

        /// <summary>For a host's object (<paramref name="host"/>) that stands for a view: <paramref name="view"/> reads the view from it.</summary>
        public DictionaryMetaObject(Expression expression, object host, Expression view)
            : base(expression, BindingRestrictions.Empty, host)
        {
            _view = view;
        }

        // The bound object's exact type: this view's class, or the host's.
        private BindingRestrictions IsDictionary => BindingRestrictions.GetTypeRestriction(Expression, Value.GetType());

        private Expression Dictionary => _view;

        public override DynamicMetaObject BindGetMember(GetMemberBinder binder)
        {
            // The key first, as PowerShell does for a dictionary; when there is no such key, the language's own rule.
            var fallback = binder.FallbackGetMember(this);
            Expression missing = Expression.Convert(fallback.Expression, typeof(object));
            // The host may read a name that is neither a key nor a member as something other than null (AncientDictionary.AbsentMemberValue).
            var absent = AncientDictionary.AbsentMemberValue?.Invoke(binder);
            if (absent != null) missing = Expression.Coalesce(missing, Expression.Constant(absent, typeof(object)));
            var value = Expression.Variable(typeof(object), "value");
            var body = Expression.Block(new[] { value },
                Expression.Condition(
                    Expression.Call(Dictionary, s_tryGetValue, Expression.Constant(binder.Name, typeof(object)), value),
                    Expression.Convert(value, binder.ReturnType),
                    Expression.Convert(missing, binder.ReturnType)));
            return new DynamicMetaObject(body, IsDictionary.Merge(fallback.Restrictions));
        }

        public override DynamicMetaObject BindGetIndex(GetIndexBinder binder, DynamicMetaObject[] indexes)
        {
            if (indexes.Length != 1 || indexes[0].Value == null || (indexes[0].Value is IEnumerable && !(indexes[0].Value is string)))
                return binder.FallbackGetIndex(this, indexes);
            var type = indexes[0].LimitType;
            var restrictions = IsDictionary.Merge(BindingRestrictions.GetTypeRestriction(indexes[0].Expression, type));
            // An int on a stored [ordered] is a position, as OrderedDictionary's own int indexer takes it.
            var body = Expression.Convert(
                Expression.Call(Dictionary, s_getByIndex, Expression.Convert(indexes[0].Expression, typeof(object))),
                binder.ReturnType);
            return new DynamicMetaObject(body, restrictions);
        }
    }
}
