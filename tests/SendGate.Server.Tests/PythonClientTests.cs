using SendGate.Tests.Support;

namespace SendGate.Server.Tests;

/// <summary>The README's Python example (tests/interop/python/gate_check.py), with stubs generated the way the README says, against the real gate.</summary>
public sealed class PythonClientTests(GateServerFixture fixture) : IClassFixture<GateServerFixture>
{
    [Fact]
    public async Task ReadmePythonExample_PrintsTheGatesAnswers()
    {
        string root = ExternalProgram.RepoRoot();
        string work = Directory.CreateTempSubdirectory("sendgate-python-").FullName;
        try
        {
            var (protocExit, protocOutput) = await ExternalProgram.RunAsync("/usr/bin/python3",
                ["-m", "grpc_tools.protoc", "-I", Path.Combine(root, "proto"), "--python_out=.", "--grpc_python_out=.", Path.Combine(root, "proto/sendgate/v1/gate.proto")], work);
            Assert.True(protocExit == 0, protocOutput);

            // As the README does it: the script next to the generated stubs.
            File.Copy(Path.Combine(root, "tests/interop/python/gate_check.py"), Path.Combine(work, "gate_check.py"));
            var (exit, output) = await ExternalProgram.RunAsync("/usr/bin/python3",
                ["gate_check.py", $"{fixture.Host.Address.Host}:{fixture.Host.Address.Port}"], work);

            Assert.True(exit == 0, output);
            Assert.Contains("0532 123 45 67   REASON_ALLOWED_CONSENT", output, StringComparison.Ordinal);
            Assert.Contains("05321234568      REASON_DENIED_REFUSED", output, StringComparison.Ordinal);
            Assert.Contains("05329999999      REASON_DENIED_NO_CONSENT", output, StringComparison.Ordinal);
            Assert.Contains("1 of 3 allowed", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
