using Google.Protobuf.Reflection;
using SendGate.Contracts.V1;

namespace SendGate.Contracts.Tests;

/// <summary>
/// The feed's hand-written reader (<see cref="FeedEventReader"/>) against the schema it reads: every field of every
/// message it reads must be one it handles. A field added to feed.proto fails here until the reader reads it (or is
/// made to say it skips it), instead of being dropped in silence while Google.Protobuf's parser would have read it.
/// </summary>
public sealed class HandCodecCoverageTests
{
    [Fact]
    public void FeedEventReader_HandlesEveryFieldOfEveryMessageItReads()
    {
        AssertCovers(FeedEvent.Descriptor, FeedEventReader.HandledFields);
    }

    /// <summary>Every field of <paramref name="root"/> and of the messages below it (well-known types aside) is in <paramref name="handled"/>.</summary>
    private static void AssertCovers(MessageDescriptor root, IReadOnlyDictionary<string, int[]> handled)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(handled);
        var pending = new Queue<MessageDescriptor>([root]);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (pending.TryDequeue(out var message))
        {
            if (!seen.Add(message.FullName))
            {
                continue;
            }

            Assert.True(handled.TryGetValue(message.FullName, out var fields), $"{message.FullName} is read by no hand codec");
            Assert.Equal(message.Fields.InFieldNumberOrder().Select(field => field.FieldNumber), fields.Order());
            foreach (var field in message.Fields.InFieldNumberOrder().Where(field => field.FieldType == FieldType.Message && !field.MessageType.FullName.StartsWith("google.protobuf.", StringComparison.Ordinal)))
            {
                pending.Enqueue(field.MessageType);
            }
        }
    }
}
