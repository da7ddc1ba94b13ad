using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SendGate.Senders.Postfix;

/// <summary>
/// One connection from a Postfix smtpd process, on Kestrel's connection layer: requests read off the pipe, each
/// answered <c>action=…</c> and an empty line. smtpd keeps the connection for many requests and sends the next only
/// after the answer, so concurrency (and the gate's batches) come from many connections at once. When the service
/// stops, a connection waiting for its next request is closed at once (smtpd reconnects for the next one, to
/// whichever instance is up); a request being decided is still answered.
/// </summary>
public sealed class PolicyConnectionHandler(PolicyDecider decider, PostfixPolicyOptions options, PostfixMetrics metrics, IHostApplicationLifetime lifetime, ILogger<PolicyConnectionHandler> logger) : ConnectionHandler
{
    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        metrics.Connected();
        try
        {
            await ServeAsync(connection.Transport, connection.ConnectionClosed).ConfigureAwait(false);
        }
        catch (Exception error) when (error is ConnectionResetException or IOException or OperationCanceledException)
        {
            // Postfix closes idle connections (smtpd_policy_service_max_idle) and at reload: nothing to report.
        }
        catch (InvalidDataException problem)
        {
            metrics.ProtocolError();
            PostfixLog.ProtocolError(logger, connection.RemoteEndPoint?.ToString(), problem.Message);
        }
        finally
        {
            metrics.Disconnected();
        }
    }

    private async Task ServeAsync(IDuplexPipe transport, CancellationToken closed)
    {
        var input = transport.Input;
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(closed, lifetime.ApplicationStopping);
        while (true)
        {
            var read = await input.ReadAsync(idle.Token).ConfigureAwait(false);
            var buffer = read.Buffer;
            string? error;
            while (PolicyRequest.TryRead(ref buffer, out var request, out error))
            {
                string action = await decider.DecideAsync(request!, closed).ConfigureAwait(false);
                await transport.Output.WriteAsync(Encoding.UTF8.GetBytes("action=" + action + "\n\n"), closed).ConfigureAwait(false);
            }

            if (error is not null)
            {
                throw new InvalidDataException(error);
            }

            if (buffer.Length > options.MaxRequestBytes)
            {
                throw new InvalidDataException($"a request longer than {options.MaxRequestBytes} bytes (Postfix:MaxRequestBytes)");
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            if (read.IsCompleted)
            {
                return;
            }
        }
    }
}
