using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace AncientPS.Engine
{
    /// <summary>
    /// The enum types a read may return as enums: the listed ones, and any enum type of an assembly the process has
    /// already loaded (PowerShell's ActionPreference, CommandTypes...). A stored enum whose type is neither comes back as
    /// its underlying number: the reader never loads an assembly because a file names a type.
    /// </summary>
    public static class AncientEnumTypes
    {
        private static readonly object s_lock = new object();
        private static volatile Dictionary<string, Type> s_allowed = Seed();

        private static Dictionary<string, Type> Seed()
        {
            var types = new[]
            {
                typeof(DayOfWeek), typeof(DateTimeKind), typeof(ConsoleColor), typeof(ConsoleKey), typeof(StringComparison),
                typeof(UriKind), typeof(FileAttributes), typeof(FileMode), typeof(FileAccess), typeof(FileShare),
                typeof(SeekOrigin), typeof(DriveType), typeof(NumberStyles), typeof(DateTimeStyles), typeof(UnicodeCategory),
                typeof(TypeCode), typeof(PlatformID), typeof(Environment.SpecialFolder), typeof(EnvironmentVariableTarget),
                typeof(Base64FormattingOptions), typeof(MidpointRounding), typeof(StringSplitOptions), typeof(GCCollectionMode),
                typeof(System.Diagnostics.ProcessPriorityClass), typeof(System.Diagnostics.ProcessWindowStyle),
                typeof(System.Threading.ThreadState), typeof(System.Threading.Tasks.TaskStatus),
                typeof(System.Net.HttpStatusCode), typeof(System.Net.Sockets.AddressFamily),
            };
            var map = new Dictionary<string, Type>(StringComparer.Ordinal);
            foreach (var t in types) map[Encoding.TypeNames.Of(t)] = t;
            return map;
        }

        /// <summary>Lets reads return values of <paramref name="enumType"/> as enums.</summary>
        public static void Allow(Type enumType)
        {
            if (enumType == null) throw new ArgumentNullException(nameof(enumType));
            if (!enumType.IsEnum) throw new ArgumentException($"{enumType.FullName} is not an enum type.", nameof(enumType));
            lock (s_lock)
            {
                var copy = new Dictionary<string, Type>(s_allowed, StringComparer.Ordinal) { [Encoding.TypeNames.Of(enumType)] = enumType };
                s_allowed = copy;
            }
        }

        public static bool IsAllowed(string typeName) => typeName != null && s_allowed.ContainsKey(typeName);

        /// <summary>The names currently allowed, as stored (namespace-qualified, no assembly).</summary>
        public static IReadOnlyCollection<string> Names => s_allowed.Keys;

        internal static bool TryGet(string typeName, out Type type)
        {
            if (s_allowed.TryGetValue(typeName, out type)) return true;
            return TryFindLoaded(typeName, out type);
        }

        // Names looked up among the loaded assemblies and not found, with the number of assemblies loaded at the time:
        // a name is looked up again only once more assemblies are loaded.
        private static volatile Dictionary<string, int> s_missing = new Dictionary<string, int>(StringComparer.Ordinal);

        private static bool TryFindLoaded(string typeName, out Type type)
        {
            type = null;
            var assemblies = AppDomain.CurrentDomain.GetAssemblies();
            if (s_missing.TryGetValue(typeName, out int seen) && seen == assemblies.Length) return false;
            // Generic arguments or assembly qualification would make GetType resolve (and load) further types.
            if (typeName.IndexOf('[') < 0 && typeName.IndexOf(',') < 0)
            {
                foreach (var assembly in assemblies)
                {
                    Type candidate;
                    try { candidate = assembly.GetType(typeName, false); }
                    catch (Exception e) when (e is ArgumentException || e is IOException || e is TypeLoadException || e is BadImageFormatException) { continue; }
                    if (candidate != null && candidate.IsEnum && Encoding.TypeNames.Of(candidate) == typeName)
                    {
                        Allow(candidate);
                        type = candidate;
                        return true;
                    }
                }
            }
            lock (s_lock)
            {
                s_missing = new Dictionary<string, int>(s_missing, StringComparer.Ordinal) { [typeName] = assemblies.Length };
            }
            return false;
        }
    }
}
