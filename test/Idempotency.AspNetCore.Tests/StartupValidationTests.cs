using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Idempotency.AspNetCore.Tests;

// Found by trying the library as a user: an endpoint asking for idempotency in an app without UseIdempotency() (or with
// it before UseRouting()) silently charged every retry again, and an unknown policy name started cleanly, then answered
// every request with an empty 500. Each now refuses to start, with the fix in the message.
public sealed class StartupValidationTests
{
    [Fact]
    public async Task RequireIdempotency_WithoutUseIdempotency_RefusesToStart()
    {
        await using var app = Build(configure: null, map: app => app.MapPost("/pay", () => "ok").RequireIdempotency());

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());

        Assert.Contains("call app.UseIdempotency()", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IdempotentController_WithoutUseIdempotency_RefusesToStart()
    {
        await using var app = Build(configure: null, map: app => app.MapControllers(), controllers: true);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());

        Assert.Contains("call app.UseIdempotency()", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyToAllPostAndPatch_WithoutUseIdempotency_RefusesToStart()
    {
        await using var app = Build(configure: null, map: app => app.MapPost("/pay", () => "ok"), http: o => o.ApplyToAllPostAndPatch = true);

        await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());
    }

    [Fact]
    public async Task NoIdempotentEndpoint_WithoutUseIdempotency_Starts()
    {
        await using var app = Build(configure: null, map: app => app.MapPost("/pay", () => "ok"));

        await app.StartAsync();
    }

    [Fact]
    public async Task UseIdempotencyInABranch_Starts()
    {
        await using var app = Build(
            configure: app => app.UseWhen(c => c.Request.Path.StartsWithSegments("/api"), branch => branch.UseIdempotency()),
            map: app => app.MapPost("/api/pay", () => "ok").RequireIdempotency());

        await app.StartAsync();
    }

    [Theory]
    [InlineData("RequireIdempotency")]
    [InlineData("Attribute")]
    public async Task UnknownPolicyName_RefusesToStartNamingIt(string how)
    {
        await using var app = Build(
            configure: app => app.UseIdempotency(),
            map: app =>
            {
                if (how == "Attribute")
                {
                    app.MapPost("/pay", () => "ok").WithMetadata(new IdempotentAttribute { Policy = "missing-policy" });
                }
                else
                {
                    app.MapPost("/pay", () => "ok").RequireIdempotency("payment");
                }
            },
            core: o => o.AddPolicy("payments", p => p.Ttl = TimeSpan.FromHours(1)));

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());

        Assert.Contains(how == "Attribute" ? "'missing-policy'" : "'payment'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AddPolicy", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KnownPolicyName_Starts()
    {
        await using var app = Build(
            configure: app => app.UseIdempotency(),
            map: app => app.MapPost("/pay", () => "ok").RequireIdempotency("payments"),
            core: o => o.AddPolicy("payments", p => p.Ttl = TimeSpan.FromHours(1)));

        await app.StartAsync();
    }

    [Fact]
    public async Task IdempotencyOnAGetEndpoint_IsLoggedAtStartup()
    {
        var logs = new FakeLogCollector();
        await using var app = Build(
            configure: app => app.UseIdempotency(),
            map: app => app.MapGet("/report", () => "ok").RequireIdempotency(),
            logs: logs);

        await app.StartAsync();

        var warning = Assert.Single(logs.GetSnapshot(), r => r.Id.Name == "SafeMethodEndpoint");
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("/report", warning.Message, StringComparison.Ordinal);
    }

    // Found by trying the library as a user: the documented route-group pattern warned about every GET in the group.
    [Fact]
    public async Task GetEndpointInAnIdempotentGroup_IsNotWarnedAbout()
    {
        var logs = new FakeLogCollector();
        await using var app = Build(
            configure: app => app.UseIdempotency(),
            map: app =>
            {
                var group = app.MapGroup("/v1").RequireIdempotency();
                group.MapPost("/charges", () => "ok");
                group.MapGet("/charges", () => "ok");
            },
            logs: logs);

        await app.StartAsync();

        Assert.DoesNotContain(logs.GetSnapshot(), r => r.Id.Name == "SafeMethodEndpoint");
    }

    [Fact]
    public async Task UseIdempotencyBeforeExplicitUseRouting_RefusesToStart()
    {
        await using var app = Build(
            configure: app =>
            {
                app.UseIdempotency();
                app.UseRouting();
            },
            map: app => app.MapPost("/pay", () => "ok").RequireIdempotency());

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());

        Assert.Contains("before app.UseRouting()", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UseIdempotencyAfterExplicitUseRouting_RunsOnceAndReplays()
    {
        var runs = 0;
        await using var app = Build(
            configure: app =>
            {
                app.UseRouting();
                app.UseIdempotency();
            },
            map: app => app.MapPost("/pay", () => Interlocked.Increment(ref runs).ToString(System.Globalization.CultureInfo.InvariantCulture)).RequireIdempotency());
        await app.StartAsync();
        using var client = app.GetTestClient();

        var first = await Answer.SendAsync(client, Requests.Post("/pay", "k-1"));
        var retry = await Answer.SendAsync(client, Requests.Post("/pay", "k-1"));

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.True(retry.IsReplayed);
        Assert.Equal(1, runs);
    }

    private static WebApplication Build(
        Action<WebApplication>? configure,
        Action<WebApplication> map,
        bool controllers = false,
        Action<IdempotencyMiddlewareOptions>? http = null,
        Action<IdempotencyOptions>? core = null,
        FakeLogCollector? logs = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        if (logs is not null)
        {
            builder.Logging.AddProvider(new FakeLoggerProvider(logs));
        }

        builder.Services.AddSingleton(new HandlerRuns());
        builder.Services.AddIdempotency(core ?? (static _ => { })).AddIdempotencyMiddleware(http);
        if (controllers)
        {
            builder.Services.AddControllers().AddApplicationPart(typeof(StartupValidationTests).Assembly);
        }

        var app = builder.Build();
        configure?.Invoke(app);
        map(app);
        return app;
    }
}
