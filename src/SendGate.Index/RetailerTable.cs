using System.Buffers.Binary;
using System.Collections.Concurrent;
using SendGate.Core.Consent;

namespace SendGate.Index;

/// <summary>
/// The retailer rules of the consents that have one (most have none: the brand's own), beside the hot index and
/// changed by its one writer with the record that wins; read by Check and Explain for requests on behalf of a
/// retailer. Serialized into index snapshots: <c>u32 count, then per rule the consent key (wire form), u32 owner,
/// u16 n, n × u32 access</c>.
/// </summary>
public sealed class RetailerTable
{
    private readonly ConcurrentDictionary<ConsentKey, RetailerRule> _rules = new();

    public int Count => _rules.Count;

    /// <summary>The tuple's rule; null when its consent is the brand's own.</summary>
    public RetailerRule? Find(in ConsentKey key) => _rules.IsEmpty ? null : _rules.GetValueOrDefault(key);

    /// <summary>Writer: the rule of the record that now stands for the tuple (null: none).</summary>
    public void Set(in ConsentKey key, RetailerRule? rule)
    {
        if (rule is null)
        {
            _rules.TryRemove(key, out _);
        }
        else
        {
            _rules[key] = rule;
        }
    }

    public byte[] Serialize()
    {
        var rules = _rules.ToArray();
        int size = 4 + rules.Sum(r => ConsentKey.WireSize + 4 + 2 + (4 * r.Value.Access.Count));
        byte[] bytes = new byte[size];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteInt32LittleEndian(span, rules.Length);
        int at = 4;
        foreach (var (key, rule) in rules)
        {
            key.WriteTo(span[at..]);
            at += ConsentKey.WireSize;
            BinaryPrimitives.WriteUInt32LittleEndian(span[at..], rule.Owner);
            BinaryPrimitives.WriteUInt16LittleEndian(span[(at + 4)..], checked((ushort)rule.Access.Count));
            at += 6;
            foreach (uint access in rule.Access)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(span[at..], access);
                at += 4;
            }
        }

        return bytes;
    }

    /// <summary>A table from <see cref="Serialize"/>'s bytes; false when they are malformed.</summary>
    public static bool TryDeserialize(ReadOnlySpan<byte> bytes, out RetailerTable table)
    {
        table = new RetailerTable();
        if (bytes.Length == 0)
        {
            return true; // a snapshot from before retailer rules, or with none
        }

        if (bytes.Length < 4)
        {
            return false;
        }

        int count = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        int at = 4;
        for (int i = 0; i < count; i++)
        {
            if (bytes.Length - at < ConsentKey.WireSize + 6 || !ConsentKey.TryRead(bytes.Slice(at, ConsentKey.WireSize), out var key))
            {
                return false;
            }

            at += ConsentKey.WireSize;
            uint owner = BinaryPrimitives.ReadUInt32LittleEndian(bytes[at..]);
            int n = BinaryPrimitives.ReadUInt16LittleEndian(bytes[(at + 4)..]);
            at += 6;
            if (bytes.Length - at < 4 * n)
            {
                return false;
            }

            var access = new uint[n];
            for (int a = 0; a < n; a++, at += 4)
            {
                access[a] = BinaryPrimitives.ReadUInt32LittleEndian(bytes[at..]);
            }

            table._rules[key] = RetailerRule.Create(owner, access);
        }

        return at == bytes.Length;
    }
}
