using System.Net;
using Idempotency.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Idempotency.AspNetCore.Tests;

public sealed class StoreUnavailableTests : IAsyncLifetime
{
    private readonly FaultInjectingIdempotencyStore _store = new(new InMemoryIdempotencyStore());
    private SampleHost _host = null!;

    public async Task InitializeAsync() => _host = await SampleHost.StartAsync(UseStore(_store));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    internal static Action<WebApplicationBuilder> UseStore(IIdempotencyStore store) =>
        builder => builder.Services.Replace(ServiceDescriptor.Singleton(store));

    [Fact]
    public async Task PostOrders_StoreUnavailable_Returns503WithRetryAfterWithoutRunning()
    {
        _store.ThrowUnavailable(IdempotencyStoreOperation.Claim);

        var answer = await Answer.SendAsync(_host.Client, Requests.Post("/orders", Requests.NewKey()));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.Status);
        Assert.Equal(ProblemTypes.StoreUnavailable, answer.ProblemType);
        Assert.Equal("1", answer.Header("Retry-After"));
        Assert.Equal((0, 0), await _host.GetRunsAsync());
    }

    [Fact]
    public async Task PostOrders_DriverThrowsRawException_Returns503WithoutRunning()
    {
        _store.Throw(IdempotencyStoreOperation.Claim, () => new TimeoutException("driver timeout"));

        var answer = await Answer.SendAsync(_host.Client, Requests.Post("/orders", Requests.NewKey()));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.Status);
        Assert.Equal(ProblemTypes.StoreUnavailable, answer.ProblemType);
        Assert.DoesNotContain("driver timeout", answer.Text, StringComparison.Ordinal);
        Assert.Equal((0, 0), await _host.GetRunsAsync());
    }

    [Fact]
    public async Task PostOrders_StoreRecovers_SameKeyRunsOnceAfterwards()
    {
        var key = Requests.NewKey();
        _store.ThrowUnavailable(IdempotencyStoreOperation.Claim, times: 2);

        var down1 = await Answer.SendAsync(_host.Client, Requests.Post("/orders", key));
        var down2 = await Answer.SendAsync(_host.Client, Requests.Post("/orders", key));
        var up = await Answer.SendAsync(_host.Client, Requests.Post("/orders", key));
        var replay = await Answer.SendAsync(_host.Client, Requests.Post("/orders", key));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, down1.Status);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down2.Status);
        Assert.Equal(HttpStatusCode.Created, up.Status);
        Assert.True(replay.IsReplayed);
        Assert.Equal((1, 0), await _host.GetRunsAsync());
    }

    [Fact]
    public async Task PostOrders_CompletionFailsOnce_IsRetriedSoTheRetryReplays()
    {
        var key = Requests.NewKey();
        _store.ThrowUnavailable(IdempotencyStoreOperation.Complete, times: 1);

        var first = await Answer.SendAsync(_host.Client, Requests.Post("/orders", key));
        var retry = await Answer.SendAsync(_host.Client, Requests.Post("/orders", key));

        // The handler has run, so the claim stays alive and the completion is written again: the retry replays.
        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.Created, retry.Status);
        Assert.True(retry.IsReplayed);
        Assert.Equal(first.Body, retry.Body);
        Assert.Equal((1, 0), await _host.GetRunsAsync());
    }

    [Fact]
    public async Task PostNotes_NoKeyWhileStoreDown_RunsWithoutTouchingTheStore()
    {
        _store.ThrowUnavailable(IdempotencyStoreOperation.Claim);

        var answer = await Answer.SendAsync(_host.Client, Requests.Post("/notes", key: null));

        Assert.Equal(HttpStatusCode.Created, answer.Status);
        Assert.Equal(0, _store.InjectedFaultCount);
        Assert.Equal((0, 1), await _host.GetRunsAsync());
    }

    [Fact]
    public async Task PostOrders_FailOpenPolicy_RunsUnprotectedWhenStoreDown()
    {
        await using var host = await SampleHost.StartAsync(builder =>
        {
            UseStore(_store)(builder);
            builder.Services.Configure<IdempotencyOptions>(o => o.DefaultPolicy.StoreFailureMode = StoreFailureMode.FailOpen);
        });
        _store.ThrowUnavailable(IdempotencyStoreOperation.Claim);
        var key = Requests.NewKey();

        var first = await Answer.SendAsync(host.Client, Requests.Post("/orders", key));
        var second = await Answer.SendAsync(host.Client, Requests.Post("/orders", key));

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.Created, second.Status);
        Assert.False(second.IsReplayed);
        Assert.Equal((2, 0), await host.GetRunsAsync());
    }
}
