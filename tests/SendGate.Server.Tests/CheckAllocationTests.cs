using System.Buffers;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using SendGate.Access;
using SendGate.Contracts.V1;
using SendGate.Core.Recipients;
using SendGate.Server.Gate;
using SendGate.Tests.Support;

namespace SendGate.Server.Tests;

/// <summary>
/// The hot path allocates nothing per recipient: parsing, normalizing, hashing, looking up and
/// writing the answer of a 10,000-recipient request allocates no more than a 100-recipient one.
/// A regression (a string per recipient, a boxed key, a LINQ call) shows as ≥ 24 B per recipient.
/// </summary>
[Collection(PooledBuffers.Name)]
public sealed class CheckAllocationTests(GateServerFixture fixture) : IClassFixture<GateServerFixture>
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Check_AllocatesNothingPerRecipient(bool preHashed)
    {
        var processor = fixture.Host.Services.GetRequiredService<CheckProcessor>();
        long small = AllocatedPerCall(processor, Request(100, preHashed));
        long large = AllocatedPerCall(processor, Request(10_000, preHashed));

        Assert.True(large - small < 9_900, $"10,000 recipients allocated {large} B, 100 recipients {small} B: the difference grows with the batch ({(large - small) / 9_900.0:F1} B per recipient).");
        Assert.True(large < 4_096, $"a Check allocated {large} B beyond its pooled buffers.");
    }

    /// <summary>
    /// The fewest bytes a call allocated over several rounds: other tests' calls share the pools
    /// and may hand this thread a buffer too small for its batch now and then; a hot path that
    /// allocates per recipient does so in every round.
    /// </summary>
    private static long AllocatedPerCall(CheckProcessor processor, byte[] request)
    {
        var sink = new ArrayBufferWriter<byte>(request.Length * 2);
        for (int warm = 0; warm < 3; warm++)
        {
            Run(processor, request, sink);
        }

        const int Calls = 10;
        long fewest = long.MaxValue;
        for (int round = 0; round < 5; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int call = 0; call < Calls; call++)
            {
                Run(processor, request, sink);
            }

            fewest = Math.Min(fewest, (GC.GetAllocatedBytesForCurrentThread() - before) / Calls);
        }

        return fewest;
    }

    private static void Run(CheckProcessor processor, byte[] request, ArrayBufferWriter<byte> sink)
    {
        var view = CheckRequestView.Parse(new ReadOnlySequence<byte>(request), maxEntries: 100_000);
        try
        {
            sink.ResetWrittenCount();
            var response = processor.Process(view, GateClient.Anonymous, "Check").Answer!;
            Assert.Equal(view.Count, response.Count);
            response.WriteTo(sink);
        }
        finally
        {
            view.Release();
        }
    }

    private static byte[] Request(int count, bool preHashed)
    {
        var request = new CheckRequest { IysCode = 123456, BrandCode = 123457, Channel = Channel.Mesaj, RecipientType = RecipientType.Bireysel, Kind = MessageKind.Commercial, RequestId = "alloc" };
        for (int i = 0; i < count; i++)
        {
            string phone = $"0532{1_000_000 + i:D7}";
            if (preHashed)
            {
                Assert.Equal(RecipientError.None, GateHost.Hasher.TryHash(phone, Core.Domain.Channel.Mesaj, out var key));
                request.RecipientKeys.Add(ByteString.CopyFrom(key.ToArray()));
            }
            else
            {
                request.Recipients.Add(phone);
            }
        }

        return request.ToByteArray();
    }
}

/// <summary>
/// Tests that drive the Check path hard share its process-wide pools (request views, response
/// buffers): run in parallel, one's calls miss the pool while the other's hold buffers, and the
/// allocation test sees allocations that are not its own.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PooledBuffers
{
    public const string Name = "Check path pools";
}

