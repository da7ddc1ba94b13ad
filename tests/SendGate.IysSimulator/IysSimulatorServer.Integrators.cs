using System.Globalization;
using System.Text.Json.Nodes;

namespace SendGate.IysSimulator;

/// <summary>integratorList: the brands an integration partner may act for, in pages of at most 100.</summary>
public sealed partial class IysSimulatorServer
{
    private void MapIntegrators(RouteGroupBuilder integrator) => integrator.MapGet("/sps", Integrator).WithName("integratorList");

    private IResult Integrator(uint integratorCode, string? offset, string? limit)
    {
        int from = 0, size = SimulatorSettings.MaxIntegratorPage;
        if (offset is not null && (!int.TryParse(offset, CultureInfo.InvariantCulture, out from) || from < 0))
        {
            return IysErrors.Errors(422, new IysFault("H183", "offset değeri geçerli olmalıdır.", ["offset"], offset));
        }

        if (limit is not null)
        {
            if (!int.TryParse(limit, CultureInfo.InvariantCulture, out size) || size < 0)
            {
                return IysErrors.Errors(422, new IysFault("H182", "limit değeri geçerli olmalıdır.", ["limit"], limit));
            }

            if (size == 0)
            {
                return IysErrors.Errors(422, new IysFault("H187", "Limit değerleri sıfır olmamalıdır.", ["limit"], 0));
            }

            if (size > SimulatorSettings.MaxIntegratorPage)
            {
                return IysErrors.Errors(422, new IysFault("H186", "Sayfalama (pagination) değeri en fazla 100 olabilir.", ["limit"], size));
            }
        }

        if (!_settings.Integrators.TryGetValue(integratorCode, out var brands))
        {
            return IysErrors.Errors(404, "H129", "Entegratör bulunamadı.");
        }

        var page = brands.Skip(from).Take(size).ToList();
        var list = new JsonArray();
        foreach (var brand in page)
        {
            // The document's example writes the codes as strings where its schema says integer: so does the simulator.
            var item = new JsonObject
            {
                ["brandCode"] = brand.BrandCode.ToString(CultureInfo.InvariantCulture), ["name"] = brand.Name, ["master"] = true, ["title"] = brand.Name + " A.Ş.",
                ["iysCode"] = brand.IysCode.ToString(CultureInfo.InvariantCulture), ["agreementControl"] = true, ["viaControl"] = false,
            };
            foreach (var (type, right) in new[] { ("MESAJ", brand.Mesaj), ("ARAMA", brand.Arama), ("EPOSTA", brand.Eposta) })
            {
                if (right is not null)
                {
                    item[type] = right;
                }
            }

            list.Add(item);
        }

        return Results.Json(new JsonObject
        {
            ["pagination"] = new JsonObject { ["offset"] = from, ["pageSize"] = page.Count, ["totalCount"] = brands.Count },
            ["list"] = list,
        });
    }
}
