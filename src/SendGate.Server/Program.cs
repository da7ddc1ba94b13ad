// The serving path (gRPC on Kestrel, the hot index, the embedded sample data) is not built yet:
// until it lands this entry point says so, truthfully, and exits with a distinct code.
Console.Error.WriteLine("sendgate-server: not yet — the serving path (gRPC Gate service on an embedded consent file) is being built; see issue 'Serving path' and README.md.");
return 3;
