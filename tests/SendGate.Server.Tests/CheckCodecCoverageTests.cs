using SendGate.Contracts.V1;
using SendGate.Server.Gate;

namespace SendGate.Server.Tests;

/// <summary>
/// The Check path's hand-written codecs against the schema: <see cref="CheckRequestView"/> reads, and
/// <see cref="CheckResponseBuffer"/> writes, every field of their messages. A field added to gate.proto fails here
/// until the codec handles it, instead of being skipped on the way in or never written on the way out.
/// </summary>
public sealed class CheckCodecCoverageTests
{
    [Fact]
    public void CheckRequestView_ReadsEveryFieldOfCheckRequest() =>
        Assert.Equal(CheckRequest.Descriptor.Fields.InFieldNumberOrder().Select(field => field.FieldNumber), CheckRequestView.HandledFields.Order());

    [Fact]
    public void CheckResponseBuffer_WritesEveryFieldOfCheckResponseAndReasonCount()
    {
        Assert.Equal(CheckResponse.Descriptor.Fields.InFieldNumberOrder().Select(field => field.FieldNumber), CheckResponseBuffer.HandledFields.Order());
        Assert.Equal(ReasonCount.Descriptor.Fields.InFieldNumberOrder().Select(field => field.FieldNumber), CheckResponseBuffer.HandledCountFields.Order());
    }
}
