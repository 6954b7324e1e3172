namespace AncientPS.Engine.Storage
{
    /// <summary>The root of an encoded value: a tag and an 8-byte payload, stored in the key's directory entry.</summary>
    internal readonly struct EncodedValue
    {
        public EncodedValue(byte tag, ulong payload, string typeName)
        {
            Tag = tag;
            Payload = payload;
            TypeName = typeName;
        }

        public byte Tag { get; }
        public ulong Payload { get; }

        /// <summary>The display type name of the root (for listings), such as "System.Object[]" or "System.Management.Automation.PSCustomObject".</summary>
        public string TypeName { get; }
    }
}
