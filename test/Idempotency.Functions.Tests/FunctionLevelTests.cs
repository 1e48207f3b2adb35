namespace Idempotency.Functions.Tests;

/// <summary>Function-level idempotency on one argument, and the manual flow (is it cached? else work and save).</summary>
public sealed class FunctionLevelTests
{
    private readonly FunctionHarness _harness = new(o =>
    {
        o.AddPolicy("award-rewards", p =>
        {
            p.KeyExpression = "@";   // the argument itself: a quest id
            p.Ttl = TimeSpan.FromDays(7);
        });
        o.AddPolicy("attestation", "[questId, userId]", TimeSpan.FromDays(1));
    });

    private readonly Counter _awards = new();

    [Fact]
    public async Task RunAsync_KeyedOnOneArgument_RunsOncePerQuestWhateverTheOtherArguments()
    {
        var first = await AwardQuestRewardsAsync("q-1", "u-1", xp: 50);
        var again = await AwardQuestRewardsAsync("q-1", "u-7", xp: 999);
        var other = await AwardQuestRewardsAsync("q-2", "u-1", xp: 50);

        Assert.Equal(2, _awards.Runs);
        Assert.Equal("awarded 50 xp to u-1", first);
        Assert.Equal(first, again);
        Assert.Equal("awarded 50 xp to u-1", other);
    }

    [Fact]
    public async Task BeginAsync_ManualFlow_ReturnsTheCachedResultOrWorksAndSaves()
    {
        var first = await ProcessAttestationAsync(new Attestation("q-1", "u-1", "photo.jpg"));
        var cached = await ProcessAttestationAsync(new Attestation("q-1", "u-1", "photo.jpg"));
        var other = await ProcessAttestationAsync(new Attestation("q-1", "u-2", "photo.jpg"));

        Assert.Equal((1, false), first);
        Assert.Equal((1, true), cached);
        Assert.Equal((2, false), other);
    }

    [Fact]
    public async Task BeginAsync_ManualFlowFailsBeforeSaving_IsReleasedAndTheRetryWorks()
    {
        await using (var claim = await _harness.Functions.BeginAsync("attestation", new Attestation("q-1", "u-1", "x"), null, CancellationToken.None))
        {
            Assert.Equal(IdempotencyClaimStatus.Acquired, claim.Status);
            // The work throws or returns early without saving: disposing the claim releases the key.
        }

        await using var retry = await _harness.Functions.BeginAsync("attestation", new Attestation("q-1", "u-1", "x"), null, CancellationToken.None);

        Assert.Equal(IdempotencyClaimStatus.Acquired, retry.Status);
        Assert.Equal(IdempotencyCompletion.Stored, await retry.CompleteAsync(0, CancellationToken.None));
    }

    [Fact]
    public void CreateRequest_CarriesTheEnginePolicyAndTheDeadline()
    {
        var request = _harness.Functions.CreateRequest("attestation", new Attestation("q-1", "u-1", "x"), () => TimeSpan.FromSeconds(30));

        Assert.Equal("attestation", request.Operation);
        Assert.Equal("3:q-1,3:u-1,", request.Key);
        Assert.Equal("function:attestation", request.Policy);
        Assert.Equal(_harness.Clock.GetUtcNow() + TimeSpan.FromSeconds(30), request.LeaseDeadline);
    }

    // What the source document's decorated function becomes: the key is its first argument.
    private async Task<string> AwardQuestRewardsAsync(string questId, string userId, int xp)
    {
        var result = await _harness.Functions.RunAsync(
            "award-rewards",
            questId,
            ct =>
            {
                _awards.Increment();
                return Task.FromResult($"awarded {xp} xp to {userId}");
            },
            remainingTime: null,
            CancellationToken.None);
        return result.Value;
    }

    private async Task<(int Saved, bool Cached)> ProcessAttestationAsync(Attestation attestation)
    {
        await using var claim = await _harness.Functions.BeginAsync("attestation", attestation, null, CancellationToken.None);
        if (claim.Status == IdempotencyClaimStatus.Replayed)
        {
            return (claim.GetReplayedValue<int>(), true);
        }

        Assert.Equal(IdempotencyClaimStatus.Acquired, claim.Status);
        var saved = _awards.Increment();
        await claim.CompleteAsync(saved, CancellationToken.None);
        return (saved, false);
    }

    public sealed record Attestation(string QuestId, string UserId, string Evidence);
}
