using System.Globalization;
using SendGate.IysSimulator;

// iys-simulator [--urls URL] [--iys CODE] [--brand CODE]... [--username U] [--password P] [--seed FILE.jsonl] [--seed-age 02:00:00]
// A stand-in İYS for trying the connector by hand (README, docs/iys.md). --seed-age moves the seed file's times, in
// order, into the last 6 days with the newest change that old: a sample from 2024 then shows in PULL, which keeps
// 7 days and hides the last hour.
var settings = new SimulatorSettings();
string url = "http://127.0.0.1:8480";
string? seed = null;
TimeSpan? seedAge = null;
var brands = new List<uint>();
for (int i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--urls": url = Next(); break;
        case "--iys": settings = settings with { IysCode = uint.Parse(Next(), CultureInfo.InvariantCulture) }; break;
        case "--brand": brands.Add(uint.Parse(Next(), CultureInfo.InvariantCulture)); break;
        case "--username": settings = settings with { Username = Next() }; break;
        case "--password": settings = settings with { Password = Next() }; break;
        case "--seed": seed = Next(); break;
        case "--seed-age": seedAge = TimeSpan.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--help" or "-h":
            Console.WriteLine("iys-simulator [--urls http://127.0.0.1:8480] [--iys 123456] [--brand 123457]... [--username U] [--password P] [--seed FILE.jsonl] [--seed-age 02:00:00]");
            return 0;
        default:
            Console.Error.WriteLine($"unknown option {args[i]} (--help lists them)");
            return 2;
    }
}

if (brands.Count > 0)
{
    settings = settings with { Brands = brands };
}

await using var server = await IysSimulatorServer.StartAsync(settings, url: url);
if (seed is not null)
{
    int seeded = seedAge is { } age ? SeedFile.LoadRecent(server.Registry, seed, age, DateTimeOffset.UtcNow) : SeedFile.Load(server.Registry, seed);
    Console.WriteLine($"seeded {seeded} changes from {seed}");
}

Console.WriteLine($"İYS simulator on {server.BaseUrl} (iysCode {settings.IysCode}, brands {string.Join(',', settings.Brands)}, user {settings.Username}); Ctrl+C stops");
await server.WaitForShutdownAsync();
return 0;
