using Google.Protobuf;
using Grpc.Core;
using SendGate.Contracts;
using SendGate.Contracts.V1;
using SendGate.Core.Consent;
using SendGate.Core.Domain;
using SendGate.Iys.Sync.Api;
using Channel = SendGate.Core.Domain.Channel;
using ConsentStatus = SendGate.Core.Domain.ConsentStatus;
using RecipientType = SendGate.Core.Domain.RecipientType;
using Reason = SendGate.Core.Domain.Reason;

namespace SendGate.Iys.Sync.Reconciliation;

/// <summary>
/// Mutabakat against a gate: a brand's daily change file from İYS (downloaded by the caller, checked against İYS's hash
/// by <see cref="OfficialCheck"/>) against what the gate answers. Each tuple's newest change of the day is asked of the
/// gate by key (Check, commercial, in batches); an answer other than the one the İYS status implies is looked at once
/// more with Explain, to tell a change the gate missed from one it holds a newer change for, or a line closed after
/// the consent.
/// </summary>
public sealed class Reconciler(Contracts.V1.Gate.GateClient gate, FeedEventFactory factory, TimeSpan callTimeout)
{
    private const int Batch = 1000;

    public async Task<(ReconcileReport Report, IReadOnlyList<ConsentChange> Missing)> ReconcileAsync(IysBrand iysBrand, DateOnly day, byte[] file, CancellationToken cancellationToken)
    {
        uint brand = iysBrand.BrandCode, iysCode = iysBrand.IysCode;
        var changes = DailyChanges.Parse(file, factory, iysCode, brand);
        var verdicts = new List<(ConsentChange Change, Verdict Verdict, Reason Reason, ConsentTime? GateModifiedAt)>();
        foreach (var group in changes.Newest.Values.GroupBy(change => (change.Key.Channel, change.Key.RecipientType)))
        {
            foreach (var chunk in group.Chunk(Batch))
            {
                var reasons = await CheckAsync(iysBrand, group.Key.Channel, group.Key.RecipientType, chunk, cancellationToken);
                for (int i = 0; i < chunk.Length; i++)
                {
                    verdicts.Add(await JudgeAsync(iysCode, chunk[i], reasons[i], cancellationToken));
                }
            }
        }

        var counts = verdicts
            .GroupBy(v => (v.Change.Key.Channel, v.Change.Key.RecipientType, v.Change.Record.State.Status))
            .OrderBy(g => g.Key)
            .Select(g => new ReconcileCounts(g.Key.Channel, g.Key.RecipientType, g.Key.Status, g.Count(),
                g.Count(v => v.Verdict == Verdict.Agree), g.Count(v => v.Verdict == Verdict.LineClosed), g.Count(v => v.Verdict == Verdict.Superseded), g.Count(v => v.Verdict == Verdict.Disagree)))
            .ToList();
        var disagreements = verdicts.Where(v => v.Verdict == Verdict.Disagree)
            .Select(v => new Disagreement(v.Change.Key, v.Change.Record.State.Status, v.Change.Record.State.ModifiedAt, v.Reason, v.GateModifiedAt))
            .ToList();
        var missing = verdicts.Where(v => v.Verdict == Verdict.Disagree).Select(v => v.Change).ToList();
        return (new ReconcileReport(brand, day, changes.Rows, changes.Rejected, counts, disagreements), missing);
    }

    private async Task<Reason[]> CheckAsync(IysBrand brand, Channel channel, RecipientType type, ConsentChange[] chunk, CancellationToken cancellationToken)
    {
        var request = new CheckRequest
        {
            RequestId = $"reconcile-{brand}",
            IysCode = brand.IysCode,
            BrandCode = brand.BrandCode,
            Channel = channel.ToWire(),
            RecipientType = type.ToWire(),
            Kind = Contracts.V1.MessageKind.Commercial,
            KeyId = factory.Hasher.KeyId,
        };
        foreach (var change in chunk)
        {
            request.RecipientKeys.Add(ByteString.CopyFrom(change.Key.Recipient.ToArray()));
        }

        var response = await gate.CheckAsync(request, deadline: DateTime.UtcNow + callTimeout, cancellationToken: cancellationToken);
        return [.. response.Reasons.Select(reason => (Reason)reason)];
    }

    private async Task<(ConsentChange, Verdict, Reason, ConsentTime?)> JudgeAsync(uint iysCode, ConsentChange change, Reason reason, CancellationToken cancellationToken)
    {
        var status = change.Record.State.Status;
        if ((status == ConsentStatus.Onay && reason == Reason.AllowedConsent) || (status == ConsentStatus.Ret && reason == Reason.DeniedRefused))
        {
            return (change, Verdict.Agree, reason, null);
        }

        if (reason == Reason.DeniedStaleIndex)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, "the gate's data is stale (DENIED_STALE_INDEX): reconcile against a current gate"));
        }

        var explained = await gate.ExplainAsync(new ExplainRequest
        {
            IysCode = iysCode,
            BrandCode = change.Key.BrandCode,
            Channel = change.Key.Channel.ToWire(),
            RecipientType = change.Key.RecipientType.ToWire(),
            RecipientKey = ByteString.CopyFrom(change.Key.Recipient.ToArray()),
        }, deadline: DateTime.UtcNow + callTimeout, cancellationToken: cancellationToken);
        ConsentTime? held = explained.Record?.LastModificationDate is { } modified && ConsentTime.TryFromUnixSeconds(modified.Seconds, out var time) ? time : null;
        var verdict =
            held is { } newer && newer > change.Record.State.ModifiedAt ? Verdict.Superseded :
            status == ConsentStatus.Onay && reason == Reason.DeniedLineClosed && held is { } same && same == change.Record.State.ModifiedAt ? Verdict.LineClosed :
            Verdict.Disagree;
        return (change, verdict, reason, held);
    }
}
