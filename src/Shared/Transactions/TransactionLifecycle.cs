namespace Idempotency;

/// <summary>
/// What became of a store's idempotency transaction so far, and which claim joined it: the part every transactional store
/// shares (compiled into each store package from src/Shared). The store's transaction type holds one and owns the database work.
/// </summary>
internal sealed class TransactionLifecycle
{
    private int _state = (int)IdempotencyTransactionState.Open;

    public IdempotencyTransactionState State => (IdempotencyTransactionState)Volatile.Read(ref _state);

    public Exception? Failure { get; private set; }

    /// <summary>Gets the owner token of the claim that joined, or <see langword="null"/>.</summary>
    public string? OwnerToken { get; private set; }

    /// <summary>Gets or sets whether the transaction was disposed; an ended transaction is inert.</summary>
    public bool Ended { get; set; }

    /// <summary>Records the claim that joined: its later calls (complete, release, renew) come to the transaction by its owner token.</summary>
    public void Join(string ownerToken)
    {
        OwnerToken = ownerToken;
        Volatile.Write(ref _state, (int)IdempotencyTransactionState.Joined);
    }

    public void MarkCommitted() => Volatile.Write(ref _state, (int)IdempotencyTransactionState.Committed);

    /// <summary>A statement or the commit failed: nothing of the transaction is kept. The first reason stays.</summary>
    public void Fail(Exception exception)
    {
        Failure ??= exception;
        Volatile.Write(ref _state, (int)IdempotencyTransactionState.Failed);
    }

    /// <summary>
    /// Ends a joined transaction the one way it keeps anything: writes the claim's completion in it, then commits, so the
    /// record and the work's writes become durable together. If either fails the database keeps nothing of the
    /// transaction, which is thrown as not committed: the engine then neither retries a write that can never land nor
    /// reports a lost lease.
    /// </summary>
    /// <param name="complete">Writes the completion in the transaction; <see langword="false"/> when the claim's row was not found.</param>
    /// <param name="commit">Commits the transaction.</param>
    /// <returns><see langword="true"/>: the completion is stored.</returns>
    /// <exception cref="IdempotencyTransactionNotCommittedException">Nothing was kept.</exception>
    public async ValueTask<bool> CompleteAsync(Func<ValueTask<bool>> complete, Func<ValueTask> commit)
    {
        if (State != IdempotencyTransactionState.Joined)
        {
            throw new IdempotencyTransactionNotCommittedException(Failure);
        }

        try
        {
            // The row is this transaction's own, so it cannot be missing; never commit work without its record.
            if (!await complete().ConfigureAwait(false))
            {
                throw new InvalidOperationException("The claim's row was not found in its own transaction.");
            }

            await commit().ConfigureAwait(false);
            MarkCommitted();
            return true;
        }
        catch (Exception ex)
        {
            Fail(ex);
            throw new IdempotencyTransactionNotCommittedException(Failure);
        }
    }

    /// <summary>Commits a transaction no claim joined (<see cref="IIdempotencyTransaction.CommitAsync"/>).</summary>
    public async ValueTask CommitUnclaimedAsync(Func<CancellationToken, ValueTask> commit, CancellationToken cancellationToken)
    {
        if (State != IdempotencyTransactionState.Open || Ended)
        {
            throw new InvalidOperationException($"Only a transaction no claim joined can be committed this way (it is {State}); a joined one commits with its claim's completion.");
        }

        try
        {
            await commit(cancellationToken).ConfigureAwait(false);
            MarkCommitted();
        }
        catch (Exception ex)
        {
            Fail(ex);
            throw;
        }
    }
}
