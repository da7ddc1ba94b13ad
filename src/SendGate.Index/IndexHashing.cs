using System.Runtime.CompilerServices;
using SendGate.Core.Consent;
using SendGate.Core.Domain;
using SendGate.Core.Hashing;

namespace SendGate.Index;

/// <summary>
/// Where a key lives in the table and how it is recognised there. The recipient key is a
/// 128-bit PRF output (Lo, Hi) and m is an injective code of (brand, channel, type).
/// <list type="bullet">
/// <item>bucket <b>hash</b> = Hi ⊕ m·K₁ — decides the candidate buckets;</item>
/// <item><b>tag</b> = Lo ⊕ (Hi ⊕ m·K₂)·K₃ — recognises the key in them.</item>
/// </list>
/// The K are odd, so each product is a bijection on 64 bits: for a fixed Lo the tag is
/// injective in (Hi, m), so keys that differ anywhere differ in tag unless Lo differs exactly
/// to compensate, which for PRF outputs has probability 2^-64; and since Lo is uniform and
/// independent of Hi, a tag says nothing about the buckets. See docs/architecture.md for the
/// false-positive bound.
/// </summary>
internal static class IndexHashing
{
    private const ulong HashMultiplier = 0xC2B2AE3D27D4EB4FUL;     // K1
    private const ulong TagMultiplier = 0x9E3779B97F4A7C15UL;      // K2
    private const ulong TagMixMultiplier = 0xD6E8FEB86659FD93UL;   // K3

    /// <summary>brand (32 bits) · channel (2 bits) · TACIR (1 bit): injective over valid keys.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Discriminator(in ConsentKey key) =>
        ((ulong)key.BrandCode << 3) | ((ulong)key.Channel << 1) | (key.RecipientType == RecipientType.Tacir ? 1UL : 0UL);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Tag(in ConsentKey key) =>
        NonZero(key.Recipient.Lo ^ ((key.Recipient.Hi ^ (Discriminator(key) * TagMultiplier)) * TagMixMultiplier));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Hash(in ConsentKey key) => key.Recipient.Hi ^ (Discriminator(key) * HashMultiplier);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong ClosureTag(RecipientKey recipient) => NonZero(recipient.Lo ^ (recipient.Hi * TagMixMultiplier));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong ClosureHash(RecipientKey recipient) => recipient.Hi;

    // Tag 0 marks an empty slot; folding 0 onto 1 costs 2^-64 of discrimination.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong NonZero(ulong tag) => tag == 0 ? 1 : tag;
}
