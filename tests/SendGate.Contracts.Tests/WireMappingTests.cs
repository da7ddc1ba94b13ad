using Google.Protobuf.Reflection;
using SendGate.Core.Domain;

namespace SendGate.Contracts.Tests;

/// <summary>The domain enums are byte copies of the wire enums: every wire value must exist in the domain with the same number and name.</summary>
public sealed class WireMappingTests
{
    public static TheoryData<string, Type> EnumPairs => new()
    {
        { "sendgate.v1.Channel", typeof(Channel) },
        { "sendgate.v1.RecipientType", typeof(RecipientType) },
        { "sendgate.v1.MessageKind", typeof(MessageKind) },
        { "sendgate.v1.ConsentStatus", typeof(ConsentStatus) },
        { "sendgate.v1.Reason", typeof(Reason) },
    };

    [Theory]
    [MemberData(nameof(EnumPairs))]
    public void DomainEnum_HasEveryWireValueWithTheSameNumberAndName(string wireName, Type domain)
    {
        var descriptor = V1.GateReflection.Descriptor.EnumTypes.Single(e => e.FullName == wireName);
        var domainValues = Enum.GetValues(domain).Cast<object>().ToDictionary(v => Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture), v => v.ToString()!);

        foreach (EnumValueDescriptor value in descriptor.Values)
        {
            Assert.True(domainValues.TryGetValue(value.Number, out string? name), $"{wireName}.{value.Name} = {value.Number} has no domain value");
            Assert.Equal(Flatten(value.Name.Split('_', 2).Length > 1 ? StripPrefix(value.Name, descriptor.Name) : value.Name), Flatten(name!));
        }

        Assert.Equal(descriptor.Values.Count, domainValues.Count);
    }

    [Fact]
    public void ToDomain_OutOfRangeWireValues_AreNotDefined()
    {
        Assert.False(((V1.Channel)4).ToDomain().IsDefined());
        Assert.False(((V1.Channel)1000).ToDomain().IsDefined());
        Assert.Equal(MessageKind.Commercial, ((V1.MessageKind)1000).ToDomain().Normalize());
    }

    [Fact]
    public void Timestamps_RoundTripThroughConsentTime()
    {
        Assert.True(ConsentTime.TryParseIys("2024-03-01 10:00:00", out var time));

        var timestamp = time.ToTimestamp();

        Assert.NotNull(timestamp);
        Assert.Equal(time, timestamp.ToConsentTime());
        Assert.Null(ConsentTime.None.ToTimestamp());
        Assert.True(((Google.Protobuf.WellKnownTypes.Timestamp?)null).ToConsentTime().IsNone);
    }

    // CHANNEL_MESAJ → MESAJ; CONSENT_STATUS_UNSPECIFIED → UNSPECIFIED (domain: None).
    private static string StripPrefix(string valueName, string enumName)
    {
        string prefix = string.Concat(enumName.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : c.ToString())).ToUpperInvariant() + "_";
        return valueName.StartsWith(prefix, StringComparison.Ordinal) ? valueName[prefix.Length..] : valueName;
    }

    private static string Flatten(string name) =>
        name.Replace("_", string.Empty, StringComparison.Ordinal).ToUpperInvariant() switch
        {
            "NONE" => "UNSPECIFIED", // ConsentStatus.None is the wire's UNSPECIFIED: no record
            var other => other,
        };
}
