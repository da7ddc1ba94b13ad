using System.Buffers;
using Google.Protobuf;
using SendGate.Contracts.V1;
using SendGate.Server.Gate;

namespace SendGate.Server.Tests;

/// <summary>The hand-written Check codec agrees with Google.Protobuf on every message, in either direction.</summary>
public sealed class CheckCodecTests
{
    [Fact]
    public void Parse_AgreesWithProtobuf_OnRandomRequests()
    {
        var random = new Random(11);
        for (int round = 0; round < 500; round++)
        {
            var request = RandomRequest(random);
            byte[] bytes = request.ToByteArray();

            var view = CheckRequestView.Parse(new ReadOnlySequence<byte>(bytes), maxEntries: 10_000);
            try
            {
                AssertSame(request, view);
            }
            finally
            {
                view.Release();
            }
        }
    }

    [Fact]
    public void Parse_MultiSegmentPayload_GivesTheSameView()
    {
        var request = RandomRequest(new Random(12));
        byte[] bytes = request.ToByteArray();

        var view = CheckRequestView.Parse(Segmented(bytes, 7), maxEntries: 10_000);
        try
        {
            AssertSame(request, view);
        }
        finally
        {
            view.Release();
        }
    }

    [Fact]
    public void Parse_UnknownFields_AreSkipped()
    {
        var request = new CheckRequest { BrandCode = 123457, Channel = Channel.Mesaj };
        request.Recipients.Add("05321234567");
        var output = new MemoryStream();
        var coded = new CodedOutputStream(output);
        request.WriteTo(coded);
        coded.WriteTag(20, WireFormat.WireType.Varint);
        coded.WriteUInt64(ulong.MaxValue);
        coded.WriteTag(21, WireFormat.WireType.LengthDelimited);
        coded.WriteString("future field");
        coded.WriteTag(22, WireFormat.WireType.Fixed64);
        coded.WriteFixed64(7);
        coded.WriteTag(23, WireFormat.WireType.Fixed32);
        coded.WriteFixed32(7);
        coded.Flush();

        var view = CheckRequestView.Parse(new ReadOnlySequence<byte>(output.ToArray()), 100);
        try
        {
            Assert.Equal(123457u, view.BrandCode);
            Assert.Equal(1, view.Count);
            Assert.Equal("05321234567"u8.ToArray(), view.Entry(0).ToArray());
        }
        finally
        {
            view.Release();
        }
    }

    [Theory]
    [InlineData(new byte[] { 0x38 })]                        // field 7 tag, no length
    [InlineData(new byte[] { 0x3A, 0x05, 0x41 })]            // length past the end
    [InlineData(new byte[] { 0x10, 0xFF, 0xFF })]            // truncated varint
    [InlineData(new byte[] { 0x13 })]                        // group wire type
    [InlineData(new byte[] { 0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })] // 11-byte varint
    public void Parse_Malformed_IsRefusedAsInvalidData(byte[] bytes)
    {
        Assert.Throws<InvalidDataException>(() => CheckRequestView.Parse(new ReadOnlySequence<byte>(bytes), 100));
    }

    [Fact]
    public void Parse_OutlivesTheTransportsBuffer()
    {
        // grpc-dotnet lends the payload only for the deserializer call and then reuses the memory
        // for other calls; the view is read until the answer is written.
        var random = new Random(12);
        var request = RandomRequest(random);
        byte[] bytes = request.ToByteArray();

        var view = CheckRequestView.Parse(new ReadOnlySequence<byte>(bytes), maxEntries: 10_000);
        Array.Fill(bytes, (byte)0xD3);
        try
        {
            AssertSame(request, view);
        }
        finally
        {
            view.Release();
        }
    }

    [Fact]
    public void Parse_MoreEntriesThanTheLimit_CountsThemWithoutRecordingThem()
    {
        var request = new CheckRequest { BrandCode = 1, Channel = Channel.Mesaj };
        request.Recipients.AddRange(Enumerable.Range(0, 150).Select(i => "0532123" + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture)));

        var view = CheckRequestView.Parse(new ReadOnlySequence<byte>(request.ToByteArray()), maxEntries: 100);
        try
        {
            Assert.Equal(150, view.Count);
        }
        finally
        {
            view.Release();
        }
    }

    [Fact]
    public void Parse_RandomBytes_OnlyEverFailsAsInvalidData()
    {
        var random = new Random(13);
        var buffer = new byte[64];
        for (int round = 0; round < 200_000; round++)
        {
            int length = random.Next(buffer.Length);
            random.NextBytes(buffer.AsSpan(0, length));
            try
            {
                CheckRequestView.Parse(new ReadOnlySequence<byte>(buffer, 0, length), 100).Release();
            }
            catch (InvalidDataException)
            {
            }
        }
    }

    [Fact]
    public void Response_IsReadByProtobufAsTheSameMessage()
    {
        var watermark = new Watermark { Version = 42, Positions = { new FeedPosition { Topic = "file:x", Offset = 829 } } };
        var response = CheckResponseBuffer.Rent("req-1"u8, 300, watermark.ToByteArray());
        for (int i = 0; i < 300; i++)
        {
            var reason = i % 3 == 0 ? Core.Domain.Reason.AllowedConsent : i % 3 == 1 ? Core.Domain.Reason.DeniedNoConsent : Core.Domain.Reason.DeniedStaleIndex;
            response.Reasons[i] = (byte)reason;
            response.Counts[(int)reason]++;
        }

        response.Allowed = 100;
        int size = response.GetSize();
        var writer = new ArrayBufferWriter<byte>();
        response.WriteTo(writer);

        var parsed = CheckResponse.Parser.ParseFrom(writer.WrittenSpan);
        Assert.Equal(size, writer.WrittenCount);
        Assert.Equal("req-1", parsed.RequestId);
        Assert.Equal(300, parsed.Reasons.Length);
        Assert.Equal((byte)Core.Domain.Reason.DeniedNoConsent, parsed.Reasons[1]);
        Assert.Equal(100u, parsed.Allowed);
        Assert.Equal([(Reason.AllowedConsent, 100u), (Reason.DeniedNoConsent, 100u), (Reason.DeniedStaleIndex, 100u)], parsed.Counts.Select(c => (c.Reason, c.Count)));
        Assert.Equal(watermark, parsed.Watermark);
    }

    [Fact]
    public void Response_Empty_IsAValidMessageWithAWatermark()
    {
        var response = CheckResponseBuffer.Rent([], 0, new Watermark { Version = 1 }.ToByteArray());
        var writer = new ArrayBufferWriter<byte>();
        int size = response.GetSize();
        response.WriteTo(writer);

        var parsed = CheckResponse.Parser.ParseFrom(writer.WrittenSpan);
        Assert.Equal(size, writer.WrittenCount);
        Assert.Equal(0, parsed.Reasons.Length);
        Assert.Equal(1ul, parsed.Watermark.Version);
    }

    private static CheckRequest RandomRequest(Random random)
    {
        var request = new CheckRequest
        {
            RequestId = random.Next(3) == 0 ? string.Empty : "req-" + random.Next(),
            IysCode = (uint)random.Next(),
            BrandCode = (uint)random.Next(),
            Channel = (Channel)random.Next(0, 5),
            RecipientType = (RecipientType)random.Next(0, 3),
            Kind = (MessageKind)random.Next(0, 3),
            KeyId = random.Next(2) == 0 ? 0 : (uint)random.Next(),
        };
        int count = random.Next(0, 300);
        if (random.Next(2) == 0)
        {
            request.Recipients.AddRange(Enumerable.Range(0, count).Select(_ => random.Next(3) switch
            {
                0 => "+90 532 " + random.Next(1_000_000, 9_999_999),
                1 => "çiğdem" + random.Next() + "@örnek.com.tr",
                _ => string.Empty,
            }));
        }
        else
        {
            request.RecipientKeys.AddRange(Enumerable.Range(0, count).Select(_ =>
            {
                var key = new byte[random.Next(3) == 0 ? random.Next(20) : 16];
                random.NextBytes(key);
                return ByteString.CopyFrom(key);
            }));
        }

        return request;
    }

    private static void AssertSame(CheckRequest request, CheckRequestView view)
    {
        Assert.Equal(request.RequestId, System.Text.Encoding.UTF8.GetString(view.RequestId));
        Assert.Equal(request.IysCode, view.IysCode);
        Assert.Equal(request.BrandCode, view.BrandCode);
        Assert.Equal((ulong)(long)request.Channel, view.Channel);
        Assert.Equal((ulong)(long)request.RecipientType, view.RecipientType);
        Assert.Equal((ulong)(long)request.Kind, view.Kind);
        Assert.Equal(request.KeyId, view.KeyId);
        Assert.Equal(request.Recipients.Count, view.RecipientCount);
        Assert.Equal(request.RecipientKeys.Count, view.KeyCount);
        var expected = request.Recipients.Count > 0
            ? request.Recipients.Select(r => System.Text.Encoding.UTF8.GetBytes(r)).ToArray()
            : request.RecipientKeys.Select(k => k.ToByteArray()).ToArray();
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], view.Entry(i).ToArray());
        }
    }

    private static ReadOnlySequence<byte> Segmented(byte[] bytes, int segmentLength)
    {
        Segment? first = null;
        Segment? last = null;
        for (int offset = 0; offset < bytes.Length; offset += segmentLength)
        {
            var memory = bytes.AsMemory(offset, Math.Min(segmentLength, bytes.Length - offset));
            last = last is null ? first = new Segment(memory, 0) : last.Append(memory);
        }

        return first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
