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
    /// <summary>How the writer stores values of one .NET type; computed once per type.</summary>
    internal sealed class TypeProfile
    {
        private static readonly ConcurrentDictionary<Type, TypeProfile> s_profiles = new ConcurrentDictionary<Type, TypeProfile>();

        private TypeProfile(Type type)
        {
            Type = type;
            IsValueType = type.IsValueType;
            Name = TypeNames.Of(type);
        }

        public Type Type { get; }
        public StoredKind Kind { get; private set; }
        public bool IsValueType { get; }
        public string Name { get; }

        /// <summary>Why the type is refused, for the two refused kinds.</summary>
        public string Refusal { get; private set; }
        /// <summary>
        /// A refused type that a host describes like any object when it is met inside a .NET object (reflection: a Type, an
        /// Assembly), as PowerShell's serializer writes its properties; the rest stay their text there.
        /// </summary>
        public bool DescribedInsideObjects { get; private set; }

        /// <summary>The codec of a <see cref="StoredKind.ScalarNode"/>.</summary>
        public ScalarNodeCodec Codec { get; private set; }

        /// <summary>The element tag of a packed array or List of a primitive.</summary>
        public byte ElementTag { get; private set; }

        // Ordinary objects: the public readable instance properties, stored as a record.
        public string[] TypeChain { get; private set; }
        public string[] PropertyNames { get; private set; }
        public PropertyInfo[] Properties { get; private set; }

        // Dictionaries that are only IEnumerable<KeyValuePair<K,V>>.
        public PropertyInfo PairKey { get; private set; }
        public PropertyInfo PairValue { get; private set; }

        public static TypeProfile Of(Type type)
        {
            if (s_profiles.TryGetValue(type, out var p)) return p;
            p = Build(type);
            s_profiles.TryAdd(type, p);
            return p;
        }

        private static TypeProfile Build(Type t)
        {
            var p = new TypeProfile(t);
            string refusal = SecretRefusal(t);
            if (refusal != null)
            {
                p.Kind = StoredKind.RefusedSecret;
                p.Refusal = refusal;
                return p;
            }
            refusal = UnrepresentableRefusal(t);
            if (refusal != null)
            {
                p.Kind = StoredKind.RefusedUnrepresentable;
                p.Refusal = refusal;
                p.DescribedInsideObjects = IsReflection(t);
                return p;
            }
            if (ScalarCodec.IsInlineType(t))
            {
                p.Kind = StoredKind.Inline;
                return p;
            }
            if (t == typeof(string)) { p.Kind = StoredKind.String; return p; }
            var codec = ScalarNodes.For(t);
            if (codec != null)
            {
                p.Kind = StoredKind.ScalarNode;
                p.Codec = codec;
                return p;
            }
            if (t == typeof(AncientList) || t == typeof(AncientArray) || t == typeof(AncientGenericList)) { p.Kind = StoredKind.AncientList; return p; }
            if (t == typeof(AncientDictionary)) { p.Kind = StoredKind.AncientDictionary; return p; }
            if (t == typeof(AncientRecord)) { p.Kind = StoredKind.AncientRecord; return p; }
            if (t == typeof(MaterializedRecord)) { p.Kind = StoredKind.MaterializedRecord; return p; }
            if (t.IsArray && t.GetArrayRank() == 1 && t == t.GetElementType().MakeArrayType() && IsPackable(t.GetElementType()))
            {
                p.Kind = StoredKind.PackedArray;
                p.ElementTag = NodeTags.OfPrimitive(t.GetElementType());
                return p;
            }
            if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(List<>) && IsPackable(t.GetGenericArguments()[0]))
            {
                p.Kind = StoredKind.PackedList;
                p.ElementTag = NodeTags.OfPrimitive(t.GetGenericArguments()[0]);
                return p;
            }
            if (typeof(IDictionary).IsAssignableFrom(t)) { p.Kind = StoredKind.Dictionary; return p; }
            // A list that is also a read-only dictionary (a Regex GroupCollection: groups by number and by name) is a
            // list, as PowerShell enumerates and serializes it: its non-generic enumerator gives the items, not pairs.
            if (typeof(IList).IsAssignableFrom(t)) { p.Kind = StoredKind.List; return p; }
            var pair = GenericDictionaryPair(t);
            if (pair != null)
            {
                p.Kind = StoredKind.GenericDictionary;
                p.PairKey = pair.GetProperty("Key");
                p.PairValue = pair.GetProperty("Value");
                return p;
            }
            if (typeof(IEnumerable).IsAssignableFrom(t)) { p.Kind = StoredKind.Enumerable; return p; }

            p.Kind = StoredKind.Object;
            p.TypeChain = TypeNames.ChainOf(t);
            var properties = new List<PropertyInfo>();
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            // Most derived first, so that a property hidden with 'new' keeps the derived one.
            for (var b = t; b != null; b = b.BaseType)
            {
                foreach (var prop in b.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
                {
                    if (!prop.CanRead || prop.GetIndexParameters().Length != 0) continue;
                    var getter = prop.GetGetMethod(false);
                    if (getter == null || getter.ContainsGenericParameters) continue;
                    if (prop.PropertyType.IsByRef || prop.PropertyType.IsPointer) continue;
                    if (!seen.Add(prop.Name)) continue;
                    properties.Add(prop);
                }
            }
            p.Properties = properties.ToArray();
            p.PropertyNames = new string[p.Properties.Length];
            for (int i = 0; i < p.Properties.Length; i++) p.PropertyNames[i] = p.Properties[i].Name;
            return p;
        }

        private static bool IsPackable(Type element) => element.IsPrimitive && NodeTags.OfPrimitive(element) != 0;

        private static Type GenericDictionaryPair(Type t)
        {
            foreach (var i in t.GetInterfaces())
            {
                if (!i.IsGenericType) continue;
                var def = i.GetGenericTypeDefinition();
                if (def == typeof(IDictionary<,>) || def == typeof(IReadOnlyDictionary<,>))
                    return typeof(KeyValuePair<,>).MakeGenericType(i.GetGenericArguments());
            }
            return null;
        }

        private static string SecretRefusal(Type t)
        {
            for (var b = t; b != null; b = b.BaseType)
            {
                switch (b.FullName)
                {
                    case "System.Security.SecureString":
                    case "System.Management.Automation.PSCredential":
                    case "System.Net.NetworkCredential":
                        return $"A {b.FullName} holds a secret, and secrets must never reach a heap file in plaintext (heaps are shared, unencrypted files). Store a reference to the secret (for example a vault name) instead.";
                }
            }
            return null;
        }

        private static bool IsReflection(Type t)
            => typeof(MemberInfo).IsAssignableFrom(t) || typeof(Assembly).IsAssignableFrom(t) || typeof(Module).IsAssignableFrom(t) || typeof(ParameterInfo).IsAssignableFrom(t);

        private static string UnrepresentableRefusal(Type t)
        {
            if (t == typeof(IntPtr) || t == typeof(UIntPtr) || t == typeof(Pointer) || t.IsPointer)
                return $"A {t.FullName} is a memory address that means nothing outside this process.";
            if (typeof(Delegate).IsAssignableFrom(t))
                return $"A delegate ({t.FullName}) is code bound to live objects and cannot be stored.";
            if (IsReflection(t))
                return $"A {t.FullName} describes code loaded in this process. Store its name instead.";
            if (typeof(Stream).IsAssignableFrom(t) || typeof(WaitHandle).IsAssignableFrom(t) || typeof(System.Runtime.InteropServices.SafeHandle).IsAssignableFrom(t)
                || typeof(Thread).IsAssignableFrom(t) || typeof(Task).IsAssignableFrom(t))
                return $"A {t.FullName} is a live resource or operation of this process and cannot be represented faithfully. Store the data it produces instead.";
            return null;
        }
    }
}
