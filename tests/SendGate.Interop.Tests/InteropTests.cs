using SendGate.Tests.Support;

namespace SendGate.Interop.Tests;

/// <summary>
/// Clients nobody here wrote — Python grpcio and Node grpc-js — run their scenario scripts
/// (tests/interop/) against grpc-dotnet as the gate configures it. Their prerequisites are
/// installed by eng/install-interop.sh (CI runs it).
/// </summary>
public sealed class InteropTests(EchoServerFixture server) : IClassFixture<EchoServerFixture>
{
    private static readonly string[] Scenarios =
    [
        "unary", "error_with_non_ascii_message", "server_stream", "client_stream", "bidi_ping_pong", "bidi_send_all",
        "deadline_exceeded", "unknown_method", "oversize_request", "oversize_response", "compressed_request",
        "cancel_mid_stream", "concurrent_300", "health", "reflection", "reflection_v1",
    ];

    [Fact]
    public Task PythonGrpcio_EveryScenarioPasses() => RunScenariosAsync("/usr/bin/python3", "tests/interop/python/interop_client.py");

    [Fact]
    public Task NodeGrpcJs_EveryScenarioPasses() => RunScenariosAsync("node", "tests/interop/node/interop_client.js");

    private async Task RunScenariosAsync(string program, string script)
    {
        string root = ExternalProgram.RepoRoot();
        var (exit, output) = await ExternalProgram.RunAsync(program, [
            Path.Combine(root, script),
            "--target", $"{server.Address.Host}:{server.Address.Port}",
            "--proto-root", Path.Combine(root, "tests/interop/proto"),
            "--proto-root", Path.Combine(root, "proto"),
        ]);

        AssertAllPassed(exit, output);
    }

    private static void AssertAllPassed(int exit, string output)
    {
        foreach (string scenario in Scenarios)
        {
            Assert.True(output.Contains("PASS " + scenario + "\n", StringComparison.Ordinal), $"scenario {scenario} did not pass. Output:\n{output}");
        }

        Assert.True(exit == 0, $"exit code {exit}. Output:\n{output}");
    }
}
