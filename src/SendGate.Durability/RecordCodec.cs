using System.Buffers.Binary;
using System.Text;
using SendGate.Core.Consent;
using SendGate.Core.Domain;
using SendGate.Core.Hashing;

namespace SendGate.Durability;

/// <summary>
/// The bytes the durable store keeps. Keys: a consent tuple is its 22-byte wire key, a line
/// closure the recipient's 16-byte key — the lengths tell them apart, and both are keyed hashes,
/// so no address reaches disk. Values (little-endian):
/// <code>
/// consent record   1 version | 8 state bits | 4 İYS code | source, transaction id, retailer code (u16 length + UTF-8 each) | u16 count + retailer access codes
/// line closure     1 version | 4 closed-at seconds
/// </code>
/// </summary>
internal static class RecordCodec
{
    public const int ClosureKeySize = RecipientKey.Size;
    public const int ConsentKeySize = ConsentKey.WireSize;
    public const int ClosureValueSize = 5;
    private const byte Version = 1;

    public static int RecordSize(ConsentRecord record)
    {
        int size = 1 + 8 + 4 + 2 + Utf8(record.Source) + 2 + Utf8(record.TransactionId) + 2 + Utf8(record.RetailerCode) + 2;
        foreach (string access in record.RetailerAccess)
        {
            size += 2 + Utf8(access);
        }

        return size;
    }

    public static void WriteRecord(ConsentRecord record, Span<byte> destination)
    {
        destination[0] = Version;
        BinaryPrimitives.WriteUInt64LittleEndian(destination[1..], record.State.Bits);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[9..], record.IysCode);
        int at = 13;
        at += WriteString(record.Source, destination[at..]);
        at += WriteString(record.TransactionId, destination[at..]);
        at += WriteString(record.RetailerCode, destination[at..]);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[at..], checked((ushort)record.RetailerAccess.Count));
        at += 2;
        foreach (string access in record.RetailerAccess)
        {
            at += WriteString(access, destination[at..]);
        }
    }

    /// <summary>Only the state: what rebuilding the hot index and digests need, without allocating.</summary>
    public static bool TryReadState(ReadOnlySpan<byte> value, out ConsentState state)
    {
        state = default;
        if (value.Length < 13 || value[0] != Version)
        {
            return false;
        }

        state = new ConsentState(BinaryPrimitives.ReadUInt64LittleEndian(value[1..]));
        return !state.IsNone;
    }

    public static ConsentRecord? ReadRecord(ReadOnlySpan<byte> value)
    {
        if (!TryReadState(value, out var state))
        {
            return null;
        }

        uint iysCode = BinaryPrimitives.ReadUInt32LittleEndian(value[9..]);
        int at = 13;
        string source = ReadString(value, ref at);
        string transaction = ReadString(value, ref at);
        string retailer = ReadString(value, ref at);
        int count = BinaryPrimitives.ReadUInt16LittleEndian(value[at..]);
        at += 2;
        var access = new string[count];
        for (int i = 0; i < count; i++)
        {
            access[i] = ReadString(value, ref at);
        }

        return new ConsentRecord { State = state, IysCode = iysCode, Source = source, TransactionId = transaction, RetailerCode = retailer, RetailerAccess = access };
    }

    /// <summary>The record's retailer rule without decoding the rest; null when it has none (the common case: two length checks).</summary>
    public static RetailerRule? ReadRetailers(ReadOnlySpan<byte> value)
    {
        int at = 13;
        at += 2 + BinaryPrimitives.ReadUInt16LittleEndian(value[at..]); // source
        at += 2 + BinaryPrimitives.ReadUInt16LittleEndian(value[at..]); // transaction id
        int retailer = BinaryPrimitives.ReadUInt16LittleEndian(value[at..]);
        int access = BinaryPrimitives.ReadUInt16LittleEndian(value[(at + 2 + retailer)..]);
        return retailer > 0 || access > 0 ? ReadRecord(value)?.Retailers : null;
    }

    public static void WriteClosure(ConsentTime closedAt, Span<byte> destination)
    {
        destination[0] = Version;
        BinaryPrimitives.WriteUInt32LittleEndian(destination[1..], closedAt.Seconds);
    }

    public static bool TryReadClosure(ReadOnlySpan<byte> value, out ConsentTime closedAt)
    {
        closedAt = ConsentTime.None;
        if (value.Length != ClosureValueSize || value[0] != Version)
        {
            return false;
        }

        closedAt = new ConsentTime(BinaryPrimitives.ReadUInt32LittleEndian(value[1..]));
        return !closedAt.IsNone;
    }

    private static int Utf8(string value) => Encoding.UTF8.GetByteCount(value);

    private static int WriteString(string value, Span<byte> destination)
    {
        int length = Encoding.UTF8.GetBytes(value, destination[2..]);
        BinaryPrimitives.WriteUInt16LittleEndian(destination, checked((ushort)length));
        return 2 + length;
    }

    private static string ReadString(ReadOnlySpan<byte> value, ref int at)
    {
        int length = BinaryPrimitives.ReadUInt16LittleEndian(value[at..]);
        string text = Encoding.UTF8.GetString(value.Slice(at + 2, length));
        at += 2 + length;
        return text;
    }
}
