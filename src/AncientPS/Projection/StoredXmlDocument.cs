using System;
using System.IO;
using System.Xml;
using AncientPS.Engine;

namespace AncientPS.Projection
{
    /// <summary>
    /// An XmlDocument ([xml]) is stored as a record of one property, its OuterXml, under its type names, and read back as
    /// a new XmlDocument parsed from that text: what Import-Clixml gives back for one (the serializer writes a document
    /// as its text at any depth). A list of its nodes, which is what enumerating it would store, is not the document.
    /// The document read is a copy: changing it changes nothing stored.
    /// </summary>
    internal static class StoredXmlDocument
    {
        private const string TextProperty = "OuterXml";
        private static readonly string[] s_typeNames = { "System.Xml.XmlDocument", "System.Xml.XmlNode", "System.Object" };
        private static readonly string[] s_names = { TextProperty };

        /// <summary>The record a document is stored as.</summary>
        public static MaterializedRecord ToRecord(XmlDocument document)
            => new MaterializedRecord(s_typeNames, s_names, new object[] { document.OuterXml });

        /// <summary>True for a record stored by <see cref="ToRecord"/>: one property, OuterXml, under XmlDocument's type name.</summary>
        public static bool IsDocument(StoredRecord record)
        {
            if (record.Count != 1 || !record.IsPropertyBag) return false;
            var typeNames = record.TypeNames;
            return typeNames.Count > 0 && typeNames[0] == s_typeNames[0] && record.Names[0] == TextProperty;
        }

        /// <summary>
        /// The document parsed again; null when the stored text is not a document (a damaged or hand-made record, which is
        /// then read as the record it is). No external entity or DTD is fetched, and entity expansion is bounded.
        /// </summary>
        public static XmlDocument TryRead(StoredRecord record)
        {
            if (!(record.GetValue(0) is string text)) return null;
            var settings = new XmlReaderSettings
            {
                DtdProcessing = DtdProcessing.Parse,
                XmlResolver = null,
                MaxCharactersFromEntities = 10_000_000,
                IgnoreWhitespace = false,
            };
            try
            {
                var document = new XmlDocument { XmlResolver = null, PreserveWhitespace = true }; // as the deserializer loads one
                using (var reader = XmlReader.Create(new StringReader(text), settings)) document.Load(reader);
                return document;
            }
            catch (XmlException)
            {
                return null;
            }
        }
    }
}
