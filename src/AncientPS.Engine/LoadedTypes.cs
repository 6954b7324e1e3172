using System;
using System.Collections.Generic;

namespace AncientPS.Engine
{
    /// <summary>
    /// The .NET type a stored type name (a collection's, as the writer stores it: full names, no assembly names) names,
    /// among the assemblies this process has already loaded: never loading one, never running any of its code. Callers
    /// that go on to make an instance check <see cref="FrameworkTypes.Contains"/> first, so a heap file cannot name a
    /// type of any other assembly into running its constructor.
    /// </summary>
    public static class LoadedTypes
    {
        private const int MaximumNesting = 8;

        /// <summary>
        /// The type <paramref name="name"/> names (System.Object[], System.Collections.Generic.List`1[System.Int32]...),
        /// or null when no loaded assembly has it. A generic type's arguments may live in other assemblies than its
        /// definition (List`1[System.Management.Automation.PSObject]: the list in the core library, the argument in
        /// PowerShell's), which no one assembly's GetType finds: the definition and each argument are found on their own
        /// and put together; so is an array's element type.
        /// </summary>
        public static Type Resolve(string name) => Resolve(name, 0);

        private static Type Resolve(string name, int nesting)
        {
            if (nesting > MaximumNesting || string.IsNullOrEmpty(name)) return null;
            try
            {
                var type = Type.GetType(name, false);
                if (type != null) return type;
                foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
                {
                    type = assembly.GetType(name, false);
                    if (type != null) return type;
                }
                if (name.EndsWith("[]", StringComparison.Ordinal))
                    return Resolve(name.Substring(0, name.Length - 2), nesting + 1)?.MakeArrayType();
                if (!TrySplitGeneric(name, out string definition, out List<string> arguments)) return null;
                var open = Resolve(definition + "`" + arguments.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), nesting + 1);
                if (open == null || !open.IsGenericTypeDefinition || open.GetGenericArguments().Length != arguments.Count) return null;
                var resolved = new Type[arguments.Count];
                for (int i = 0; i < resolved.Length; i++)
                {
                    resolved[i] = Resolve(arguments[i], nesting + 1);
                    if (resolved[i] == null) return null;
                }
                return open.MakeGenericType(resolved);
            }
            catch (Exception e) when (e is ArgumentException || e is System.IO.IOException || e is TypeLoadException || e is BadImageFormatException
                || e is InvalidOperationException || e is NotSupportedException)
            {
                return null;
            }
        }

        /// <summary>"Name`2[A,B[C]]" into "Name" and its top-level arguments "A" and "B[C]" (as stored: no assembly names).</summary>
        private static bool TrySplitGeneric(string name, out string definition, out List<string> arguments)
        {
            definition = null;
            arguments = null;
            int tick = name.IndexOf('`');
            if (tick <= 0 || name[name.Length - 1] != ']') return false;
            int open = name.IndexOf('[', tick);
            if (open < 0) return false;
            definition = name.Substring(0, tick);
            arguments = new List<string>();
            int depth = 0, start = open + 1;
            for (int i = open + 1; i < name.Length - 1; i++)
            {
                char c = name[i];
                if (c == '[') depth++;
                else if (c == ']') depth--;
                else if (c == ',' && depth == 0)
                {
                    arguments.Add(name.Substring(start, i - start));
                    start = i + 1;
                }
                if (depth < 0) return false;
            }
            if (depth != 0) return false;
            arguments.Add(name.Substring(start, name.Length - 1 - start));
            return arguments.TrueForAll(a => a.Length > 0);
        }
    }
}
