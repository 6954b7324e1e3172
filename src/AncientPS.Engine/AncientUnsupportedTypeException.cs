using System;

namespace AncientPS.Engine
{
    /// <summary>A value of a type the engine refuses to store (secrets, pointers, delegates, ...). Nothing was stored.</summary>
    public sealed class AncientUnsupportedTypeException : NotSupportedException
    {
        public AncientUnsupportedTypeException(string message, Type type) : base(message) { Type = type; }

        public AncientUnsupportedTypeException(string message, Type type, string path) : base(message)
        {
            Type = type;
            Path = path;
        }

        public Type Type { get; }

        /// <summary>Where in the graph the value was met, as PowerShell would reach it ([12].PSDrive.Credential); empty for the value itself, null when unknown.</summary>
        public string Path { get; }
    }
}
