using System;
using System.Reflection;

namespace AncientPS.Engine
{
    /// <summary>
    /// The rule for types a heap file may name and a reader may make an instance of (an empty collection of the stored
    /// value's original type, to name it as the original does): only .NET's own types, and generic types and arrays made
    /// of them. A hostile file naming any other loaded type must not get its constructor run.
    /// </summary>
    public static class FrameworkTypes
    {
        /// <summary>True for a type of .NET itself, or an array or generic type whose element and arguments all are.</summary>
        public static bool Contains(Type type)
        {
            if (type == null) return false;
            if (type.IsArray) return Contains(type.GetElementType());
            if (type.IsGenericType)
                foreach (var argument in type.GetGenericArguments())
                    if (!Contains(argument)) return false;
            return IsFrameworkAssembly(type.Assembly);
        }

        /// <summary>True for an assembly of .NET itself (mscorlib, netstandard, System and System.*).</summary>
        public static bool IsFrameworkAssembly(Assembly assembly)
        {
            if (assembly == null) return false;
            if (assembly == typeof(object).Assembly) return true;
            string name = assembly.GetName().Name;
            return name == "System" || name.StartsWith("System.", StringComparison.Ordinal) || name == "mscorlib" || name == "netstandard";
        }
    }
}
