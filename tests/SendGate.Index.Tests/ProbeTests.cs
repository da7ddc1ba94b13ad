using System.Runtime.InteropServices;
using SendGate.Index.Table;

namespace SendGate.Index.Tests;

/// <summary>The AVX-512 probe and the scalar probe give the same answers, whichever the machine uses.</summary>
public sealed unsafe class ProbeTests
{
    [Fact]
    public void ScalarAndVectorProbes_Agree_OnEverySlotAndOnAbsence()
    {
        Slot* bucket = (Slot*)NativeMemory.AlignedAlloc(64, 64);
        try
        {
            var random = new Random(5);
            for (int round = 0; round < 2_000; round++)
            {
                for (int s = 0; s < Generation.SlotsPerBucket; s++)
                {
                    bool empty = random.Next(4) == 0;
                    bucket[s].Tag = empty ? 0 : (ulong)random.NextInt64(1, long.MaxValue);
                    bucket[s].Value = empty ? 0 : (ulong)random.NextInt64(1, long.MaxValue);
                }

                // Probe each stored tag, an absent tag, and a tag equal to a stored *value* (must not match).
                var probes = Enumerable.Range(0, 4).Select(s => bucket[s].Tag).Where(t => t != 0)
                    .Append((ulong)random.NextInt64(1, long.MaxValue)).Append(bucket[0].Value).ToArray();
                foreach (ulong tag in probes)
                {
                    ulong expected = 0;
                    for (int s = 0; s < Generation.SlotsPerBucket; s++)
                    {
                        if (bucket[s].Tag == tag && tag != 0)
                        {
                            expected = bucket[s].Value;
                            break;
                        }
                    }

                    Assert.Equal(expected, Generation.ProbeScalar(bucket, tag));
                    if (Generation.VectorProbe)
                    {
                        Assert.Equal(expected, Generation.ProbeVector(bucket, tag));
                    }
                }
            }
        }
        finally
        {
            NativeMemory.AlignedFree(bucket);
        }
    }
}
