using System.Globalization;
using System.Net;

namespace SendGate.Iys.Sync.Api;

/// <summary>One HTTP exchange with İYS: the status and the whole body, or the failure to get them.</summary>
internal readonly record struct IysExchange(HttpResponseMessage Response, byte[] Body) : IDisposable
{
    public HttpStatusCode Status => Response.StatusCode;

    public void Dispose() => Response.Dispose();
}

/// <summary>
/// Sends one request to İYS and reads its whole answer within Iys:RequestTimeout; no answer in time, or none at all
/// (a refused connection, a reset), is an <see cref="IysTransientException"/> saying what was being done — written once
/// for the API's calls and the token endpoint alike.
/// </summary>
internal static class IysTransport
{
    public static async Task<IysExchange> SendAsync(HttpClient http, HttpRequestMessage request, TimeSpan timeout, string doing, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        HttpResponseMessage? response = null;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, limit.Token);
            return new IysExchange(response, await response.Content.ReadAsByteArrayAsync(limit.Token));
        }
        catch (Exception exception) when (exception is HttpRequestException || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            response?.Dispose();
            string what = exception is OperationCanceledException
                ? string.Create(CultureInfo.InvariantCulture, $"no answer within {timeout.TotalSeconds:F0} s")
                : exception.Message;
            throw new IysTransientException($"İYS did not answer when {doing}: {what}", inner: exception);
        }
    }
}
