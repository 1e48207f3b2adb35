#region snippet: functions-manual
using Idempotency;
using Idempotency.Functions;
#endregion

namespace Snippets;

internal sealed class FunctionsManual(IIdempotentFunctions functions)
{
    #region snippet: functions-manual
    // Policy "attestation-record": AddPolicy("attestation-record", "[questId, userId]", TimeSpan.FromHours(24)),
    // selecting from the Attestation object itself (serialized as JSON), not from an API-gateway body.
    public async Task<AttestationResult> ProcessAttestationAsync(Attestation attestation, CancellationToken cancellationToken)
    {
        await using var claim = await functions.BeginAsync("attestation-record", attestation, remainingTime: null, cancellationToken);
        switch (claim.Status)
        {
            case IdempotencyClaimStatus.Replayed:
                return claim.GetReplayedValue<AttestationResult>();     // "is cached": the earlier result
            case IdempotencyClaimStatus.Acquired:
                break;                                                  // ours: do the work below
            default:
                throw claim.CreateException()!;                         // in progress, key reused, store down, …
        }

        var result = await AddAttestationAsync(attestation, cancellationToken);
        if (result.BothAttestationsComplete)
        {
            await DistributeRewardsAsync(attestation.QuestId, cancellationToken);
        }

        await claim.CompleteAsync(result, cancellationToken);            // "save result"; an exception before it releases the key
        return result;
    }
    #endregion

    private static Task<AttestationResult> AddAttestationAsync(Attestation attestation, CancellationToken cancellationToken) => Task.FromResult(new AttestationResult("success", true));

    private static Task DistributeRewardsAsync(string questId, CancellationToken cancellationToken) => Task.CompletedTask;
}

internal sealed record Attestation(string QuestId, string UserId, string Evidence);

internal sealed record AttestationResult(string Status, bool BothAttestationsComplete);
