using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SendGate.Access;
using SendGate.Contracts.V1;
using Grpc.Core;
using SendGate.Tests.Support;

namespace SendGate.Server.Tests;

/// <summary>Keys and clients change with the configuration, without a restart; a change that cannot work is refused and the previous clients stay.</summary>
public sealed class AccessReloadTests
{
    [Fact]
    public async Task NewKeys_Work_ReplacedKeys_Stop_BrokenChanges_AreRefused()
    {
        await using var gate = await GateHost.StartAsync(Consents.File, Client("a", "sgk_first-key-of-a"));
        var configuration = (IConfigurationRoot)gate.Services.GetRequiredService<IConfiguration>();

        Assert.Equal(StatusCode.OK, await StatusAsync(gate, "sgk_first-key-of-a"));
        Assert.Equal(StatusCode.Unauthenticated, await StatusAsync(gate, "sgk_key-of-b"));

        Apply(configuration, Client("b", "sgk_key-of-b"));
        Assert.Equal(StatusCode.OK, await StatusAsync(gate, "sgk_key-of-b"));

        Apply(configuration, new() { ["Access:Clients:a:KeyHashes:0"] = ApiKeys.Hash("sgk_second-key-of-a") });
        Assert.Equal(StatusCode.Unauthenticated, await StatusAsync(gate, "sgk_first-key-of-a"));
        Assert.Equal(StatusCode.OK, await StatusAsync(gate, "sgk_second-key-of-a"));

        Apply(configuration, new() { ["Access:Clients:c:KeyHashes:0"] = "sgk_a-key-instead-of-its-hash" });
        Assert.Equal(StatusCode.OK, await StatusAsync(gate, "sgk_key-of-b"));
        Assert.Equal(StatusCode.OK, await StatusAsync(gate, "sgk_second-key-of-a"));
    }

    private static Dictionary<string, string?> Client(string name, string key) => new()
    {
        [$"Access:Clients:{name}:KeyHashes:0"] = ApiKeys.Hash(key),
        [$"Access:Clients:{name}:Grants:0:IysCode"] = "123456",
        [$"Access:Clients:{name}:Grants:0:Channels:0"] = "MESAJ",
    };

    /// <summary>What editing appsettings.json does: new values, then the configuration's change notification.</summary>
    private static void Apply(IConfigurationRoot configuration, Dictionary<string, string?> values)
    {
        foreach (var (key, value) in values)
        {
            configuration[key] = value;
        }

        configuration.Reload();
    }

    private static async Task<StatusCode> StatusAsync(GateHost gate, string key)
    {
        var request = GateEndToEndTests.Request(Channel.Mesaj, RecipientType.Bireysel, ["05321234567"]);
        request.IysCode = 123456;
        try
        {
            await gate.Gate.CheckAsync(request, headers: new Metadata { { "authorization", "Bearer " + key } });
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }
}
