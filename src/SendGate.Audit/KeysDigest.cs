using System.Security.Cryptography;

namespace SendGate.Audit;

/// <summary>
/// The decision record's <c>keys_sha256</c>: SHA-256 over the recipients' 16-byte keys, in
/// request order, 16 zero bytes for a recipient that was invalid. Defined once here, so that
/// Check, Explain and an investigator recomputing it (docs/operations.md) agree.
/// </summary>
public static class KeysDigest
{
    public const int KeySize = 16;

    [ThreadStatic]
    private static IncrementalHash? t_hash;

    /// <summary>
    /// A running digest for one request on this thread: append keys chunk by chunk, then
    /// <see cref="IncrementalHash.GetHashAndReset()"/>. Reused per thread: nothing allocated per request.
    /// </summary>
    public static IncrementalHash Begin() => t_hash ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <summary>The digest of a single recipient (Explain); an empty key stands for an invalid recipient.</summary>
    public static byte[] Of(ReadOnlySpan<byte> key)
    {
        Span<byte> invalid = stackalloc byte[KeySize];
        return SHA256.HashData(key.Length == KeySize ? key : invalid);
    }
}
