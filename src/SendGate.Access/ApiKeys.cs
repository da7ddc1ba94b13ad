using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace SendGate.Access;

/// <summary>
/// API keys: 32 random bytes, base64url, with a prefix that makes them recognisable to secret
/// scanners. Configuration holds only the SHA-256 of a key, so a leaked configuration grants nothing.
/// </summary>
public static class ApiKeys
{
    public const string Prefix = "sgk_";

    /// <summary>Longest key accepted from a caller; anything longer is refused before hashing.</summary>
    public const int MaxLength = 256;

    public static string Generate() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>The configured form of a key: lowercase hex SHA-256 of its UTF-8 bytes.</summary>
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>The SHA-256 of a presented key into <paramref name="hash"/> (32 bytes).</summary>
    internal static void Hash(ReadOnlySpan<char> key, Span<byte> hash)
    {
        Span<byte> utf8 = stackalloc byte[MaxLength * 3];
        int length = Encoding.UTF8.GetBytes(key, utf8);
        SHA256.HashData(utf8[..length], hash);
    }

    /// <summary>
    /// The key a call carries: <c>authorization: Bearer KEY</c> or <c>x-api-key: KEY</c>.
    /// False when neither is present; <paramref name="malformed"/> says why a present one is unusable.
    /// </summary>
    public static bool TryRead(string? authorization, string? apiKey, out ReadOnlySpan<char> key, out string? malformed)
    {
        key = default;
        malformed = null;
        ReadOnlySpan<char> candidate;
        if (!string.IsNullOrEmpty(authorization))
        {
            const string Bearer = "Bearer ";
            if (!authorization.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase))
            {
                malformed = "the authorization header must be 'Bearer <api key>'";
                return false;
            }

            candidate = authorization.AsSpan(Bearer.Length).Trim();
        }
        else if (!string.IsNullOrEmpty(apiKey))
        {
            candidate = apiKey.AsSpan().Trim();
        }
        else
        {
            return false;
        }

        if (candidate.IsEmpty || candidate.Length > MaxLength)
        {
            malformed = $"an API key has 1 to {MaxLength} characters";
            return false;
        }

        key = candidate;
        return true;
    }
}
