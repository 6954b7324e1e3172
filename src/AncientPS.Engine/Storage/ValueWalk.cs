using System.Collections.Generic;
using AncientPS.Engine.Encoding;

namespace AncientPS.Engine.Storage
{
    /// <summary>Reads every node reachable from a slot once (aliases and cycles included), with the engine's own decoders.</summary>
    internal static class ValueWalk
    {
        public static void Visit(NodeContext context, byte tag, ulong payload)
        {
            var visited = new HashSet<long>();
            var stack = new Stack<KeyValuePair<byte, ulong>>();
            stack.Push(new KeyValuePair<byte, ulong>(tag, payload));
            while (stack.Count > 0)
            {
                var slot = stack.Pop();
                if (slot.Key < NodeTags.String) continue;
                if (!visited.Add((long)slot.Value)) continue;
                switch (context.ReadSlot(slot.Key, slot.Value, false))
                {
                    case AncientList list:
                        _ = list.CollectionTypeName;
                        _ = list.DeserializedTypeNames;
                        if (list.IsPacked) break;
                        for (int i = 0; i < list.Count; i++)
                        {
                            list.GetSlot(i, out byte t, out ulong p);
                            stack.Push(new KeyValuePair<byte, ulong>(t, p));
                        }
                        break;
                    case AncientDictionary dictionary:
                        _ = dictionary.DictionaryTypeName;
                        _ = dictionary.DeserializedTypeNames;
                        for (int i = 0; i < dictionary.Count; i++)
                        {
                            dictionary.GetEntrySlots(i, out byte kt, out ulong kp, out byte vt, out ulong vp);
                            stack.Push(new KeyValuePair<byte, ulong>(kt, kp));
                            stack.Push(new KeyValuePair<byte, ulong>(vt, vp));
                        }
                        break;
                    case AncientRecord record:
                        for (int i = 0; i < record.SlotCount; i++)
                        {
                            record.GetSlot(i, out byte t, out ulong p);
                            stack.Push(new KeyValuePair<byte, ulong>(t, p));
                        }
                        break;
                }
            }
        }
    }
}
