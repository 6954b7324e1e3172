namespace AncientPS.Engine.Encoding
{
    /// <summary>Well-known collection type names that lists store as a code instead of a name.</summary>
    internal static class CollectionCodes
    {
        public const ushort ObjectArray = 0;
        public const ushort ArrayList = 1;
        public const ushort ObjectList = 2;
        public const ushort Named = 0xFFFF;

        public const ushort PackedArray = 0;
        public const ushort PackedGenericList = 1;

        public const string ObjectArrayName = "System.Object[]";
        public const string ArrayListName = "System.Collections.ArrayList";
        public const string ObjectListName = "System.Collections.Generic.List`1[System.Object]";
        public const string GenericListPrefix = "System.Collections.Generic.List`1[";

        public static ushort CodeOf(string typeName)
        {
            switch (typeName)
            {
                case ObjectArrayName: return ObjectArray;
                case ArrayListName: return ArrayList;
                case ObjectListName: return ObjectList;
                default: return Named;
            }
        }

        public static string NameOf(ushort code)
        {
            switch (code)
            {
                case ObjectArray: return ObjectArrayName;
                case ArrayList: return ArrayListName;
                case ObjectList: return ObjectListName;
                default: return null;
            }
        }
    }
}
