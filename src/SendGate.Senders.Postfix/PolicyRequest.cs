using System.Buffers;
using System.Text;

namespace SendGate.Senders.Postfix;

/// <summary>
/// One policy delegation request: <c>name=value</c> lines ending with an empty line (SMTPD_POLICY_README). Postfix
/// sends values raw (no encoding; they cannot hold a newline); unknown names are kept and ignored.
/// </summary>
public sealed class PolicyRequest
{
    private readonly Dictionary<string, string> _attributes;

    private PolicyRequest(Dictionary<string, string> attributes) => _attributes = attributes;

    public string this[string name] => _attributes.GetValueOrDefault(name, string.Empty);

    /// <summary>The request kind; Postfix sends <c>smtpd_access_policy</c>.</summary>
    public string Kind => this["request"];

    /// <summary>The SMTP command the request is about (RCPT, DATA, END-OF-MESSAGE, ...).</summary>
    public string ProtocolState => this["protocol_state"];

    public string Recipient => this["recipient"];

    public string SaslUsername => this["sasl_username"];

    public string PolicyContext => this["policy_context"];

    public static PolicyRequest Of(IEnumerable<KeyValuePair<string, string>> attributes) => new(new Dictionary<string, string>(attributes, StringComparer.Ordinal));

    /// <summary>
    /// Takes one complete request off the front of <paramref name="buffer"/> (moving it past the request), or false
    /// when the buffer does not hold one yet. A line without '=' is a protocol error: <paramref name="error"/> says so.
    /// </summary>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, out PolicyRequest? request, out string? error)
    {
        var reader = new SequenceReader<byte>(buffer);
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        request = null;
        error = null;
        while (reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
        {
            string text = Encoding.UTF8.GetString(line).TrimEnd('\r');
            if (text.Length == 0)
            {
                buffer = buffer.Slice(reader.Position);
                request = new PolicyRequest(attributes);
                return true;
            }

            int equals = text.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                error = "a request line without name=value";
                return false;
            }

            attributes[text[..equals]] = text[(equals + 1)..];
        }

        return false;
    }
}
