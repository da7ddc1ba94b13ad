using System.Security.Cryptography;

namespace SendGate.Core.Hashing;

/// <summary>
/// Seals an address that must reach İYS later (a refusal the sender received: İYS needs the address, and a keyed
/// hash cannot be reversed): AES-256-GCM under a 32-byte key of its own — not the hashing key — held only by the
/// gates and the İYS connector. The sealed form is <c>nonce (12) | ciphertext | tag (16)</c>; the associated data
/// binds it to its record, so a sealed address cannot be moved to another refusal. Never logged.
/// </summary>
public sealed class AddressSeal
{
    public const int KeySize = 32;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _key;

    private AddressSeal(byte[] key) => _key = key;

    /// <summary>Reads the key from base64; false with a sentence (never the key) when it is not 32 bytes of base64.</summary>
    public static bool TryParseBase64(string? text, out AddressSeal? seal, out string error)
    {
        seal = null;
        byte[] key = new byte[KeySize];
        if (string.IsNullOrWhiteSpace(text) || !Convert.TryFromBase64String(text.Trim(), key, out int length) || length != KeySize)
        {
            error = "the sealing key must be 32 random bytes in base64 (e.g. `openssl rand -base64 32`)";
            return false;
        }

        seal = new AddressSeal(key);
        error = string.Empty;
        return true;
    }

    public byte[] Seal(ReadOnlySpan<byte> address, ReadOnlySpan<byte> associatedData)
    {
        byte[] sealedForm = new byte[NonceSize + address.Length + TagSize];
        var nonce = sealedForm.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, address, sealedForm.AsSpan(NonceSize, address.Length), sealedForm.AsSpan(NonceSize + address.Length), associatedData);
        return sealedForm;
    }

    /// <summary>The address, or false when the sealed form was made under another key, bound to other data, or altered.</summary>
    public bool TryOpen(ReadOnlySpan<byte> sealedForm, ReadOnlySpan<byte> associatedData, out byte[] address)
    {
        address = [];
        if (sealedForm.Length < NonceSize + TagSize)
        {
            return false;
        }

        byte[] plain = new byte[sealedForm.Length - NonceSize - TagSize];
        using var aes = new AesGcm(_key, TagSize);
        try
        {
            aes.Decrypt(sealedForm[..NonceSize], sealedForm[NonceSize..^TagSize], sealedForm[^TagSize..], plain, associatedData);
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }

        address = plain;
        return true;
    }
}
