using System;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using System.Reflection;

namespace AncientPS.Projection
{
    /// <summary>
    /// Error records and informational records (warnings, verbose and debug messages) are not serialized by their
    /// properties: PowerShell's serializer writes the notes their remoting form gives them (Exception, TargetObject,
    /// FullyQualifiedErrorId, InvocationInfo, ErrorCategory_Category ... ErrorDetails_ScriptStackTrace for an error;
    /// InformationalRecord_Message and InformationalRecord_SerializeInvocationInfo for a warning) and then the object's
    /// extended members, and none of its .NET properties. Import-Clixml's copy is that property bag, and so is the stored
    /// copy: <see cref="TryRead"/> gives the notes, which the converter stores followed by the object's extended members.
    /// <para>
    /// The notes come from the record's own remoting form, an internal method of PowerShell's called on a scratch
    /// PSObject (so the caller's object is not changed, where Export-Clixml adds the notes to it), bound once and guarded.
    /// Where it is missing, or <see cref="UseInternal"/> is off, they are made here from the public members, as that
    /// method makes them for a record that does not carry its invocation details for remoting (every record but those a
    /// remote session sent): the same names, values and order.
    /// </para>
    /// </summary>
    internal static class RemotingRecords
    {
        private static readonly Action<object, PSObject> s_errorForm = Bind(typeof(ErrorRecord));
        private static readonly Action<object, PSObject> s_informationalForm = Bind(typeof(InformationalRecord));

        /// <summary>False makes the notes from the public members (tests and the fallback's check).</summary>
        internal static bool UseInternal { get; set; } = true;

        /// <summary>True for a record the serializer writes in its remoting form.</summary>
        internal static bool Applies(object baseObject) => baseObject is ErrorRecord || baseObject is InformationalRecord;

        /// <summary>The remoting notes of <paramref name="record"/>, in order; false when it is not such a record.</summary>
        internal static bool TryRead(object record, List<string> names, List<object> values)
        {
            if (!Applies(record)) return false;
            var form = record is ErrorRecord ? s_errorForm : s_informationalForm;
            if (UseInternal && form != null)
            {
                var scratch = new PSObject();
                try
                {
                    form(record, scratch);
                    foreach (var property in scratch.Properties)
                    {
                        names.Add(property.Name);
                        values.Add(property.Value);
                    }
                    return true;
                }
                catch (Exception e) when (!(e is PipelineStoppedException))
                {
                    names.Clear();
                    values.Clear();
                }
            }
            if (record is ErrorRecord error) ErrorNotes(error, names, values);
            else InformationalNotes((InformationalRecord)record, names, values);
            return true;
        }

        private static void ErrorNotes(ErrorRecord error, List<string> names, List<object> values)
        {
            void Add(string name, Func<object> read)
            {
                object value;
                // As PowerShell's remoting encoder: a value that cannot be read is null.
                try { value = read(); }
                catch (Exception e) when (!(e is PipelineStoppedException)) { value = null; }
                names.Add(name);
                values.Add(value);
            }
            var category = error.CategoryInfo;
            Add("Exception", () => error.Exception);
            Add("TargetObject", () => error.TargetObject);
            Add("FullyQualifiedErrorId", () => error.FullyQualifiedErrorId);
            Add("InvocationInfo", () => error.InvocationInfo);
            Add("ErrorCategory_Category", () => (int)category.Category);
            Add("ErrorCategory_Activity", () => category.Activity);
            Add("ErrorCategory_Reason", () => category.Reason);
            Add("ErrorCategory_TargetName", () => category.TargetName);
            Add("ErrorCategory_TargetType", () => category.TargetType);
            Add("ErrorCategory_Message", () => category.GetMessage(CultureInfo.CurrentCulture));
            if (error.ErrorDetails != null)
            {
                Add("ErrorDetails_Message", () => error.ErrorDetails.Message);
                Add("ErrorDetails_RecommendedAction", () => error.ErrorDetails.RecommendedAction);
            }
            Add("SerializeExtendedInfo", () => false);
            if (!string.IsNullOrEmpty(error.ScriptStackTrace)) Add("ErrorDetails_ScriptStackTrace", () => error.ScriptStackTrace);
        }

        private static void InformationalNotes(InformationalRecord record, List<string> names, List<object> values)
        {
            names.Add("InformationalRecord_Message");
            values.Add(record.Message);
            names.Add("InformationalRecord_SerializeInvocationInfo");
            values.Add(false);
        }

        /// <summary>The type's internal <c>ToPSObjectForRemoting(PSObject)</c> as a delegate, or null where this PowerShell has none.</summary>
        private static Action<object, PSObject> Bind(Type type)
        {
            try
            {
                var method = type.GetMethod("ToPSObjectForRemoting", BindingFlags.Instance | BindingFlags.NonPublic, null, new[] { typeof(PSObject) }, null);
                if (method == null || method.ReturnType != typeof(void)) return null;
                return (record, dest) => method.Invoke(record, new object[] { dest });
            }
            catch (Exception e) when (e is AmbiguousMatchException || e is System.Security.SecurityException)
            {
                return null;
            }
        }
    }
}
