using System;
using System.Collections.Concurrent;
using System.Collections.Generic;

namespace AncientPS.Engine.Encoding
{
    /// <summary>
    /// The type names a deserialized list or dictionary keeps (format 1.4, list and dictionary flag 0x20): the original
    /// collection's .NET type and its base types, most derived first, each its Type.FullName (as PowerShell names an
    /// object, assembly-qualified generic arguments included), joined by line feeds into the node's one name string.
    /// A .NET object stored through PowerShell reads back as Import-Clixml's copy, and Import-Clixml gives each list or
    /// dictionary in it as an ArrayList or a Hashtable named "Deserialized." and these names.
    /// </summary>
    internal static class DeserializedNames
    {
        public const char Separator = '\n';

        private static readonly ConcurrentDictionary<Type, string> s_joined = new ConcurrentDictionary<Type, string>();

        /// <summary>The names of <paramref name="type"/> and its base types joined, or null when one of them cannot be written so.</summary>
        public static string Of(Type type) => s_joined.GetOrAdd(type, Join);

        private static string Join(Type type)
        {
            var names = new List<string>();
            for (var t = type; t != null; t = t.BaseType)
            {
                string name = t.FullName;
                // A type without a full name (a generic parameter) or one whose name holds the separator cannot be listed.
                if (string.IsNullOrEmpty(name) || name.IndexOf(Separator) >= 0) return null;
                names.Add(name);
            }
            return string.Join(Separator.ToString(), names);
        }

        /// <summary>The names in a stored name string; a name string with an empty name is damage at <paramref name="offset"/>.</summary>
        public static string[] Split(string joined, long offset)
        {
            var names = joined.Split(Separator);
            foreach (var name in names)
                if (name.Length == 0) throw Corrupt.Node(offset, "names an empty type among the types of a deserialized collection");
            return names;
        }
    }
}
