using System.Text.Json;

namespace SendGate.Iys.Sync.Api;

/// <summary>
/// A brand an integration partner (iş ortağı) may act for, with its rights per type as İYS gives them (operation
/// integratorList: <c>"MESAJ": "write"</c> …). The document shows only <c>write</c>; <c>read</c> is taken to allow
/// reading too, and anything else (absent, empty, another word) as no right for that type.
/// </summary>
public sealed record AuthorizedBrand(uint IysCode, uint BrandCode, string? Name, IReadOnlyDictionary<string, string> Rights)
{
    private static readonly string[] Readable = ["read", "write"];

    /// <summary>Some type's changes may be read (PULL answers for the types the partner may read).</summary>
    public bool CanRead => Rights.Values.Any(right => Readable.Any(word => right.Contains(word, StringComparison.OrdinalIgnoreCase)));
}

/// <summary>One page of <c>GET /integrator/{integratorCode}/sps</c>: <c>{pagination:{offset,pageSize,totalCount}, list:[…]}</c>.</summary>
internal static class AuthorizedBrands
{
    public const string Operation = "integratorList";

    /// <summary>İYS's largest page for this listing.</summary>
    public const int PageSize = 100;

    public static (IReadOnlyList<AuthorizedBrand> Brands, long Total) Page(byte[] body)
    {
        using var document = AnswerFields.Document(body, JsonValueKind.Object, Operation, "listing the brands a partner may act for");
        var root = document.RootElement;
        if (!root.TryGetProperty("list", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            throw new IysUnexpectedAnswerException(Operation, "İYS's list of authorized brands has no 'list' array");
        }

        long total = root.TryGetProperty("pagination", out var pagination) && AnswerFields.Number(pagination, "totalCount") is { } count ? count : list.GetArrayLength();
        var brands = new List<AuthorizedBrand>();
        foreach (var item in list.EnumerateArray())
        {
            if (AnswerFields.Code(item, "iysCode") is not { } iysCode || AnswerFields.Code(item, "brandCode") is not { } brandCode)
            {
                throw new IysUnexpectedAnswerException(Operation, "an authorized brand has no usable iysCode or brandCode");
            }

            var rights = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (string type in new[] { "MESAJ", "ARAMA", "EPOSTA" })
            {
                if (AnswerFields.Text(item, type) is { } right)
                {
                    rights[type] = right;
                }
            }

            brands.Add(new AuthorizedBrand(iysCode, brandCode, AnswerFields.Text(item, "name"), rights));
        }

        return (brands, total);
    }
}
