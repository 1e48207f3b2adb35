using System.Net;
using Microsoft.AspNetCore.Mvc;

namespace Idempotency.AspNetCore.Tests;

public sealed class ControllerTests
{
    private static Task<TestApp> StartAsync() => TestApp.StartAsync((_, _) => { }, controllers: true);

    [Fact]
    public async Task IdempotentAction_SameKey_RunsOnceAndReplays()
    {
        await using var app = await StartAsync();

        var first = await app.SendAsync(Requests.Post("/payments", "k1"));
        var retry = await app.SendAsync(Requests.Post("/payments", "k1"));
        var missing = await app.SendAsync(Requests.Post("/payments", key: null));

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.True(retry.IsReplayed);
        Assert.Equal(first.Body, retry.Body);
        Assert.Equal(first.Header("Location"), retry.Header("Location"));
        Assert.Equal(ProblemTypes.KeyMissing, missing.ProblemType);
        Assert.Equal(1, app.Runs["payments.create"]);
    }

    [Fact]
    public async Task IdempotentActionWithOptionalKey_WithoutKey_RunsEveryTime()
    {
        await using var app = await StartAsync();

        await app.SendAsync(Requests.Post("/payments/refunds", key: null));
        await app.SendAsync(Requests.Post("/payments/refunds", key: null));
        await app.SendAsync(Requests.Post("/payments/refunds", "k1"));
        var replay = await app.SendAsync(Requests.Post("/payments/refunds", "k1"));

        Assert.True(replay.IsReplayed);
        Assert.Equal(3, app.Runs["payments.refund"]);
    }

    [Fact]
    public async Task ControllerLevelAttribute_CoversActionsUnlessDisabled()
    {
        await using var app = await StartAsync();

        await app.SendAsync(Requests.Post("/ledger", "k1"));
        var replay = await app.SendAsync(Requests.Post("/ledger", "k1"));
        await app.SendAsync(Requests.Post("/ledger/unprotected", "k2"));
        var disabled = await app.SendAsync(Requests.Post("/ledger/unprotected", "k2"));

        Assert.True(replay.IsReplayed);
        Assert.False(disabled.IsReplayed);
        Assert.Equal(1, app.Runs["ledger.post"]);
        Assert.Equal(2, app.Runs["ledger.unprotected"]);
    }
}

[ApiController]
[Route("payments")]
public sealed class PaymentsController(HandlerRuns runs) : ControllerBase
{
    [HttpPost]
    [Idempotent]
    public IActionResult Create()
    {
        var run = runs.Ran("payments.create");
        return Created($"/payments/{run}", new { id = run, at = Guid.NewGuid() });
    }

    [HttpPost("refunds")]
    [Idempotent(KeyRequirement = KeyRequirement.Optional)]
    public IActionResult Refund() => Ok(new { run = runs.Ran("payments.refund") });
}

[ApiController]
[Route("ledger")]
[Idempotent]
public sealed class LedgerController(HandlerRuns runs) : ControllerBase
{
    [HttpPost]
    public IActionResult Post() => Ok(new { run = runs.Ran("ledger.post") });

    [HttpPost("unprotected")]
    [DisableIdempotency]
    public IActionResult Unprotected() => Ok(new { run = runs.Ran("ledger.unprotected") });
}
