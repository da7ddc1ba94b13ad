using SendGate.Core.Hashing;

namespace SendGate.Core.Tests;

/// <summary>A fixed test hashing key (never a deployment's).</summary>
internal static class TestKeys
{
    public static readonly HashingKey Key = HashingKey.ParseBase64("c2VuZGdhdGUtdGVzdGtleQ=="); // "sendgate-testkey"

    public static readonly RecipientHasher Hasher = new(Key);
}
