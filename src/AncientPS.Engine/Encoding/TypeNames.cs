using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Text;

namespace AncientPS.Engine.Encoding
{
    /// <summary>
    /// Type names as stored: namespace-qualified, with generic arguments in brackets and no assembly names
    /// ("System.Collections.Generic.List`1[System.Int32]"), so that a file never names an assembly to load.
    /// </summary>
    internal static class TypeNames
    {
        private static readonly ConcurrentDictionary<Type, string> s_names = new ConcurrentDictionary<Type, string>();
        private static readonly ConcurrentDictionary<Type, string[]> s_chains = new ConcurrentDictionary<Type, string[]>();

        /// <summary>The scalar types a materialized typed collection may have as elements, by stored name. No other name is ever turned into a type.</summary>
        private static readonly Dictionary<string, Type> s_known = KnownTypes();

        private static Dictionary<string, Type> KnownTypes()
        {
            var known = new Dictionary<string, Type>(StringComparer.Ordinal)
            {
                ["System.Object"] = typeof(object),
                ["System.String"] = typeof(string),
            };
            // The scalars: inline ones by their tags, the ones stored as nodes of their own through their codecs.
            for (int tag = 0; tag <= byte.MaxValue; tag++)
            {
                var type = ScalarCodec.IsInline((byte)tag) ? ScalarCodec.TypeOf((byte)tag) : null;
                if (type != null) known[Of(type)] = type;
            }
            foreach (var codec in ScalarNodes.All)
                if (codec.Type != null) known[Of(codec.Type)] = codec.Type;
            return known;
        }

        public static string Of(Type t)
        {
            if (s_names.TryGetValue(t, out var name)) return name;
            name = Format(t);
            s_names.TryAdd(t, name);
            return name;
        }

        /// <summary>The type, its base types and System.Object, most derived first.</summary>
        public static string[] ChainOf(Type t)
        {
            if (s_chains.TryGetValue(t, out var chain)) return chain;
            var list = new List<string>();
            for (var b = t; b != null; b = b.BaseType) list.Add(Of(b));
            chain = list.ToArray();
            s_chains.TryAdd(t, chain);
            return chain;
        }

        public static bool TryGetKnown(string name, out Type type) => s_known.TryGetValue(name, out type);

        private static string Format(Type t)
        {
            if (t.IsArray)
            {
                var element = t.GetElementType();
                int rank = t.GetArrayRank();
                bool vector = rank == 1 && t == element.MakeArrayType();
                return Of(element) + (vector ? "[]" : rank == 1 ? "[*]" : "[" + new string(',', rank - 1) + "]");
            }
            if (t.IsGenericType && !t.IsGenericTypeDefinition)
            {
                var sb = new StringBuilder(t.GetGenericTypeDefinition().FullName ?? t.Name);
                sb.Append('[');
                var args = t.GetGenericArguments();
                for (int i = 0; i < args.Length; i++)
                {
                    if (i > 0) sb.Append(',');
                    sb.Append(args[i].IsGenericParameter ? args[i].Name : Of(args[i]));
                }
                sb.Append(']');
                return sb.ToString();
            }
            return t.FullName ?? t.Name;
        }
    }
}
