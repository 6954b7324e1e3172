using System.Management.Automation;
using AncientPS.Engine;

namespace AncientPS.Projection
{
    /// <summary>
    /// Hands every stored record out as a PSCustomObject with lazily read note properties (<see cref="StoredRecordObject"/>):
    /// at the root, in lists, in dictionaries and in properties. Lists and dictionaries stay the engine's lazy views (each inside a
    /// PSObject named after its original type, <see cref="OriginalTypeNames"/>).
    /// </summary>
    internal sealed class PowerShellProjection : ValueProjection
    {
        public static readonly PowerShellProjection Instance = new PowerShellProjection();

        /// <summary>
        /// For -Materialize (<see cref="PSObjectMaterializer"/>, which copies the engine's bare views): records, lists and
        /// dictionaries stay views; an enum whose type this process lacks is Import-Clixml's object, as a read gives it.
        /// </summary>
        public static readonly ValueProjection ForMaterialize = new MaterializeProjection();

        private sealed class MaterializeProjection : ValueProjection
        {
            public override object ProjectEnum(string typeName, object number, string text) => Instance.ProjectEnum(typeName, number, text);
            public override object LookupKey(object key) => Instance.LookupKey(key);
        }

        private const string ByteArrayName = "System.Byte[]";

        private PowerShellProjection() { }

        static PowerShellProjection()
        {
            // AncientValue.Describe($x) looks through the module's own objects for a stored list or dictionary to the view.
            AncientValue.HostViewOf = value => OriginalTypeNames.CollectionOf(value) is object collection ? StoredDictionary.ViewOf(collection) : null;
        }

        /// <summary>
        /// For -Materialize: the object a record stands for when it is not an ordinary property bag's copy (an XML
        /// document or element, an empty credential, a type Import-Clixml makes anew such as an IPAddress); null for any
        /// other record, which is copied as a PSCustomObject.
        /// </summary>
        internal static object MaterializeSpecial(AncientRecord view)
        {
            var record = new StoredRecord(view);
            if (record.WrapsValue) return null;
            if (StoredXmlDocument.IsDocument(record)) return StoredXmlDocument.TryRead(record);
            if (StoredEmptyCredential.IsEmptyCredential(record)) return PSCredential.Empty;
            if (record.IsPropertyBag) return null;
            return SerializerRehydration.TryRehydrate(record, StoredRecordObject.Project(record));
        }

        public override object ProjectRecord(StoredRecord record)
        {
            if (record.WrapsValue) return ValueNotes.Project(record);
            if (StoredXmlDocument.IsDocument(record)) return StoredXmlDocument.TryRead(record) ?? StoredRecordObject.Project(record);
            if (StoredEmptyCredential.IsEmptyCredential(record)) return PSCredential.Empty;
            var projected = StoredRecordObject.Project(record);
            return SerializerRehydration.TryRehydrate(record, projected) ?? projected;
        }

        /// <summary>
        /// A key that went down a pipeline arrives as a PSObject around the string (<c>$keys | Sort-Object | % { $d[$_] }</c>):
        /// the lookup is for the string, as a hashtable's is. A PSCustomObject key stays itself.
        /// </summary>
        public override object LookupKey(object key)
        {
            if (!(key is PSObject pso) || pso.BaseObject is PSCustomObject) return key;
            // An enum read without its type (or Import-Clixml's copy of one) is the enum key it was stored as.
            return TryReadUnresolvedEnum(pso, out var unresolved) ? unresolved : pso.BaseObject;
        }

        private const string DeserializedEnum = OriginalTypeNames.DeserializedPrefix + "System.Enum";

        /// <summary>
        /// An enum whose type this process lacks, as a read gives it (<see cref="ProjectEnum"/>) or Import-Clixml does: a
        /// PSObject around the integer named Deserialized.&lt;type&gt; and Deserialized.System.Enum, whose text is the
        /// original's. Set stores it as that enum again (its name, number and text), so that it does not turn into a bare
        /// number. False for anything else, and for a type this process has (Import-Clixml's copy of a loaded enum stays
        /// as it was stored before: its number).
        /// </summary>
        internal static bool TryReadUnresolvedEnum(PSObject pso, out UnresolvedEnum value)
        {
            value = null;
            object number = pso.BaseObject;
            if (!UnresolvedEnum.IsUnderlying(number)) return false;
            if (!PropertyBagReader.TryGetTypeNames(pso, out var names)) names = pso.TypeNames;
            if (names.Count < 2 || !names[0].StartsWith(OriginalTypeNames.DeserializedPrefix, System.StringComparison.Ordinal) || !names.Contains(DeserializedEnum)) return false;
            string typeName = names[0].Substring(OriginalTypeNames.DeserializedPrefix.Length);
            if (typeName.Length == 0 || LoadedTypes.Resolve(typeName) != null) return false;
            value = new UnresolvedEnum(typeName, number, pso.ToString());
            return true;
        }

        public override object ProjectRecord(AncientRecord record) => ProjectRecord(new StoredRecord(record));

        /// <summary>
        /// A record a list's enumeration handed out is held by the list from then on when a script may have changed it
        /// (Add-Member, PSTypeNames), so that reading it again gives the changed object; an unchanged one is held only while
        /// the script holds it. Anything else (a value with notes, an XML copy, a rehydrated .NET object) is always held.
        /// </summary>
        public override bool ShouldKeep(object projected) => !(projected is StoredRecordObject record) || record.MayHaveChanged();

        // The type names of an enum read without its type, by its stored type name: Import-Clixml's, and the read-only
        // list every value shares where PowerShell allows (null where not).
        private sealed class EnumNames
        {
            public string[] Names;
            public System.Collections.ObjectModel.Collection<string> Shared;
        }

        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, EnumNames> s_enumNames
            = new System.Collections.Concurrent.ConcurrentDictionary<string, EnumNames>(System.StringComparer.Ordinal);

        private static EnumNames NamesOfEnum(string typeName)
        {
            var names = new[] { typeName, "System.Enum", "System.ValueType", "System.Object" };
            for (int i = 0; i < names.Length; i++) names[i] = OriginalTypeNames.Deserialized(names[i]);
            return new EnumNames { Names = names, Shared = MemberTable.SharedTypeNames(names) };
        }

        /// <summary>
        /// An enum whose type this process has not loaded (a script's enum, read by a process that did not define it; a type
        /// of an assembly not loaded here), stored with its text (format 1.6), as Import-Clixml gives it back: the number in a
        /// PSObject named Deserialized.&lt;type&gt; (and Deserialized.System.Enum ..., whose type data gives it a Value
        /// property), whose text is the original's ("Gold": Format-Table, ToString()); the number to operators and casts.
        /// Where this PowerShell cannot set a deserialized object's text, the names alone.
        /// </summary>
        public override object ProjectEnum(string typeName, object number, string text)
        {
            var pso = new PSObject(number);
            var names = s_enumNames.GetOrAdd(typeName, NamesOfEnum);
            if (names.Shared == null || !MemberTable.TrySetTypeNames(pso, names.Shared))
            {
                var own = pso.TypeNames;
                own.Clear();
                foreach (var name in names.Names) own.Add(name);
            }
            if (DeserializedText.TrySet(pso, text)) DeserializedMembers.TryAddTextMethod(pso);
            return pso;
        }

        // A list or dictionary knows the object it was read from, and reads its own elements as their parent, so that a
        // stored graph that leads back to a node gives back the object made for it, as the original graph does:
        // $a.Items[0].Parent is $a itself, and $h.self is $h, when the original's were.
        // A list or dictionary the original held in several places (format 1.3) is one object within a read, as a
        // record is (StoredRecordObject.Project): AncientValue keeps it per read.
        public override object ProjectList(AncientList list)
        {
            // A byte[] is one of the serializer's own types (Import-Clixml gives it back as a byte[], from base64): a blob
            // that .NET methods take as a byte[] ([IO.File]::WriteAllBytes, [Convert]::ToBase64String). It comes back as
            // one, copied out in bulk, as an [xml] document comes back as a document.
            if (list.ToString() == ByteArrayName && list.ToArray() is byte[] bytes) return bytes;
            return OriginalTypeNames.FindAncestor(list) ?? AncientValue.KeptProjection(list)
                ?? AncientValue.KeepProjection(list, Reader(list, OriginalTypeNames.Wrap(list, StoredRecordObject.CurrentReader)));
        }

        public override object ProjectDictionary(AncientDictionary dictionary)
            => OriginalTypeNames.FindAncestor(dictionary) ?? AncientValue.KeptProjection(dictionary)
                ?? AncientValue.KeepProjection(dictionary, Reader(dictionary, OriginalTypeNames.Wrap(StoredDictionary.For(dictionary), StoredRecordObject.CurrentReader)));

        // The object PowerShell is given for a view reads the view's elements (or, where it is the bare collection, the
        // object the view was read from does).
        private static object Reader(object view, object projected)
        {
            AncientValue.SetProjectionParent(view, projected as IProjectedNode ?? StoredRecordObject.CurrentReader);
            return projected;
        }

        public override object BeginElement(object parent) => StoredRecordObject.EnterReading(parent as IProjectedNode);

        public override void EndElement(object state) => StoredRecordObject.ExitReading(state as IProjectedNode);
    }
}
