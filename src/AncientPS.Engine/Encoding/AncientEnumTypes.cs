using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace AncientPS.Engine
{
    /// <summary>
    /// The enum types a read may return as enums. A stored enum whose type name is not listed here comes back as its
    /// underlying number: the reader never loads a type because a file names it.
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

        internal static bool TryGet(string typeName, out Type type) => s_allowed.TryGetValue(typeName, out type);
    }
}
