using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace AncientPS.Engine.Encoding
{
    /// <summary>The composites of a write whose slots are still being filled, innermost last, with a pool of spent frames.</summary>
    internal sealed class WriteStack
    {
        private readonly List<WriteFrame> _frames = new List<WriteFrame>();
        private readonly Stack<WriteFrame> _pool = new Stack<WriteFrame>();

        public int Count => _frames.Count;

        public WriteFrame Top => _frames[_frames.Count - 1];

        public WriteFrame Push(WriteFrameKind kind, int level, bool lenient, bool adapted)
        {
            var f = _pool.Count > 0 ? _pool.Pop() : new WriteFrame();
            f.Kind = kind;
            f.Next = 0;
            f.Level = level;
            f.Lenient = lenient;
            f.Adapted = adapted;
            _frames.Add(f);
            return f;
        }

        /// <summary>A list's or record's slots to fill from <paramref name="items"/>: names for a record (paths), null for a list.</summary>
        public unsafe WriteFrame PushSlots(byte* tags, ulong* payloads, IReadOnlyList<object> items, IReadOnlyList<string> names, int level, bool lenient, bool adapted)
        {
            var f = Push(WriteFrameKind.Slots, level, lenient, adapted);
            f.Tags = tags;
            f.Payloads = payloads;
            f.Count = items.Count;
            f.Items = items;
            f.Names = names;
            return f;
        }

        /// <summary>Removes the innermost frame once every slot of it is written.</summary>
        public void Pop()
        {
            var f = Top;
            Debug.Assert(f.Next == f.Count, "a frame is popped only when all its slots are written");
            _frames.RemoveAt(_frames.Count - 1);
            f.Clear();
            _pool.Push(f);
        }

        /// <summary>
        /// The path of the slot being encoded, as PowerShell reaches it: [12].PSDrive.Credential. The stack holds exactly
        /// the composites above it, each at the slot after the one being filled.
        /// </summary>
        public string CurrentPath()
        {
            var path = new System.Text.StringBuilder();
            foreach (var f in _frames)
            {
                int i = f.Next - 1;
                if (i < 0) continue;
                if (f.Kind == WriteFrameKind.Dictionary)
                {
                    if ((i & 1) == 0)
                    {
                        path.Append(".Keys[").Append(i >> 1).Append(']');
                        continue;
                    }
                    object key = f.Keys[i >> 1];
                    string text;
                    try { text = key?.ToString() ?? ""; }
                    catch (Exception) { text = "?"; }
                    if (key is string) text = "'" + text.Replace("'", "''") + "'";
                    path.Append('[').Append(text).Append(']');
                }
                else if (f.Names != null)
                {
                    if (path.Length > 0) path.Append('.');
                    path.Append(i < f.Names.Count ? f.Names[i] : "?");
                }
                else path.Append('[').Append(i).Append(']');
            }
            return path.ToString();
        }
    }
}
