using System.Text;
using SendGate.Core.Domain;
using SendGate.Core.Hashing;
using SendGate.Index.Snapshots;

namespace SendGate.Index.Tests;

public sealed class SnapshotTests : IDisposable
{
    private const uint KeyId = 0xC0FFEE01;
    private readonly string _directory = Directory.CreateTempSubdirectory("sendgate-snapshot-").FullName;

    [Fact]
    public void Crc32C_StandardCheckValue()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));
        Assert.Equal(0u, Crc32C.Compute([]));
    }

    [Fact]
    public void WriteThenLoad_RestoresEveryEntryClosureAndThePosition()
    {
        using var index = Keys.Index(expected: 1024); // small: the load makes several generations
        var random = new Random(8);
        var keys = Enumerable.Range(0, 20_000).Select(_ => Keys.Random(random)).ToArray();
        for (int i = 0; i < keys.Length; i++)
        {
            index.Apply(keys[i], Keys.Onay(Keys.Jan, new ConsentTime(Keys.Jan.Seconds + (uint)i)));
        }

        index.ApplyClosure(keys[7].Recipient, Keys.Mar);
        byte[] position = Encoding.UTF8.GetBytes("kafka:sendgate.consents/0=1234,1=99");
        string path = Path.Combine(_directory, "index.snap");

        var written = IndexSnapshot.Write(index, path, KeyId, position);
        var (loaded, info) = IndexSnapshot.Load(path, KeyId);

        using (loaded)
        {
            Assert.Equal(index.Count, loaded.Count);
            Assert.Equal(index.ClosureCount, loaded.ClosureCount);
            Assert.Equal(index.Version, loaded.Version);
            Assert.Equal(index.Generations, loaded.Generations);
            Assert.Equal(position, info.Position);
            Assert.Equal(written.Bytes, new FileInfo(path).Length);
            var expected = new ConsentLookup[keys.Length];
            var actual = new ConsentLookup[keys.Length];
            index.Lookup(keys, expected);
            loaded.Lookup(keys, actual);
            Assert.Equal(expected, actual);
            Assert.Equal(Keys.Mar, loaded.Lookup(keys[7]).LineClosedAt);

            // The loaded index keeps working as a writable index.
            loaded.Apply(keys[0], Keys.Ret(Keys.Mar, Keys.Mar));
            Assert.Equal(Keys.Ret(Keys.Mar, Keys.Mar), loaded.Lookup(keys[0]).State);
        }
    }

    [Fact]
    public void WriteThenLoad_KeepsTheRetailerRules()
    {
        using var index = Keys.Index();
        var random = new Random(4);
        var owned = Keys.Random(random);
        var shared = Keys.Random(random);
        index.Apply(owned, Keys.Onay(Keys.Jan, Keys.Jan));
        index.Apply(shared, Keys.Onay(Keys.Jan, Keys.Jan));
        index.Retailers.Set(owned, SendGate.Core.Consent.RetailerRule.Create(501, [502, 503]));
        index.Retailers.Set(shared, SendGate.Core.Consent.RetailerRule.Create(0, [7]));
        string path = Path.Combine(_directory, "retailers.snap");

        IndexSnapshot.Write(index, path, KeyId, []);
        var (loaded, _) = IndexSnapshot.Load(path, KeyId);

        using (loaded)
        {
            Assert.Equal(2, loaded.Retailers.Count);
            Assert.Equal(index.Retailers.Find(owned), loaded.Retailers.Find(owned));
            Assert.True(loaded.Retailers.Find(owned)!.Allows(503));
            Assert.False(loaded.Retailers.Find(shared)!.Allows(501));
            Assert.Null(loaded.Retailers.Find(Keys.Random(random)));
        }

        byte[] bytes = File.ReadAllBytes(path);
        bytes[^30] ^= 0x01; // inside the retailer rules
        File.WriteAllBytes(path, bytes);
        Assert.Contains("checksum", Assert.Throws<SnapshotException>(() => IndexSnapshot.Load(path, KeyId)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FlippedByteAnywhere_IsRefusedByTheChecksum()
    {
        string path = WriteSample();
        byte[] bytes = File.ReadAllBytes(path);
        foreach (long offset in new long[] { 4096 + 17, bytes.Length / 2, bytes.Length - 40 })
        {
            byte[] damaged = (byte[])bytes.Clone();
            damaged[offset] ^= 0x10;
            File.WriteAllBytes(path, damaged);

            var error = Assert.Throws<SnapshotException>(() => IndexSnapshot.Load(path, KeyId));

            Assert.Contains("checksum", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Load_Truncated_IsRefused()
    {
        string path = WriteSample();
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 100)]);

        var error = Assert.Throws<SnapshotException>(() => IndexSnapshot.Load(path, KeyId));

        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnderAnotherHashingKey_IsRefused()
    {
        string path = WriteSample();

        var error = Assert.Throws<SnapshotException>(() => IndexSnapshot.Load(path, KeyId + 1));

        Assert.Contains("hashing key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NotASnapshot_OrMissing_IsRefused()
    {
        string other = Path.Combine(_directory, "other.bin");
        File.WriteAllBytes(other, new byte[8192]);

        Assert.Contains("not a SendGate", Assert.Throws<SnapshotException>(() => IndexSnapshot.Load(other, KeyId)).Message, StringComparison.Ordinal);
        Assert.Throws<SnapshotException>(() => IndexSnapshot.Load(Path.Combine(_directory, "missing.snap"), KeyId));
    }

    [Fact]
    public void Write_ReplacesTheOldSnapshotWithoutLeavingTheTemporaryFile()
    {
        string path = WriteSample();
        using var index = Keys.Index();
        index.Apply(Keys.Random(new Random(9)), Keys.Onay(Keys.Jan, Keys.Jan));

        IndexSnapshot.Write(index, path, KeyId, []);
        var (loaded, _) = IndexSnapshot.Load(path, KeyId);

        using (loaded)
        {
            Assert.Equal(1, loaded.Count);
        }

        Assert.False(File.Exists(path + ".tmp"));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string WriteSample()
    {
        using var index = Keys.Index();
        var random = new Random(10);
        for (int i = 0; i < 5_000; i++)
        {
            index.Apply(Keys.Random(random), Keys.Onay(Keys.Jan, Keys.Feb));
        }

        string path = Path.Combine(_directory, "sample.snap");
        IndexSnapshot.Write(index, path, KeyId, "file:sample.jsonl#5000"u8);
        return path;
    }
}
