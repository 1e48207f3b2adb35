namespace Idempotency.Sqlite;

public sealed partial class SqliteIdempotencyStore
{
    /// <inheritdoc />
    /// <remarks>
    /// A live record is returned by one read that takes no lock. Otherwise one upsert writes the claim under the write
    /// lock, unless a live record appeared since (it re-checks on the newest row); then that record is read and returned.
    /// A claim made while a <see cref="SqliteIdempotencyTransaction"/> of this store is ambient joins it.
    /// </remarks>
    public ValueTask<IdempotencyClaimResult> ClaimAsync(IdempotencyClaimRequest request, CancellationToken cancellationToken) =>
        ClaimTransaction() is { } transaction ? ClaimInTransactionAsync(transaction, request, cancellationToken) : ClaimOnItsOwnAsync(request, cancellationToken);

    private async ValueTask<IdempotencyClaimResult> ClaimOnItsOwnAsync(IdempotencyClaimRequest request, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var live = await RunAsync("claim", write: false, request, static (c, sql, r) => SqliteStoreCommands.ReadLive(c, null, sql, r), cancellationToken).ConfigureAwait(false);
            if (live is not null)
            {
                return IdempotencyClaimResult.Held(live);
            }

            if (_uncommitted.Find(request.Key) is not null)
            {
                // A transaction of this process claimed the key and has not committed (its row is invisible here).
                return IdempotencyClaimResult.Held(request.ToInProgressRecord(string.Empty));
            }

            if (await RunAsync("claim", write: true, request, static (c, sql, r) => SqliteStoreCommands.TryClaim(c, null, sql, r), cancellationToken).ConfigureAwait(false))
            {
                return IdempotencyClaimResult.Acquired;
            }

            // Another claim won between the read and the upsert. Its record is read next — unless it was released or
            // deleted in the meantime, in which case the key is free again and this claim tries once more.
            if (attempt == SqliteStoreDefaults.MaxClaimAttempts)
            {
                throw new IdempotencyStoreUnavailableException($"The claim lost {attempt} races in a row for one key; try again.");
            }
        }
    }
}
