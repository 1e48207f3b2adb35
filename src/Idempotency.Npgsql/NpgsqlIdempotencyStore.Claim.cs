using Npgsql;

namespace Idempotency.Npgsql;

public sealed partial class NpgsqlIdempotencyStore
{
    /// <inheritdoc />
    public ValueTask<IdempotencyClaimResult> ClaimAsync(IdempotencyClaimRequest request, CancellationToken cancellationToken) =>
        ClaimTransaction() is { } transaction ? ClaimInTransactionAsync(transaction, request, cancellationToken) : RunAsync(
            "claim",
            _sql.Claim,
            request,
            static (parameters, r) =>
            {
                parameters.Add(Text(r.Key));
                parameters.Add(Text(r.OwnerToken));
                parameters.Add(Text(r.Fingerprint));
                parameters.Add(Instant(r.Now));
                parameters.Add(Instant(r.Now + r.Lease));
                parameters.Add(Instant(r.Now + r.Ttl));
            },
            (command, r, ct) => ClaimCoreAsync(command, r.Key, ct),
            cancellationToken,
            repeatable: true);

    /// <summary>Gets how many claim statements ran a second (or later) time because they lost a race; tests read it.</summary>
    internal long RepeatedClaims => Interlocked.Read(ref _repeatedClaims);

    private async Task<IdempotencyClaimResult> ClaimCoreAsync(NpgsqlCommand command, string key, CancellationToken cancellationToken)
    {
        // The statement answers in one round trip unless another claim for the same key committed between its snapshot
        // and its insert: then it saw neither its own row nor the winner's, and a second run (new snapshot) sees the winner.
        for (var attempt = 1; ; attempt++)
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    throw new IdempotencyStoreUnavailableException("The claim statement returned no row.");
                }

                if (reader.GetBoolean(0))
                {
                    return IdempotencyClaimResult.Acquired;
                }

                if (!reader.IsDBNull(1))
                {
                    return IdempotencyClaimResult.Held(RecordReader.Read(reader, 1, key));
                }
            }

            if (attempt == NpgsqlStoreDefaults.MaxClaimAttempts)
            {
                throw new IdempotencyStoreUnavailableException($"The claim lost {attempt} races in a row for one key; try again.");
            }

            Interlocked.Increment(ref _repeatedClaims);
        }
    }
}
