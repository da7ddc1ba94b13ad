using System.Buffers;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using SendGate.Access;
using SendGate.Contracts.V1;
using SendGate.Core.Recipients;
using Grpc.Core;
using SendGate.Server.Gate;

namespace SendGate.Server.Tests;

/// <summary>
/// 10^6 random and mutated requests through the parser and the Check path, and 10^6 random
/// recipients through the normalizer: the only failures allowed are a malformed message
/// (InvalidDataException, which the transport answers as "Failed to deserialize") and a
/// GrpcException with a definite status; nothing may escape as UNKNOWN. Seeded: a failure replays.
/// </summary>
[Collection(PooledBuffers.Name)]
public sealed class RequestFuzzTests(GateServerFixture fixture) : IClassFixture<GateServerFixture>
{
    private const int Inputs = 1_000_000;

    [Fact]
    public void RandomRequests_ParseAndDecide_OrFailWithAStatus()
    {
        var processor = fixture.Host.Services.GetRequiredService<CheckProcessor>();
        var seeds = Seeds();
        var random = new Random(20261122);
        var buffer = new byte[512];
        var sink = new ArrayBufferWriter<byte>(4096);
        int decided = 0, malformed = 0, refused = 0;
        for (int i = 0; i < Inputs; i++)
        {
            int length = Mutate(random, seeds[random.Next(seeds.Length)], buffer);
            CheckRequestView view;
            try
            {
                view = CheckRequestView.Parse(new ReadOnlySequence<byte>(buffer, 0, length), maxEntries: 64);
            }
            catch (InvalidDataException)
            {
                malformed++;
                continue;
            }

            try
            {
                var outcome = processor.Process(view, GateClient.Anonymous, "Check");
                if (outcome.Answer is { } response)
                {
                    Assert.Null(outcome.Rejection);
                    Assert.Equal(view.Count, response.Count);
                    sink.ResetWrittenCount();
                    response.WriteTo(sink); // encodes the answer and returns the buffer to its pool
                    Assert.True(sink.WrittenCount >= view.Count);
                    decided++;
                }
                else
                {
                    // A rejection names what to fix, and maps to a definite status (never UNKNOWN or INTERNAL).
                    var rejection = outcome.Rejection!;
                    Assert.False(string.IsNullOrEmpty(rejection.Sentence));
                    Assert.DoesNotContain(GateStatus.Code(rejection.Kind), new[] { StatusCode.Unknown, StatusCode.Internal });
                    refused++;
                }
            }
            finally
            {
                view.Release();
            }
        }

        // Each kind of outcome must have been reached, or the fuzzer is not exercising the paths.
        Assert.True(decided > 10_000 && malformed > 10_000 && refused > 10_000, $"decided {decided}, malformed {malformed}, refused {refused}");
    }

    [Fact]
    public void RandomRecipients_Normalize_OrGetAnError()
    {
        var random = new Random(1122);
        Span<byte> input = stackalloc byte[96];
        Span<byte> output = stackalloc byte[RecipientNormalizer.MaxNormalizedLength];
        ReadOnlySpan<byte> alphabet = "0123456789+() -.@abcxyzAZ_çğışöü\u0130"u8;
        int valid = 0;
        for (int i = 0; i < Inputs; i++)
        {
            int length = random.Next(input.Length + 1);
            bool text = (i & 1) == 0;
            for (int b = 0; b < length; b++)
            {
                input[b] = text ? alphabet[random.Next(alphabet.Length)] : (byte)random.Next(256);
            }

            var channel = (Core.Domain.Channel)(1 + (i % 3));
            var error = RecipientNormalizer.TryNormalize(input[..length], channel, output, out int written);
            if (error == RecipientError.None)
            {
                Assert.InRange(written, 1, output.Length);
                valid++;
            }
            else
            {
                Assert.False(string.IsNullOrEmpty(error.Describe()));
            }
        }

        Assert.True(valid > 0, "no random input normalized: the generator never reaches the accepting paths");
    }

    private static byte[][] Seeds()
    {
        var addresses = GateEndToEndTests.Request(Channel.Mesaj, RecipientType.Bireysel, ["05321234567", "+90 532 123 45 68", "ali@example.com"]);
        var keys = GateEndToEndTests.Request(Channel.Eposta, RecipientType.Tacir, []);
        keys.RecipientKeys.Add(ByteString.CopyFrom(new byte[16]));
        keys.RecipientKeys.Add(ByteString.CopyFrom(Enumerable.Range(1, 16).Select(b => (byte)b).ToArray()));
        var informational = GateEndToEndTests.Request(Channel.Arama, RecipientType.Bireysel, ["05321234567"]);
        informational.Kind = MessageKind.Informational;
        return [addresses.ToByteArray(), keys.ToByteArray(), informational.ToByteArray(), []];
    }

    /// <summary>A seed with a few bytes flipped, cut, or spliced with random bytes; or pure noise.</summary>
    private static int Mutate(Random random, byte[] seed, byte[] buffer)
    {
        int length = Math.Min(seed.Length, buffer.Length);
        seed.AsSpan(0, length).CopyTo(buffer);
        switch (random.Next(4))
        {
            case 0:
                length = random.Next(64);
                random.NextBytes(buffer.AsSpan(0, length));
                break;
            case 1:
                length = length == 0 ? 0 : random.Next(length + 1);
                break;
            default:
                for (int flips = random.Next(1, 4); flips > 0 && length > 0; flips--)
                {
                    buffer[random.Next(length)] = (byte)random.Next(256);
                }

                break;
        }

        return length;
    }
}
