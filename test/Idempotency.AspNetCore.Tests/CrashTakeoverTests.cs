using System.Net;
using Idempotency.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Idempotency.AspNetCore.Tests;

// Found by attack: after a crash, a request with another body under the same key took over the expired lease and ran
// (charged 1000 instead of 100), and the crashed request's own retry then got 422. A takeover is a retry of the same
// request: another body gets 422 before and after the lease ends, and the same body runs.
public sealed class CrashTakeoverTests
{
    private const string Charge100 = """{"id":"c-1","amount":100}""";
    private const string Charge1000 = """{"id":"c-1","amount":1000}""";
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Charges_CrashedRunsLeaseEnded_AnotherBodyIs422AndTheSameBodyRuns()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var memory = new InMemoryIdempotencyStore(new InMemoryStoreOptions { SweepInterval = TimeSpan.Zero }, time);
        var store = new FaultInjectingIdempotencyStore(memory, time);
        var firstStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var hang = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = await TestApp.StartAsync(
            (app, runs) => app.MapPost("/charges", async (HttpContext http) =>
            {
                using var reader = new StreamReader(http.Request.Body);
                var body = await reader.ReadToEndAsync();
                if (runs.Ran(body) == 1 && body == Charge100)
                {
                    firstStarted.SetResult();
                    await hang.Task;
                }

                return Results.Ok(new { charged = body });
            }).RequireIdempotency(),
            core: o => o.DefaultPolicy.Lease = Lease,
            services: s =>
            {
                s.Replace(ServiceDescriptor.Singleton<TimeProvider>(time));
                s.Replace(ServiceDescriptor.Singleton<IIdempotencyStore>(store));
            });
        var key = Requests.NewKey();

        // The first request hangs and its process "crashes": from now on nothing renews its lease.
        store.ThrowUnavailable(IdempotencyStoreOperation.Renew);
        var crashed = app.SendAsync(Requests.Post("/charges", key, Charge100));
        await firstStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var whileLeased = await app.SendAsync(Requests.Post("/charges", key, Charge1000));
        time.Advance(Lease + TimeSpan.FromSeconds(1));
        var afterLease = await app.SendAsync(Requests.Post("/charges", key, Charge1000));
        var sameBody = await app.SendAsync(Requests.Post("/charges", key, Charge100));
        var afterRecovery = await app.SendAsync(Requests.Post("/charges", key, Charge1000));
        hang.SetResult();
        await crashed.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, whileLeased.Status);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, afterLease.Status);
        Assert.Equal(ProblemTypes.KeyReused, afterLease.ProblemType);
        Assert.Equal(HttpStatusCode.OK, sameBody.Status);
        Assert.False(sameBody.IsReplayed);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, afterRecovery.Status);
        Assert.Equal(2, app.Runs[Charge100]);
        Assert.Equal(0, app.Runs[Charge1000]);
    }
}
