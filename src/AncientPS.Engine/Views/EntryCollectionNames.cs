using System;
using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;

namespace AncientPS.Engine.Views
{
    /// <summary>
    /// The text a stored dictionary's original key and value collections give (their type's name), so that a dictionary
    /// formatted as one object (Format-List, CSV, HTML) shows what the original shows. Only for collection types of .NET
    /// itself, made empty with their parameterless constructor: a type named by a heap file is never otherwise run.
    /// </summary>
    internal static class EntryCollectionNames
    {
        private static readonly ConcurrentDictionary<string, string[]> s_names = new ConcurrentDictionary<string, string[]>(StringComparer.Ordinal);

        /// <summary>The keys' (or values') collection text of a dictionary stored from <paramref name="typeName"/>; null when unknown.</summary>
        public static string Of(string typeName, bool values)
        {
            if (typeName == null) return null;
            var names = s_names.GetOrAdd(typeName, Describe);
            return names?[values ? 1 : 0];
        }

        private static string[] Describe(string typeName)
        {
            try
            {
                var type = LoadedTypes.Resolve(typeName);
                if (!FrameworkTypes.Contains(type) || !typeof(IDictionary).IsAssignableFrom(type) || type.IsAbstract) return null;
                if (type.GetConstructor(Type.EmptyTypes) == null) return null;
                var empty = (IDictionary)Activator.CreateInstance(type);
                return new[] { empty.Keys.ToString(), empty.Values.ToString() };
            }
            catch (Exception e) when (e is ArgumentException || e is TypeLoadException || e is System.IO.IOException || e is BadImageFormatException
                || e is MemberAccessException || e is TargetInvocationException || e is NotSupportedException)
            {
                return null;
            }
        }
    }
}
