using System.Threading.Channels;

namespace SendGate.Grpc.Health;

public enum HealthStatus
{
    Unknown = 0,
    Serving = 1,
    NotServing = 2,
}

/// <summary>
/// The serving status of the server ("") and of each named service, as grpc.health.v1 reports
/// it. The host sets NOT_SERVING while data is loading; watchers see every change.
/// </summary>
public sealed class HealthStatusRegistry
{
    /// <summary>The whole server.</summary>
    public const string Server = "";

    private readonly Lock _lock = new();
    private readonly Dictionary<string, HealthStatus> _statuses = new(StringComparer.Ordinal) { [Server] = HealthStatus.Serving };
    private readonly Dictionary<string, List<Channel<HealthStatus?>>> _watchers = new(StringComparer.Ordinal);

    public void SetStatus(string service, HealthStatus status)
    {
        ArgumentNullException.ThrowIfNull(service);
        lock (_lock)
        {
            _statuses[service] = status;
            Notify(service, status);
        }
    }

    /// <summary>Forgets a service: checks answer NOT_FOUND and watchers SERVICE_UNKNOWN.</summary>
    public void Remove(string service)
    {
        lock (_lock)
        {
            if (_statuses.Remove(service))
            {
                Notify(service, null);
            }
        }
    }

    /// <summary>The status, or null for a service the registry does not know.</summary>
    public HealthStatus? GetStatus(string service)
    {
        lock (_lock)
        {
            return _statuses.TryGetValue(service, out var status) ? status : null;
        }
    }

    /// <summary>The current status, then every change, until cancelled. Only the latest status is kept for a slow reader.</summary>
    public async IAsyncEnumerable<HealthStatus?> WatchAsync(string service, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<HealthStatus?>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (_lock)
        {
            channel.Writer.TryWrite(_statuses.TryGetValue(service, out var current) ? current : null);
            if (!_watchers.TryGetValue(service, out var list))
            {
                _watchers[service] = list = [];
            }

            list.Add(channel);
        }

        try
        {
            HealthStatus? last = (HealthStatus)(-1);
            while (await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out var status))
                {
                    if (status != last)
                    {
                        last = status;
                        yield return status;
                    }
                }
            }
        }
        finally
        {
            lock (_lock)
            {
                _watchers[service].Remove(channel);
            }
        }
    }

    private void Notify(string service, HealthStatus? status)
    {
        if (_watchers.TryGetValue(service, out var list))
        {
            foreach (var watcher in list)
            {
                watcher.Writer.TryWrite(status);
            }
        }
    }
}
