using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Idempotency.AspNetCore.Tests;

public sealed class ConfigurationTests
{
    public static TheoryData<string, Action<IdempotencyMiddlewareOptions>> InvalidOptions => new()
    {
        { "contradict", o => (o.StoreServerErrors, o.StoreOnlySuccessfulResponses) = (true, true) },
        { "HeaderName", o => o.HeaderName = "bad header" },
        { "ReplayedHeaderName", o => o.ReplayedHeaderName = "" },
        { "OperationName", o => o.OperationName = "has:colon" },
        { "MaxResponseBodySize", o => o.MaxResponseBodySize = -1 },
        { "PreviouslyFailedStatusCode", o => o.PreviouslyFailedStatusCode = 500 },
        { "LegacyHeaderNames", o => o.LegacyHeaderNames.Add("idempotency-key") },
        { "ProblemTypes", o => o.ProblemTypes.KeyReused = " " },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public async Task Start_InvalidOptions_FailsWithTheReason(string expected, Action<IdempotencyMiddlewareOptions> configure)
    {
        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => TestApp.StartAsync((_, _) => { }, configure));

        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UseIdempotency_WithoutAddIdempotencyMiddleware_ThrowsWithHowToFix()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddIdempotency();
        using var app = builder.Build();

        var exception = Assert.Throws<InvalidOperationException>(() => app.UseIdempotency());

        Assert.Contains("AddIdempotencyMiddleware()", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NamedPolicy_TtlExpiry_LetsTheKeyRunAgain()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2030-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var app = await TestApp.StartAsync(
            (app, runs) =>
            {
                app.MapPost("/short", () => Results.Ok(new { run = runs.Ran("short") })).RequireIdempotency("short");
                app.MapPost("/long", () => Results.Ok(new { run = runs.Ran("long") })).RequireIdempotency();
            },
            core: o => o.AddPolicy("short", p => p.Ttl = TimeSpan.FromMinutes(5)),
            services: s => s.Replace(ServiceDescriptor.Singleton<TimeProvider>(time)));

        await app.SendAsync(Requests.Post("/short", "s"));
        await app.SendAsync(Requests.Post("/long", "l"));
        time.Advance(TimeSpan.FromMinutes(6));
        var shortAfter = await app.SendAsync(Requests.Post("/short", "s"));
        var longAfter = await app.SendAsync(Requests.Post("/long", "l"));
        time.Advance(TimeSpan.FromHours(24));
        var longExpired = await app.SendAsync(Requests.Post("/long", "l"));

        Assert.False(shortAfter.IsReplayed);
        Assert.True(longAfter.IsReplayed);
        Assert.False(longExpired.IsReplayed);
        Assert.Equal(2, app.Runs["short"]);
        Assert.Equal(2, app.Runs["long"]);
    }

    [Fact]
    public async Task KeyRequirementFromPolicy_OptionalPolicy_RunsWithoutKey()
    {
        await using var app = await TestApp.StartAsync(
            (app, runs) => app.MapPost("/relaxed", () => Results.Ok(new { run = runs.Ran("relaxed") })).RequireIdempotency("relaxed"),
            core: o => o.AddPolicy("relaxed", p => p.KeyRequirement = KeyRequirement.Optional));

        var first = await app.SendAsync(Requests.Post("/relaxed", key: null));
        var second = await app.SendAsync(Requests.Post("/relaxed", key: null));

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal(2, app.Runs["relaxed"]);
    }

    [Fact]
    public async Task InProgressWaitPolicy_ConcurrentRetryWaitsAndGetsTheReplay()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = await TestApp.StartAsync(
            (app, runs) => app.MapPost("/slow", async () =>
            {
                var run = runs.Ran("slow");
                await release.Task;
                return Results.Ok(new { run });
            }).RequireIdempotency("patient"),
            core: o => o.AddPolicy("patient", p => p.InProgressWait = TimeSpan.FromSeconds(10)));

        var first = app.SendAsync(Requests.Post("/slow", "k1"));
        while (app.Runs["slow"] == 0)
        {
            await Task.Delay(10);
        }

        var waiting = app.SendAsync(Requests.Post("/slow", "k1"));
        await Task.Delay(100);
        Assert.False(waiting.IsCompleted);
        release.SetResult();

        Assert.Equal((await first).Body, (await waiting).Body);
        Assert.True((await waiting).IsReplayed);
        Assert.Equal(1, app.Runs["slow"]);
    }
}
