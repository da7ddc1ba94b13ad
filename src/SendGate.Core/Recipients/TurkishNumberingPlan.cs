namespace SendGate.Core.Recipients;

/// <summary>
/// Which 10-digit national numbers can receive commercial messages, by the first three digits
/// (BTK's national numbering plan): mobile 5xx; the 82 geographic area codes (one per
/// province, two for İstanbul); 850, the nationwide non-geographic range. Toll-free 800,
/// premium 900 and short codes (444x) are never recipients.
/// </summary>
internal static class TurkishNumberingPlan
{
    private static readonly ushort[] GeographicAreaCodes =
    [
        212, 216, 222, 224, 226, 228, 232, 236, 242, 246, 248, 252, 256, 258, 262, 264, 266, 272, 274, 276,
        282, 284, 286, 288, 312, 318, 322, 324, 326, 328, 332, 338, 342, 344, 346, 348, 352, 354, 356, 358,
        362, 364, 366, 368, 370, 372, 374, 376, 378, 380, 382, 384, 386, 388, 412, 414, 416, 422, 424, 426,
        428, 432, 434, 436, 438, 442, 446, 452, 454, 456, 458, 462, 464, 466, 472, 474, 476, 478, 482, 484,
        486, 488,
    ];

    // One bit per three-digit prefix: a branch-free lookup on the hot path.
    private static readonly ulong[] CallableBits = BuildCallable();

    public static int GeographicAreaCodeCount => GeographicAreaCodes.Length;

    public static bool IsMobile(uint areaCode) => areaCode is >= 500 and <= 599;

    /// <summary>Mobile, geographic or 850: numbers a voice call (ARAMA) may go to.</summary>
    public static bool IsCallable(uint areaCode) =>
        areaCode < 1000 && (CallableBits[areaCode >> 6] & (1UL << (int)(areaCode & 63))) != 0;

    private static ulong[] BuildCallable()
    {
        var bits = new ulong[16];
        void Set(uint code) => bits[code >> 6] |= 1UL << (int)(code & 63);
        foreach (ushort code in GeographicAreaCodes)
        {
            Set(code);
        }

        for (uint code = 500; code <= 599; code++)
        {
            Set(code);
        }

        Set(850);
        return bits;
    }
}
