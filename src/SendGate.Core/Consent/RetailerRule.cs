using System.Globalization;

namespace SendGate.Core.Consent;

/// <summary>
/// Which retailers (bayi) may use a consent: the retailer it belongs to (<see cref="Owner"/>, 0 when none) and the
/// ones given access (<see cref="Access"/>, sorted). İYS's retailer codes are integers. A consent without either is
/// the brand's own: the brand may use it, a retailer may not — a send on behalf of a retailer is allowed only for
/// consents that retailer may access.
/// </summary>
public sealed class RetailerRule : IEquatable<RetailerRule>
{
    private readonly uint[] _access;

    private RetailerRule(uint owner, uint[] access)
    {
        Owner = owner;
        _access = access;
    }

    public uint Owner { get; }

    public IReadOnlyList<uint> Access => _access;

    public bool Allows(uint retailer) => retailer != 0 && (retailer == Owner || Array.BinarySearch(_access, retailer) >= 0);

    /// <summary>The rule a record's retailer fields describe; null when it has none; false when a code is not a positive integer.</summary>
    public static bool TryParse(string? retailerCode, IReadOnlyList<string>? retailerAccess, out RetailerRule? rule)
    {
        rule = null;
        if (string.IsNullOrEmpty(retailerCode) && (retailerAccess is null || retailerAccess.Count == 0))
        {
            return true; // the brand's own consent: the common case, no work
        }

        uint owner = 0;
        if (!string.IsNullOrEmpty(retailerCode) && !TryParseCode(retailerCode, out owner))
        {
            return false;
        }

        var access = new List<uint>(retailerAccess?.Count ?? 0);
        foreach (string text in retailerAccess ?? [])
        {
            if (!TryParseCode(text, out uint code))
            {
                return false;
            }

            access.Add(code);
        }

        if (owner != 0 || access.Count > 0)
        {
            rule = Create(owner, access);
        }

        return true;
    }

    public static RetailerRule Create(uint owner, IEnumerable<uint> access) => new(owner, [.. access.Distinct().Order()]);

    public bool Equals(RetailerRule? other) => other is not null && Owner == other.Owner && _access.AsSpan().SequenceEqual(other._access);

    public override bool Equals(object? obj) => Equals(obj as RetailerRule);

    public override int GetHashCode() => HashCode.Combine(Owner, _access.Length);

    private static bool TryParseCode(string text, out uint code) =>
        uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out code) && code != 0;
}
