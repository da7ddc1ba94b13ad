using System.Text;
using SendGate.Core.Consent;
using SendGate.Core.Domain;
using SendGate.Contracts.V1;

namespace SendGate.Contracts;

/// <summary>
/// Reads a Kafka payload — a <c>sendgate.v1.FeedEvent</c> — straight from its bytes into the factory's input, without
/// Google.Protobuf's object graph: that cost a message object per submessage and timestamp, a byte array per key, a
/// string per field and a list per event (~540 B and 290–350 ns an event, when a catch-up decodes millions). Follows
/// protobuf's parsing rules for this schema: fields in any order, unknown fields skipped, the last member of a oneof
/// wins, a submessage given twice merges, and a field whose wire type is not the schema's is an unknown field.
/// Truncated bytes, groups (deprecated, not in the schema) and strings that are not UTF-8 are undecodable.
/// </summary>
public static class FeedEventReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The fields of each message this reader reads (the rest are skipped as unknown): a test holds them to the messages' descriptors.</summary>
    internal static readonly IReadOnlyDictionary<string, int[]> HandledFields = new Dictionary<string, int[]>
    {
        [FeedEvent.Descriptor.FullName] = [FeedEvent.ConsentChangedFieldNumber, FeedEvent.LineClosedFieldNumber, FeedEvent.KeyIdFieldNumber],
        [ConsentChanged.Descriptor.FullName] =
        [
            ConsentChanged.IysCodeFieldNumber, ConsentChanged.BrandCodeFieldNumber, ConsentChanged.ChannelFieldNumber, ConsentChanged.RecipientTypeFieldNumber,
            ConsentChanged.AddressFieldNumber, ConsentChanged.RecipientKeyFieldNumber, ConsentChanged.StatusFieldNumber, ConsentChanged.SourceFieldNumber,
            ConsentChanged.ConsentDateFieldNumber, ConsentChanged.ModifiedAtFieldNumber, ConsentChanged.TransactionIdFieldNumber,
            ConsentChanged.RetailerCodeFieldNumber, ConsentChanged.RetailerAccessFieldNumber,
        ],
        [LineClosed.Descriptor.FullName] = [LineClosed.AddressFieldNumber, LineClosed.RecipientKeyFieldNumber, LineClosed.ClosedAtFieldNumber],
    };

    /// <summary>A payload to a validated change or closure, or why it cannot be applied.</summary>
    public static DecodedEvent Decode(ReadOnlySpan<byte> payload, FeedEventFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        var fields = default(EventFields);
        try
        {
            ReadEvent(payload, ref fields);
            return fields.Kind switch
            {
                Event.Changed => factory.Create(fields.ChangeInput(payload)),
                Event.Closed => factory.Create(fields.Recipient(payload), fields.ClosedAt.Time),
                _ => DecodedEvent.Rejected(FeedEventError.Empty),
            };
        }
        catch (Exception error) when (error is InvalidDataException or DecoderFallbackException)
        {
            return DecodedEvent.Rejected(FeedEventError.Undecodable);
        }
    }

    private static void ReadEvent(ReadOnlySpan<byte> data, ref EventFields fields)
    {
        int position = 0;
        while (position < data.Length)
        {
            var (field, wireType) = Tag(data, ref position);
            switch (field, wireType)
            {
                case (FeedEvent.ConsentChangedFieldNumber, ProtoWire.LengthDelimited):
                    fields.Switch(Event.Changed);
                    ReadChanged(data, ref position, ref fields);
                    break;
                case (FeedEvent.LineClosedFieldNumber, ProtoWire.LengthDelimited):
                    fields.Switch(Event.Closed);
                    ReadClosed(data, ref position, ref fields);
                    break;
                case (FeedEvent.KeyIdFieldNumber, ProtoWire.Fixed32):
                    ProtoWire.Advance(data, ref position, 4);
                    fields.KeyId = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(data[(position - 4)..]);
                    break;
                default:
                    ProtoWire.Skip(data, ref position, wireType);
                    break;
            }
        }
    }

    private static void ReadChanged(ReadOnlySpan<byte> data, ref int position, ref EventFields fields)
    {
        int end = Submessage(data, ref position);
        var message = data[..end]; // positions stay those of the whole payload
        while (position < end)
        {
            var (field, wireType) = Tag(message, ref position);
            switch (field, wireType)
            {
                case (ConsentChanged.IysCodeFieldNumber, ProtoWire.Varint):
                    fields.IysCode = (uint)ProtoWire.ReadVarint(message, ref position);
                    break;
                case (ConsentChanged.BrandCodeFieldNumber, ProtoWire.Varint):
                    fields.BrandCode = (uint)ProtoWire.ReadVarint(message, ref position);
                    break;
                case (ConsentChanged.ChannelFieldNumber, ProtoWire.Varint):
                    fields.Channel = (int)ProtoWire.ReadVarint(message, ref position);
                    break;
                case (ConsentChanged.RecipientTypeFieldNumber, ProtoWire.Varint):
                    fields.RecipientType = (int)ProtoWire.ReadVarint(message, ref position);
                    break;
                case (ConsentChanged.AddressFieldNumber, ProtoWire.LengthDelimited):
                    fields.RecipientField = Slice.Read(message, ref position, RecipientKind.Address);
                    break;
                case (ConsentChanged.RecipientKeyFieldNumber, ProtoWire.LengthDelimited):
                    fields.RecipientField = Slice.Read(message, ref position, RecipientKind.Key);
                    break;
                case (ConsentChanged.StatusFieldNumber, ProtoWire.Varint):
                    fields.Status = (int)ProtoWire.ReadVarint(message, ref position);
                    break;
                case (ConsentChanged.SourceFieldNumber, ProtoWire.LengthDelimited):
                    fields.Source = Slice.Read(message, ref position);
                    break;
                case (ConsentChanged.ConsentDateFieldNumber, ProtoWire.LengthDelimited):
                    fields.ConsentDate = ReadTimestamp(message, ref position, fields.ConsentDate);
                    break;
                case (ConsentChanged.ModifiedAtFieldNumber, ProtoWire.LengthDelimited):
                    fields.ModifiedAt = ReadTimestamp(message, ref position, fields.ModifiedAt);
                    break;
                case (ConsentChanged.TransactionIdFieldNumber, ProtoWire.LengthDelimited):
                    fields.TransactionId = Slice.Read(message, ref position);
                    break;
                case (ConsentChanged.RetailerCodeFieldNumber, ProtoWire.LengthDelimited):
                    fields.RetailerCode = Slice.Read(message, ref position);
                    break;
                case (ConsentChanged.RetailerAccessFieldNumber, ProtoWire.LengthDelimited):
                    (fields.RetailerAccess ??= []).Add(Slice.Read(message, ref position).String(message));
                    break;
                default:
                    ProtoWire.Skip(message, ref position, wireType);
                    break;
            }
        }
    }

    private static void ReadClosed(ReadOnlySpan<byte> data, ref int position, ref EventFields fields)
    {
        int end = Submessage(data, ref position);
        var message = data[..end];
        while (position < end)
        {
            var (field, wireType) = Tag(message, ref position);
            switch (field, wireType)
            {
                case (LineClosed.AddressFieldNumber, ProtoWire.LengthDelimited):
                    fields.RecipientField = Slice.Read(message, ref position, RecipientKind.Address);
                    break;
                case (LineClosed.RecipientKeyFieldNumber, ProtoWire.LengthDelimited):
                    fields.RecipientField = Slice.Read(message, ref position, RecipientKind.Key);
                    break;
                case (LineClosed.ClosedAtFieldNumber, ProtoWire.LengthDelimited):
                    fields.ClosedAt = ReadTimestamp(message, ref position, fields.ClosedAt);
                    break;
                default:
                    ProtoWire.Skip(message, ref position, wireType);
                    break;
            }
        }
    }

    /// <summary>A google.protobuf.Timestamp merged into what an earlier occurrence gave: seconds are all a consent time keeps.</summary>
    private static Timestamp ReadTimestamp(ReadOnlySpan<byte> data, ref int position, Timestamp merged)
    {
        int end = Submessage(data, ref position);
        var message = data[..end];
        long seconds = merged.Seconds;
        while (position < end)
        {
            var (field, wireType) = Tag(message, ref position);
            if (field == Google.Protobuf.WellKnownTypes.Timestamp.SecondsFieldNumber && wireType == ProtoWire.Varint)
            {
                seconds = (long)ProtoWire.ReadVarint(message, ref position);
            }
            else
            {
                ProtoWire.Skip(message, ref position, wireType); // nanos, and anything unknown
            }
        }

        return new Timestamp(true, seconds);
    }

    /// <summary>A length-delimited field's end (the position then at its first byte).</summary>
    private static int Submessage(ReadOnlySpan<byte> data, ref int position)
    {
        int length = ProtoWire.ReadLength(data, ref position);
        return position + length;
    }

    private static (int Field, int WireType) Tag(ReadOnlySpan<byte> data, ref int position)
    {
        ulong tag = ProtoWire.ReadVarint(data, ref position);
        ulong field = tag >> 3;
        return field is 0 or > int.MaxValue >> 3
            ? throw new InvalidDataException("A field number of 0, or beyond protobuf's range.")
            : ((int)field, (int)(tag & 7));
    }

    private enum Event : byte
    {
        None,
        Changed,
        Closed,
    }

    private enum RecipientKind : byte
    {
        None,
        Address,
        Key,
    }

    private readonly record struct Timestamp(bool Present, long Seconds)
    {
        public ConsentTime Time => Present && ConsentTime.TryFromUnixSeconds(Seconds, out var time) ? time : ConsentTime.None;
    }

    /// <summary>A field's bytes as a place in the payload (nothing copied until a value is needed).</summary>
    private readonly record struct Slice(int Start, int Length, RecipientKind Kind = RecipientKind.None)
    {
        public static Slice Read(ReadOnlySpan<byte> data, ref int position, RecipientKind kind = RecipientKind.None)
        {
            int length = ProtoWire.ReadLength(data, ref position);
            var slice = new Slice(position, length, kind);
            position += length;
            return slice;
        }

        public ReadOnlySpan<byte> Bytes(ReadOnlySpan<byte> payload) => payload.Slice(Start, Length);

        public string String(ReadOnlySpan<byte> payload) => Length == 0 ? string.Empty : StrictUtf8.GetString(Bytes(payload));
    }

    /// <summary>What the fields said so far, as protobuf would merge them.</summary>
    private struct EventFields
    {
        public Event Kind;
        public uint KeyId;
        public uint IysCode;
        public uint BrandCode;
        public int Channel;
        public int RecipientType;
        public int Status;
        public Slice RecipientField;
        public Slice Source;
        public Slice TransactionId;
        public Slice RetailerCode;
        public List<string>? RetailerAccess;
        public Timestamp ConsentDate;
        public Timestamp ModifiedAt;
        public Timestamp ClosedAt;

        /// <summary>The oneof's member is <paramref name="kind"/> from here: a different one starts afresh, the same one merges.</summary>
        public void Switch(Event kind)
        {
            if (Kind != kind)
            {
                this = new EventFields { Kind = kind, KeyId = KeyId };
            }
        }

        public readonly RecipientInput Recipient(ReadOnlySpan<byte> payload) => RecipientField.Kind switch
        {
            RecipientKind.Key => RecipientInput.FromKeyBytes(RecipientField.Bytes(payload), KeyId),
            RecipientKind.Address => RecipientInput.FromAddress(RecipientField.String(payload)),
            _ => default,
        };

        public readonly ConsentChangeInput ChangeInput(ReadOnlySpan<byte> payload)
        {
            var source = Source.Bytes(payload);
            if (!System.Text.Unicode.Utf8.IsValid(source))
            {
                throw new DecoderFallbackException("source is not UTF-8");
            }

            return new ConsentChangeInput
            {
                IysCode = IysCode,
                BrandCode = BrandCode,
                Channel = ((V1.Channel)Channel).ToDomain(),
                RecipientType = ((V1.RecipientType)RecipientType).ToDomain(),
                Status = ((V1.ConsentStatus)Status).ToDomain(),
                ConsentDate = ConsentDate.Time,
                ModifiedAt = ModifiedAt.Time,
                Recipient = Recipient(payload),
                Source = ConsentSource.FromUtf8(source),
                TransactionId = TransactionId.String(payload),
                RetailerCode = RetailerCode.String(payload),
                RetailerAccess = RetailerAccess is null ? [] : RetailerAccess,
            };
        }
    }
}
