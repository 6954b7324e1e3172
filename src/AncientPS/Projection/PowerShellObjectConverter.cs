using System;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using AncientPS.Engine;

namespace AncientPS.Projection
{
    /// <summary>
    /// Tells the engine what PowerShell's objects are: PSObject wrappers are unwrapped, PSCustomObjects are stored as
    /// property bags with their PSTypeNames, and other .NET objects as records of their PowerShell-adapted properties,
    /// which is what Export-Clixml stores.
    /// </summary>
    internal sealed class PowerShellObjectConverter : ObjectConverter
    {
        // Unwrapping a PSObject to its base object would lose the note properties attached to that instance (such as the
        // PSPath that providers add); remember the wrapper so TryDescribe can describe the object with them. The engine
        // describes an object right after unwrapping it (GraphWriter.Encode), so the last wrapper is the one; an object
        // met bare is wrapped anew, and PowerShell gives the new wrapper the members it keeps for that object.
        private object _lastBase;
        private PSObject _lastWrapper;
        private readonly PropertyBagReader _bags = new PropertyBagReader();
        private StandardMembers _lastStandard; // the last PSStandardMembers stored the full way
        private readonly AdaptedObjectReader _adapted = new AdaptedObjectReader();
        // Each type's serialization settings from its type data, read once per Set (type data may change between Sets).
        private readonly Dictionary<Type, TypeSerializationSettings> _settings = new Dictionary<Type, TypeSerializationSettings>();

        /// <summary>
        /// The one place that recognises a value Get-AncientObject handed out, to store the stored node again: a stored
        /// record nobody has changed, or a stored hashtable (its view). Other lists and dictionaries read from a heap are
        /// engine views, which the engine knows.
        /// </summary>
        private static bool TryGetStored(object value, out object stored)
        {
            stored = value is StoredRecordObject record && record.IsUnchanged() ? record.Stored.Open()
                : value is IStoredDictionary dictionary ? dictionary.View
                : value is PSObject wrapper && wrapper.BaseObject is IStoredDictionary wrapped ? wrapped.View
                : null;
            return stored != null;
        }

        public override object Unwrap(object value)
        {
            if (TryGetStored(value, out object stored)) return stored;
            if (value is PSObject pso)
            {
                // "Nothing" (a script property whose script wrote no output, a hashtable value from an empty pipeline)
                // is $null to every reader in PowerShell, not an empty PSCustomObject.
                if (ReferenceEquals(pso, System.Management.Automation.Internal.AutomationNull.Value)) return null;
                object baseObject = pso.BaseObject;
                if (baseObject is PSCustomObject) return pso;
                if (TryStoreAs(baseObject, out object substitute)) return substitute;
                // An enum read without its type (or Import-Clixml's copy of one) stays that enum, not its number.
                if (PowerShellProjection.TryReadUnresolvedEnum(pso, out var unresolved)) return unresolved;
                if (IsObject(baseObject))
                {
                    if (SettingsOf(baseObject).AsString) return TypeSerializationSettings.TextOf(pso);
                    _lastBase = baseObject;
                    _lastWrapper = pso;
                }
                // A string or number with notes of its own (a line of Get-Content) stays wrapped: TryDescribeValueWithNotes.
                else if (ValueNotes.MayCarry(baseObject) && ReadNotes(pso)) return pso;
                return baseObject;
            }
            if (TryStoreAs(value, out object replaced)) return replaced;
            return IsObject(value) && SettingsOf(value).AsString ? TypeSerializationSettings.TextOf(value) : value;
        }

        /// <summary>An object the type data may say how to store: a class that is neither a string nor a collection.</summary>
        private static bool IsObject(object value) => value != null && !(value is string) && !value.GetType().IsValueType && !(value is System.Collections.IEnumerable);

        private TypeSerializationSettings SettingsOf(object baseObject) => TypeSerializationSettings.For(baseObject, _settings);

        /// <summary>The depth the object's type data asks for (an Exception's 1, a Job's 2); 0 for a property bag or none.</summary>
        public override int SerializationDepthOf(object value)
        {
            if (value == null || value is PSObject || value is string) return 0;
            // SwitchParameter is the one value type the serializer gives a depth of its own.
            if (value.GetType().IsValueType && !(value is SwitchParameter)) return 0;
            return SettingsOf(value).Depth;
        }

        /// <summary>
        /// The values stored as something else, as Import-Clixml gives them back: an empty credential as a record that
        /// reads back as [PSCredential]::Empty (see <see cref="WithoutEmptyCredential"/>), a script block as its text (PowerShell's serializer never turns text back
        /// into code it would run), an XmlDocument or XmlElement as the record <see cref="StoredXmlDocument"/> reads back as one, any other XML node as its text,
        /// a DataTable as the list of its rows (as PowerShell enumerates and serializes it).
        /// </summary>
        private static bool TryStoreAs(object value, out object substitute)
        {
            switch (value)
            {
                case PSCredential _:
                case System.Net.NetworkCredential _:
                    substitute = WithoutEmptyCredential(value);
                    return true;
                case ScriptBlock block:
                    substitute = block.ToString();
                    return true;
                case System.Xml.XmlDocument document:
                    substitute = StoredXmlDocument.ToRecord(document);
                    return true;
                case System.Data.DataTable table:
                    // PowerShell enumerates a table as its rows (the pipeline, foreach, the serializer): its rows are the value.
                    var rows = new object[table.Rows.Count];
                    for (int i = 0; i < rows.Length; i++) rows[i] = table.Rows[i];
                    substitute = rows;
                    return true;
                case System.Xml.XmlElement element:
                    substitute = StoredXmlDocument.ToRecord(element);
                    return true;
                case System.Xml.XmlNode node:
                    // An attribute, a text, comment or other node: its XML text (it enumerates its children, none or few).
                    substitute = node.OuterXml;
                    return true;
                default:
                    substitute = null;
                    return false;
            }
        }

        /// <summary>
        /// Select-Object's output (type names Selected.*) holds the values of a live object's properties, copied by
        /// <c>Select-Object *</c> or by name: what cannot be stored there (a process's SafeHandle) is kept as its text, as
        /// it is inside the object itself.
        /// </summary>
        public override bool KeepsUnstorableAsText(IReadOnlyList<string> typeNames)
            => typeNames != null && typeNames.Count > 0 && typeNames[0] != null && typeNames[0].StartsWith("Selected.", StringComparison.Ordinal);

        /// <summary>A value with notes, which <see cref="Unwrap"/> hands over in its PSObject: the value, its type names and its notes.</summary>
        public override bool TryDescribeValueWithNotes(object value, out RecordDescription description)
        {
            description = null;
            if (!(value is PSObject pso) || !ReferenceEquals(pso, _noted) && (pso.BaseObject is PSCustomObject || !ValueNotes.MayCarry(pso.BaseObject) || !ReadNotes(pso))) return false;
            description = RecordDescription.ForValueWithNotes(pso.BaseObject, ValueNotes.TypeNamesOf(pso), _notedNames, _notedValues);
            _noted = null;
            return true;
        }

        // The last value found to have notes, and its notes: the engine unwraps a value (maybe twice) and then describes it.
        private PSObject _noted;
        private List<string> _notedNames;
        private List<object> _notedValues;

        private bool ReadNotes(PSObject pso)
        {
            if (ReferenceEquals(pso, _noted)) return true;
            if (!ValueNotes.TryRead(pso, out var names, out var values)) return false;
            _noted = pso;
            _notedNames = names;
            _notedValues = values;
            return true;
        }

        // Unwrap hands a PSCustomObject over as its PSObject, a value with notes as its PSObject, and every other object as its base object.
        public override bool MayBePropertyBag(object value) => value is PSObject pso && pso.BaseObject is PSCustomObject && !ReferenceEquals(pso, s_nothing);

        public override bool TryDescribe(object value, out RecordDescription description)
        {
            if (!TryDescribeObject(value, out description)) return false;
            if (description != null && !description.IsPropertyBag) description = WithNothingAsText(description);
            return true;
        }

        /// <summary>
        /// A .NET object's property whose script gave nothing (AutomationNull: a directory's UnixMode without a stat, an
        /// alias's HelpUri) is stored as PowerShell's serializer writes it, which Import-Clixml's copy has: the empty text
        /// where no depth is left, an empty object (one for all, as the serializer refers to one) where depth is left.
        /// Everywhere else "nothing" is $null (<see cref="Unwrap"/>).
        /// </summary>
        private static readonly PSObject s_nothing = new PSObject();

        private static RecordDescription WithNothingAsText(RecordDescription description)
        {
            var values = description.Values;
            object[] changed = null;
            for (int i = 0; i < values.Count; i++)
            {
                if (!ReferenceEquals(values[i], System.Management.Automation.Internal.AutomationNull.Value)) continue;
                if (changed == null)
                {
                    changed = new object[values.Count];
                    for (int j = 0; j < changed.Length; j++) changed[j] = values[j];
                }
                changed[i] = s_nothing;
            }
            if (changed == null) return description;
            return new RecordDescription(description.TypeNames, description.Names, changed, false, description.ToStringText)
            {
                InstanceMembers = description.InstanceMembers,
                AdaptedFrom = description.AdaptedFrom,
            };
        }

        private bool TryDescribeObject(object value, out RecordDescription description)
        {
            description = null;
            if (value == null) return false;
            var pso = value as PSObject;
            bool isPropertyBag = pso != null && pso.BaseObject is PSCustomObject;
            if (pso == null) pso = ReferenceEquals(value, _lastBase) ? _lastWrapper : PSObject.AsPSObject(value);

            object[] bagValues = null;
            if (isPropertyBag && _bags.TryReadInto(pso, ref bagValues, out var bagTypeNames, out var bagNames, out var bagStandard))
            {
                description = new RecordDescription(bagTypeNames, bagNames, bagValues, true) { StandardMembers = bagStandard };
                return true;
            }

            if (!isPropertyBag && RemotingRecords.Applies(pso.BaseObject))
            {
                description = DescribeRemoting(pso);
                return true;
            }

            var specific = isPropertyBag ? null : SettingsOf(pso.BaseObject).SpecificProperties;
            if (specific != null)
            {
                description = DescribeSpecific(pso, specific);
                return true;
            }

            if (!isPropertyBag && _adapted.TryRead(pso, value, out var liveTypeNames, out var liveNames, out var liveValues, out var liveInstance, out var liveAdapted))
            {
                description = new RecordDescription(liveTypeNames, liveNames, liveValues, false, TextOf(pso));
                if (Contains(liveInstance, true)) description.InstanceMembers = liveInstance;
                description.AdaptedFrom = AdaptedFrom(liveAdapted);
                return true;
            }

            var names = new List<string>();
            var values = new List<object>();
            var instance = new List<bool>();
            var adapted = new List<bool>();
            ReadProperties(pso, names, values, instance, adapted);
            if (!isPropertyBag)
            {
                HiddenTypeMembers.Add(pso, names, values, adapted, instance);
                HiddenTypeMembers.AddHiddenAdapted(pso, names, values, adapted, instance);
            }

            var typeNames = new List<string>(pso.TypeNames);
            if (typeNames.Count == 0) typeNames.Add(value.GetType().FullName);
            description = new RecordDescription(typeNames, names, values, isPropertyBag, isPropertyBag ? null : TextOf(pso));
            if (isPropertyBag) description.StandardMembers = StandardMemberSet.Read(StandardMemberSet.Find(pso), ref _lastStandard);
            if (!isPropertyBag && instance.Contains(true)) description.InstanceMembers = instance;
            if (!isPropertyBag) description.AdaptedFrom = AdaptedFrom(adapted);
            return true;
        }

        /// <summary>
        /// An object whose type data names the properties to serialize (SerializationMethod SpecificProperties): its own note
        /// properties, then those properties in the set's order, all of them adapted ones, as the serializer writes them
        /// (in <c>&lt;MS&gt;</c> and <c>&lt;Props&gt;</c>) and Import-Clixml's copy has them.
        /// </summary>
        private static RecordDescription DescribeSpecific(PSObject pso, string[] specific)
        {
            var names = new List<string>();
            var values = new List<object>();
            var instance = new List<bool>();
            var adapted = new List<bool>();
            // The object's own note properties from its member table where PowerShell's internals allow (enumerating
            // PSObject.Properties merges every member collection: most of the cost for a command's 20 parameters).
            if (!AdaptedObjectReader.TryReadInstanceNotes(pso, names, values))
            {
                names.Clear();
                values.Clear();
                foreach (var property in pso.Properties)
                {
                    if (AdaptedObjectReader.IsOwnProperty(property) && property.IsGettable && TryGetValue(property, out object own))
                    {
                        names.Add(property.Name);
                        values.Add(own);
                    }
                }
            }
            for (int i = 0; i < names.Count; i++)
            {
                instance.Add(true);
                adapted.Add(false);
            }
            // The set's type-data members (a job's State script property) are extended members, written before its
            // .NET properties as the serializer writes them (<MS> beside <Props>); its .NET properties are adapted.
            var adaptedNames = new List<string>();
            var adaptedValues = new List<object>();
            foreach (var name in specific)
            {
                if (names.Contains(name)) continue;
                var property = pso.Properties[name];
                if (property == null || !property.IsGettable || !TryGetValue(property, out object value)) continue;
                if (property is PSProperty)
                {
                    adaptedNames.Add(property.Name);
                    adaptedValues.Add(value);
                    continue;
                }
                names.Add(property.Name);
                values.Add(value);
                instance.Add(false);
                adapted.Add(false);
            }
            for (int i = 0; i < adaptedNames.Count; i++)
            {
                names.Add(adaptedNames[i]);
                values.Add(adaptedValues[i]);
                instance.Add(false);
                adapted.Add(true);
            }
            var typeNames = new List<string>(pso.TypeNames);
            if (typeNames.Count == 0) typeNames.Add(pso.BaseObject.GetType().FullName);
            var description = new RecordDescription(typeNames, names, values, false, TextOf(pso));
            if (instance.Contains(true)) description.InstanceMembers = instance;
            description.AdaptedFrom = AdaptedFrom(adapted);
            return description;
        }

        /// <summary>
        /// An error or informational record as the serializer writes it: the notes of its remoting form
        /// (<see cref="RemotingRecords"/>), then its other note properties and its type data's members, and none of its
        /// .NET properties, as Import-Clixml's copy has them.
        /// </summary>
        private static RecordDescription DescribeRemoting(PSObject pso)
        {
            var names = new List<string>();
            var values = new List<object>();
            RemotingRecords.TryRead(pso.BaseObject, names, values);
            var instance = new List<bool>();
            var adapted = new List<bool>();
            foreach (var unused in names)
            {
                instance.Add(true);
                adapted.Add(false);
            }
            var known = new HashSet<string>(names, StringComparer.OrdinalIgnoreCase);
            foreach (var property in pso.Properties)
            {
                if (property is PSProperty || !property.IsGettable || !known.Add(property.Name) || !TryGetValue(property, out object value)) continue;
                names.Add(property.Name);
                values.Add(value);
                instance.Add(property.IsInstance);
                adapted.Add(false);
            }
            HiddenTypeMembers.Add(pso, names, values, adapted, instance);
            var typeNames = new List<string>(pso.TypeNames);
            var description = new RecordDescription(typeNames, names, values, false, TextOf(pso));
            description.InstanceMembers = instance;
            return description;
        }

        /// <summary>A property's value, timed as a getter; false when the getter throws (Export-Clixml leaves such a property out).</summary>
        private static bool TryGetValue(PSPropertyInfo property, out object value)
        {
            long started = GetterClock.Start();
            try
            {
                value = property.Value;
                return true;
            }
            catch (PipelineStoppedException)
            {
                throw;
            }
            catch (Exception)
            {
                value = null;
                return false;
            }
            finally
            {
                GetterClock.Stop(started);
            }
        }

        /// <summary>
        /// Where an object's adapted properties start, when they all come after its extended ones (as PSObject.Properties
        /// lists them); -1 when it has none, or they are mixed. Stored with the record, so that it reads back with them
        /// apart, as Import-Clixml's copy has them.
        /// </summary>
        internal static int AdaptedFrom(IReadOnlyList<bool> adapted)
        {
            if (adapted == null) return -1;
            int n = adapted.Count, first = -1;
            for (int i = 0; i < n; i++)
            {
                if (adapted[i]) { if (first < 0) first = i; }
                else if (first >= 0) return -1;
            }
            return first;
        }

        /// <summary>
        /// A PSCustomObject's note properties read into the writer's array (see <see cref="PropertyBagReader"/>); false for
        /// anything else, or where the reader takes the full way, and <see cref="TryDescribe"/> describes it.
        /// </summary>
        public override bool TryDescribePropertyBag(object value, ref object[] values, out IReadOnlyList<string> typeNames, out IReadOnlyList<string> names)
            => TryDescribePropertyBag(value, ref values, out typeNames, out names, out _);

        /// <summary>As the other, with the bag's own PSStandardMembers as stored (<see cref="StandardMemberSet"/>).</summary>
        public override bool TryDescribePropertyBag(object value, ref object[] values, out IReadOnlyList<string> typeNames, out IReadOnlyList<string> names,
            out StandardMembers standardMembers)
        {
            if (value is PSObject pso && pso.BaseObject is PSCustomObject) return _bags.TryReadInto(pso, ref values, out typeNames, out names, out standardMembers);
            typeNames = null;
            names = null;
            standardMembers = null;
            return false;
        }

        private static bool Contains(IReadOnlyList<bool> flags, bool wanted)
        {
            for (int i = 0; i < flags.Count; i++)
                if (flags[i] == wanted) return true;
            return false;
        }

        /// <summary>
        /// The text PowerShell gives the object ("$x", [string], -join, ToString(): the wrapper's ToString, which honours a
        /// ToString of the type's extended members), stored with the record as Export-Clixml writes its ToString element;
        /// null (no text stored) when it throws.
        /// </summary>
        private static string TextOf(PSObject pso)
        {
            long started = GetterClock.Start();
            try
            {
                // As Export-Clixml writes it: the wrapper converted in the invariant culture.
                return Convert.ToString(pso, CultureInfo.InvariantCulture);
            }
            catch (PipelineStoppedException)
            {
                throw;
            }
            catch (Exception)
            {
                return null;
            }
            finally
            {
                GetterClock.Stop(started);
            }
        }

        private static void ReadProperties(PSObject pso, List<string> names, List<object> values, List<bool> instance, List<bool> adapted)
        {
            var primary = pso.BaseObject is PSCustomObject ? null : AdaptedObjectReader.PrimaryAdapterProperties(pso, pso.BaseObject.GetType());
            foreach (var property in pso.Properties)
            {
                if (!property.IsGettable) continue;
                // A data row's .NET properties beside its columns: Export-Clixml writes the columns (AdaptedObjectReader).
                if (primary != null && property is PSProperty && !primary.Contains(property.Name)) continue;
                object propertyValue;
                long started = GetterClock.Start();
                try
                {
                    propertyValue = property.Value;
                }
                catch (PipelineStoppedException)
                {
                    throw;
                }
                catch (Exception)
                {
                    // Export-Clixml skips a property whose getter throws; so do we.
                    continue;
                }
                finally
                {
                    GetterClock.Stop(started);
                }
                names.Add(property.Name);
                values.Add(propertyValue);
                instance.Add(AdaptedObjectReader.IsOwnProperty(property));
                adapted.Add(property is PSProperty);
            }
        }

        /// <summary>
        /// An empty credential holds no secret. [PSCredential]::Empty (which every file's PSDrive carries) is stored as a
        /// record that reads back as [PSCredential]::Empty, as Import-Clixml gives it back (<see cref="StoredEmptyCredential"/>); a NetworkCredential with no user, domain or password is
        /// stored as null. Every other secret is the engine's to refuse, or to leave out below a live object.
        /// </summary>
        private static object WithoutEmptyCredential(object value)
        {
            if (value is PSCredential credential && IsEmpty(credential)) return StoredEmptyCredential.Record;
            return value is System.Net.NetworkCredential network && IsEmpty(network) ? null : value;
        }

        /// <summary>Checked without turning the password into a string.</summary>
        internal static bool IsEmpty(System.Net.NetworkCredential credential)
        {
            var password = credential.SecurePassword;
            return string.IsNullOrEmpty(credential.UserName) && string.IsNullOrEmpty(credential.Domain) && (password == null || password.Length == 0);
        }

        internal static bool IsEmpty(PSCredential credential)
        {
            if (ReferenceEquals(credential, PSCredential.Empty)) return true;
            var password = credential.Password;
            return string.IsNullOrEmpty(credential.UserName) && (password == null || password.Length == 0);
        }
    }
}
