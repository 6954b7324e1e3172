using System.Collections;
using System.Dynamic;
using System.Linq.Expressions;
using System.Globalization;
using System.Management.Automation;
using System.Text;
using AncientPS.Engine;
using EngineHeap = AncientPS.Engine.AncientHeap;

namespace AncientPS
{
    /// <summary>
    /// The base object of a stored record as PowerShell sees it. Its properties come from <see cref="AncientRecordAdapter"/>,
    /// registered for this exact type in AncientPS.Types.ps1xml. The class has no public properties or fields of its own:
    /// ConvertTo-Json and Get-Member would show them next to the stored ones. It does not implement IAncientNode either:
    /// PowerShell lists explicitly implemented interface properties among PSObject.Properties. It carries the member-less
    /// marker IAncientValue instead, so that '$x -is [AncientPS.Engine.IAncientValue]' holds for records as for lists.
    /// </summary>
    public sealed class AncientRecordHandle : IAncientValue, IDynamicMetaObjectProvider
    {
        // A loop over stored rows creates one handle per row, and the garbage collector's pauses stop every runspace, so
        // the handle is as small as it can be (32 bytes): the record unopened. The engine's view is opened anew each time
        // something needs more than a property value (the adapter, formatting, conversion), the slower paths anyway.
        internal readonly StoredRecord Stored;

        internal AncientRecordHandle(StoredRecord stored)
        {
            Stored = stored;
        }

        internal AncientRecordHandle(AncientRecord record)
        {
            Stored = new StoredRecord(record);
        }

        internal AncientRecord Record => Stored.Open();

        internal EngineHeap Heap => Stored.Heap;

        private long Offset => Stored.Offset;

        /// <summary>Member access from scripts ($row.Name) compiles to a direct read of the stored property: see <see cref="RecordMetaObject"/>.</summary>
        DynamicMetaObject IDynamicMetaObjectProvider.GetMetaObject(Expression parameter) => new RecordMetaObject(parameter, this);

        /// <summary>Two handles are equal when they show the same stored node, as two reads of one PSCustomObject are the same object.</summary>
        public override bool Equals(object obj)
        {
            if (obj is PSObject pso) obj = pso.BaseObject;
            if (!(obj is AncientRecordHandle other) || other.Offset != Offset) return false;
            return ReferenceEquals(other.Heap, Heap) || SameMapping(other.Heap, Heap);
        }

        private static bool SameMapping(EngineHeap a, EngineHeap b)
            => a.Path != null && string.Equals(a.Path, b.Path, System.StringComparison.Ordinal);

        public override int GetHashCode() => Offset.GetHashCode();

        /// <summary>The text PowerShell gives a PSCustomObject in a string: @{Id=1; Name=host1}.</summary>
        public override string ToString()
        {
            if (Heap.IsDisposed) return "(a value of a dismounted heap)";
            var text = new StringBuilder("@{");
            int count = Record.Count;
            for (int i = 0; i < count; i++)
            {
                if (i > 0) text.Append("; ");
                text.Append(Record.GetName(i)).Append('=').Append(ValueText(Record.GetValue(i)));
            }
            return text.Append('}').ToString();
        }

        private static string ValueText(object value)
        {
            switch (value)
            {
                case null: return string.Empty;
                // A nested PSCustomObject shows as nothing in its parent's text; keep that.
                case PSObject pso when pso.BaseObject is AncientRecordHandle: return string.Empty;
                case AncientRecord _: return string.Empty;
                case string s: return s;
                case AncientList _: return "System.Object[]";
                case AncientDictionary _: return "System.Collections.Hashtable";
                case IEnumerable _: return value.GetType().FullName;
                default:
                    try { return LanguagePrimitives.ConvertTo<string>(value); }
                    catch (PSInvalidCastException) { return System.Convert.ToString(value, CultureInfo.InvariantCulture); }
            }
        }
    }
}
