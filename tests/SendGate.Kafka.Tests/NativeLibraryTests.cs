namespace SendGate.Kafka.Tests;

/// <summary>
/// The gate's Kafka clients run on the librdkafka that Confluent.Kafka's NuGet package ships, not
/// on one the operating system happens to have (Debian's librdkafka1, 2.0.2, comes with kcat).
/// </summary>
public sealed class NativeLibraryTests
{
    [Fact]
    public void Librdkafka_IsTheOneFromNuGet()
    {
        Assert.Equal("2.16.0", Confluent.Kafka.Library.VersionString);
    }
}
