using SendGate.Tests.Support;

namespace SendGate.Senders.Tests;

/// <summary>
/// The documented Jasmin MT interceptor example (deploy/integrations/jasmin), run by Python grpcio against a real
/// gate through its command-line entry, which shares the interceptor's code path. Jasmin itself is not run here.
/// </summary>
public sealed class JasminInterceptorTests
{
    [Fact]
    public async Task Interceptor_AsksTheGate_AndRejectsWhatItDenies()
    {
        await using var gate = await GateHost.StartAsync(SenderData.File);
        string root = ExternalProgram.RepoRoot(), stubs = Directory.CreateTempSubdirectory("sendgate-jasmin-stubs-").FullName;
        var (generated, protoc) = await ExternalProgram.RunAsync("/usr/bin/python3", ["-m", "grpc_tools.protoc", "-I", Path.Combine(root, "proto"),
            "--python_out=" + stubs, "--grpc_python_out=" + stubs, Path.Combine(root, "proto/sendgate/v1/gate.proto")]);
        Assert.True(generated == 0, protoc);
        string script = Path.Combine(root, "deploy/integrations/jasmin/sendgate_mt_interceptor.py");
        var environment = new Dictionary<string, string> { ["SENDGATE_STUBS"] = stubs };

        var (exit, output) = await ExternalProgram.RunAsync("/usr/bin/python3", [script, "--gate", $"127.0.0.1:{gate.Address.Port}", "--iys", "123456", "--brand", "123457",
            SenderData.ConsentedPhone, SenderData.RefusedPhone, SenderData.UnknownPhone], environment: environment);
        var (downExit, down) = await ExternalProgram.RunAsync("/usr/bin/python3", [script, "--gate", $"127.0.0.1:{GateHost.FreePort()}", "--iys", "123456", "--brand", "123457",
            SenderData.ConsentedPhone], environment: environment);

        Assert.True(exit == 0, output);
        Assert.Contains($"{SenderData.ConsentedPhone} ALLOWED_CONSENT send\n{SenderData.RefusedPhone} DENIED_REFUSED reject\n{SenderData.UnknownPhone} DENIED_NO_CONSENT reject\n", output, StringComparison.Ordinal);
        Assert.Equal(75, downExit);
        Assert.Contains("unanswered: UNAVAILABLE: retry later", down, StringComparison.Ordinal);
        Directory.Delete(stubs, recursive: true);
    }
}
