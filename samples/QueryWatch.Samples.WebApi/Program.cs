using Microsoft.EntityFrameworkCore;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using QueryWatch.Samples.WebApi;
using QueryWatch.Testing;

// appsettings.json is read from beside the dll, whatever the working directory (dotnet run, dotnet the.dll, a test).
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

// ConnectionStrings:Default (appsettings, --ConnectionStrings:Default=..., or ConnectionStrings__Default), else
// QUERYWATCH_CONNECTION; with neither, a throwaway PostgreSQL is started below so the sample runs anywhere.
var connectionString = builder.Configuration.GetConnectionString("Default");
if (string.IsNullOrWhiteSpace(connectionString)) connectionString = Environment.GetEnvironmentVariable("QUERYWATCH_CONNECTION");
TestPostgres? throwaway = null;
if (string.IsNullOrWhiteSpace(connectionString))
{
    throwaway = await TestPostgres.StartAsync();
    connectionString = await throwaway.CreateDatabaseAsync("querywatch_webapi");
}

// QueryWatch, in one line per call: watch this context's commands, and bind the "QueryWatch" section.
builder.Services.AddDbContext<AppDb>(o => o.UseNpgsql(connectionString).UseQueryWatch());
builder.Services.AddQueryWatch(builder.Configuration.GetSection("QueryWatch"));

// OpenTelemetry: QueryWatch publishes a Meter named "QueryWatch" (querywatch.commands.captured, querywatch.explains,
// querywatch.findings, querywatch.queue.dropped, querywatch.explain.duration) and an ActivitySource named "QueryWatch":
// a "QueryWatch explain" span per explained command, with OpenTelemetry's database attributes (db.system.name,
// db.namespace, db.query.summary, db.query.text normalized, db.response.status_code 57014 for a cancel), a
// querywatch.finding event per finding, and a link to the request's span. Both reach any exporter; this sample
// prints them on the console (OpenTelemetry:ConsoleExporter, on in appsettings.json). "Microsoft.AspNetCore" and
// "Npgsql" add the request's span and Npgsql's own span for each command, which the explain span links back to.
if (builder.Configuration.GetValue("OpenTelemetry:ConsoleExporter", false))
{
    builder.Services.AddOpenTelemetry()
        .ConfigureResource(r => r.AddService("querywatch-sample-webapi"))
        .WithTracing(t => t.AddSource("Microsoft.AspNetCore", "Npgsql", "QueryWatch").AddConsoleExporter())
        .WithMetrics(m => m.AddMeter("QueryWatch").AddConsoleExporter());
}

var app = builder.Build();
if (throwaway is not null)
{
    app.Logger.LogInformation("No connection string given (ConnectionStrings:Default or QUERYWATCH_CONNECTION): started a throwaway PostgreSQL {Version} on 127.0.0.1:{Port}, removed when the app stops",
        throwaway.ServerVersion, throwaway.Port);
    app.Lifetime.ApplicationStopped.Register(throwaway.Dispose);
}

await using (var scope = app.Services.CreateAsyncScope())
    await scope.ServiceProvider.GetRequiredService<AppDb>().SeedAsync(app.Lifetime.ApplicationStopping);

app.MapGet("/healthz", () => Results.Ok("ok"));

// A case-insensitive lookup as it is often written: lower(email) = lower(@email) cannot use the index on email,
// so PostgreSQL reads every user. QueryWatch logs QW018 (function on a filtered column) with the fix.
app.MapGet("/slow", async (AppDb db, string? email, CancellationToken ct) =>
{
    email ??= "user4242@example.com";
    var users = await db.Users.Where(u => u.Email.ToLower() == email.ToLower()).Select(u => new { u.Id, u.Email }).ToListAsync(ct);
    return Results.Ok(users);
});

// The same lookup the index serves: compare the column itself.
app.MapGet("/fast", async (AppDb db, string? email, CancellationToken ct) =>
{
    email ??= "User4242@Example.com";
    var users = await db.Users.Where(u => u.Email == email).Select(u => new { u.Id, u.Email }).ToListAsync(ct);
    return Results.Ok(users);
});

app.Run();
