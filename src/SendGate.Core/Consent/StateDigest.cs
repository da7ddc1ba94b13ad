using System.Globalization;
using SendGate.Core.Domain;
using SendGate.Core.Hashing;

namespace SendGate.Core.Consent;

/// <summary>Receives every consent tuple and line closure a store holds, in no particular order.</summary>
public interface IConsentStateVisitor
{
    void Consent(in ConsentKey key, ConsentState state);

    void Closure(RecipientKey recipient, ConsentTime closedAt);

    /// <summary>After <see cref="Consent"/> of a version that has a retailer rule: the rule. Most visitors need none.</summary>
    void Retailers(in ConsentKey key, ConsentState state, RetailerRule rule)
    {
    }
}

/// <summary>
/// An order-independent digest of a consent state: every tuple's key and packed state (status,
/// consent date, modification time) and every line closure, each hashed with a fixed-key
/// SipHash-128 and summed modulo 2^128. Two stores — or a store and the events it was fed,
/// folded by the Core rule — hold the same state exactly when their digests and counts agree
/// (up to a 2^-128 accident), whatever order the entries were visited or applied in.
/// Keys are keyed hashes already: the digest reveals nothing a key would not.
/// </summary>
public sealed class StateDigest : IConsentStateVisitor
{
    private const ulong K0 = 0x5365_6e64_4761_7465; // "SendGate"
    private const ulong K1 = 0x4469_6765_7374_3031; // "Digest01"
    private UInt128 _sum;

    public long Tuples { get; private set; }

    public long Closures { get; private set; }

    /// <summary>The digest as 32 hex digits.</summary>
    public string Value => _sum.ToString("x32", CultureInfo.InvariantCulture);

    public void Consent(in ConsentKey key, ConsentState state)
    {
        if (state.IsNone)
        {
            return;
        }

        Span<byte> message = stackalloc byte[1 + ConsentKey.WireSize + sizeof(ulong)];
        message[0] = (byte)'C';
        key.WriteTo(message.Slice(1, ConsentKey.WireSize));
        BitConverter.TryWriteBytes(message[(1 + ConsentKey.WireSize)..], state.Bits);
        Add(message);
        Tuples++;
    }

    public void Closure(RecipientKey recipient, ConsentTime closedAt)
    {
        if (closedAt.IsNone)
        {
            return;
        }

        Span<byte> message = stackalloc byte[1 + RecipientKey.Size + sizeof(uint)];
        message[0] = (byte)'L';
        recipient.WriteTo(message.Slice(1, RecipientKey.Size));
        BitConverter.TryWriteBytes(message[(1 + RecipientKey.Size)..], closedAt.Seconds);
        Add(message);
        Closures++;
    }

    public override string ToString() => $"{Value} ({Tuples} tuples, {Closures} closures)";

    private void Add(ReadOnlySpan<byte> message)
    {
        var hash = SipHash128.Hash(K0, K1, message);
        _sum += new UInt128(hash.Hi, hash.Lo);
    }
}
