using Microsoft.Extensions.Logging;
using SendGate.Iys.Sync.Api;

namespace SendGate.Iys.Sync;

/// <summary>
/// The brands the connector works for. Configured (Iys:IysCode with Iys:Brands), or — for an integration partner with
/// Iys:IntegratorCode — the brands İYS lists as authorized for it with a right to read, asked again every
/// Iys:DiscoveryInterval and narrowed by Iys:Brands when that is set. A failed listing keeps the last good one (said
/// in the log); with none yet, the caller's round fails and is retried. Thread-safe: the PULL loop refreshes it, the
/// receiver asks whether a pushed brand is ours.
/// </summary>
public sealed class BrandDirectory(IysSyncOptions options, IysApi api, TimeProvider clock, ILogger logger)
{
    private readonly Lock _lock = new();
    private IReadOnlyList<IysBrand>? _brands = options.IntegratorCode == 0 ? [.. options.Brands.Select(brand => new IysBrand(options.IysCode, brand))] : null;
    private DateTimeOffset _listedAt = DateTimeOffset.MinValue;

    /// <summary>The brands as last known; empty before a partner's first listing.</summary>
    public IReadOnlyList<IysBrand> Known
    {
        get
        {
            lock (_lock)
            {
                return _brands ?? [];
            }
        }
    }

    /// <summary>
    /// The brand a change pushed for <paramref name="iysCode"/> and <paramref name="brandCode"/> belongs to, when the
    /// connector works for it; an item without an iysCode (0) is matched by its brandCode alone (brand codes are unique in İYS).
    /// </summary>
    public IysBrand? Find(uint iysCode, uint brandCode) =>
        Known.FirstOrDefault(brand => brand.BrandCode == brandCode && (iysCode == 0 || brand.IysCode == iysCode)) is { BrandCode: not 0 } found ? found : null;

    /// <summary>The brands to work for now: the configured ones, or a partner's as İYS lists them (listed again when due).</summary>
    /// <exception cref="IysApiException">İYS could not list a partner's brands and none are known yet.</exception>
    public async Task<IReadOnlyList<IysBrand>> CurrentAsync(CancellationToken cancellationToken)
    {
        if (options.IntegratorCode == 0 || clock.GetUtcNow() - _listedAt < options.DiscoveryInterval)
        {
            return Known;
        }

        try
        {
            var listed = await api.ListAuthorizedBrandsAsync(options.IntegratorCode, cancellationToken);
            var readable = listed.Where(brand => brand.CanRead && (options.Brands.Length == 0 || options.Brands.Contains(brand.BrandCode)))
                .Select(brand => new IysBrand(brand.IysCode, brand.BrandCode)).Distinct().ToList();
            string pulled = string.Join(',', readable), unreadable = string.Join(',', listed.Where(brand => !brand.CanRead).Select(brand => brand.BrandCode));
            IysSyncLog.BrandsListed(logger, options.IntegratorCode, listed.Count, readable.Count, pulled, unreadable);

            lock (_lock)
            {
                _brands = readable;
                _listedAt = clock.GetUtcNow();
            }

            return readable;
        }
        catch (IysApiException exception) when (Known.Count > 0)
        {
            IysSyncLog.BrandListingFailed(logger, options.IntegratorCode, exception.Message);
            return Known;
        }
    }
}
