// The Prisma Cloud Compute Console simulator: see the Alternative B issue. PROVISIONAL entry point.
var app = WebApplication.CreateBuilder(args).Build();
app.MapGet("/api/v1/version", () => "\"34.04.145\"");
app.Run();
