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
    /// An XmlElement (<c>$xml.config.server</c>, Select-Xml's Node) is stored the same way under its own type names and
    /// read back as the root element of a new document parsed from its text, so it shows its attributes and children as
    /// the original does; Import-Clixml's copy of one is a list of its child nodes. Any other node (an attribute, a
    /// text or comment node) is stored as its XML text, a string. What is read is a copy: changing it changes nothing stored.
    /// </summary>
    internal static class StoredXmlDocument
    {
        private const string TextProperty = "OuterXml";
        private static readonly string[] s_typeNames = { "System.Xml.XmlDocument", "System.Xml.XmlNode", "System.Object" };
        private static readonly string[] s_elementTypeNames = { "System.Xml.XmlElement", "System.Xml.XmlLinkedNode", "System.Xml.XmlNode", "System.Object" };
        private static readonly string[] s_names = { TextProperty };

        /// <summary>The record a document is stored as.</summary>
        public static MaterializedRecord ToRecord(XmlDocument document)
            => new MaterializedRecord(s_typeNames, s_names, new object[] { document.OuterXml });

        /// <summary>
        /// The record an element is stored as: its text inside an element named as its parent that declares the namespaces
        /// in scope there, so that read back it has the attributes the original has (its own OuterXml would declare
        /// an ancestor's prefixes on itself or its children, which PowerShell's XML adapter shows as attributes).
        /// </summary>
        public static MaterializedRecord ToRecord(XmlElement element)
        {
            var document = new XmlDocument { XmlResolver = null, PreserveWhitespace = true };
            var parent = element.ParentNode as XmlElement;
            var wrapper = parent != null ? document.CreateElement(parent.Prefix, parent.LocalName, parent.NamespaceURI) : document.CreateElement("xml");
            var declared = new System.Collections.Generic.HashSet<string>(StringComparer.Ordinal);
            for (var at = parent; at != null; at = at.ParentNode as XmlElement)
            {
                foreach (XmlAttribute attribute in at.Attributes)
                {
                    if (attribute.NamespaceURI == XmlnsNamespace && declared.Add(attribute.Name))
                        wrapper.Attributes.Append((XmlAttribute)document.ImportNode(attribute, true));
                }
            }
            wrapper.AppendChild(document.ImportNode(element, true));
            document.AppendChild(wrapper);
            return new MaterializedRecord(s_elementTypeNames, s_names, new object[] { document.OuterXml });
        }

        private const string XmlnsNamespace = "http://www.w3.org/2000/xmlns/";

        /// <summary>True for a record stored by <see cref="ToRecord(XmlDocument)"/> or <see cref="ToRecord(XmlElement)"/>.</summary>
        public static bool IsDocument(StoredRecord record)
        {
            if (record.Count != 1 || !record.IsPropertyBag) return false;
            var typeNames = record.TypeNames;
            if (typeNames.Count == 0 || record.Names[0] != TextProperty) return false;
            return typeNames[0] == s_typeNames[0] || typeNames[0] == s_elementTypeNames[0];
        }

        /// <summary>
        /// The document (or the element) parsed again; null when the stored text is not one (a damaged or hand-made
        /// record, which is then read as the record it is). No external entity or DTD is fetched, and entity expansion is bounded.
        /// </summary>
        public static object TryRead(StoredRecord record)
        {
            if (!(record.GetValue(0) is string text)) return null;
            bool element = record.TypeNames[0] == s_elementTypeNames[0];
            var settings = new XmlReaderSettings
            {
                DtdProcessing = element ? DtdProcessing.Prohibit : DtdProcessing.Parse,
                XmlResolver = null,
                MaxCharactersFromEntities = 10_000_000,
                IgnoreWhitespace = false,
            };
            try
            {
                var document = new XmlDocument { XmlResolver = null, PreserveWhitespace = true }; // as the deserializer loads one
                using (var reader = XmlReader.Create(new StringReader(text), settings)) document.Load(reader);
                if (!element) return document;
                return document.DocumentElement?.FirstChild as XmlElement;
            }
            catch (XmlException)
            {
                return null;
            }
        }
    }
}
