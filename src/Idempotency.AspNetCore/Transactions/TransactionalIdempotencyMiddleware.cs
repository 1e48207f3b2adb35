using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Idempotency.AspNetCore;

/// <summary>
/// Runs just before the idempotency middleware, for endpoints marked <c>RequireTransactionalIdempotency()</c>: begins the
/// database transaction the claim joins (the handler takes it from the services), buffers the response, and sends it only
/// once the transaction has committed — with the record, which the claim's completion writes in it. A transaction that
/// does not commit answers 503 and keeps nothing. Other endpoints pass straight through.
/// </summary>
internal sealed class TransactionalIdempotencyMiddleware(RequestDelegate next, IServiceProvider services, IdempotencyMiddlewareOptions options, ILogger logger)
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    public Task Invoke(HttpContext context) => IsTransactional(context) ? InvokeTransactionalAsync(context) : next(context);

    /// <summary>Whether the request's endpoint is marked <c>RequireTransactionalIdempotency()</c>.</summary>
    internal static bool IsTransactional(HttpContext context) => context.GetEndpoint()?.Metadata.GetMetadata<TransactionalIdempotencyMetadata>() is not null;

    private async Task InvokeTransactionalAsync(HttpContext context)
    {
        var factory = services.GetService<IIdempotencyTransactionFactory>() ?? throw new InvalidOperationException(
            "The endpoint requires transactional idempotency, but no store provides transactions: add one, e.g. " +
            "services.AddIdempotency().AddNpgsqlStore().AddNpgsqlTransactions() or .AddSqliteStore(...).AddSqliteTransactions().");
        IIdempotencyTransaction transaction;
        try
        {
            // Awaited here, in this method: the transaction becomes ambient for everything next() runs.
            transaction = await factory.BeginAsync(context.RequestAborted).ConfigureAwait(false);
        }
        catch (IdempotencyStoreUnavailableException ex)
        {
            Log.TransactionNotCommitted(logger, ex, context.Request.Method, context.Request.Path);
            await WriteNotCommittedAsync(context, "the database transaction could not begin").ConfigureAwait(false);
            return;
        }

        await using (transaction.ConfigureAwait(false))
        {
            using var buffer = new CappedResponseBuffer(options.MaxResponseBodySize);
            var serverBody = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
            var buffered = new BufferedResponseBodyFeature(buffer);
            context.Features.Set<IHttpResponseBodyFeature>(buffered);
            try
            {
                // A handler that throws leaves nothing to send: the disposal rolls back, the exception goes on.
                await next(context).ConfigureAwait(false);
                await buffered.FlushAsync().ConfigureAwait(false);
            }
            finally
            {
                context.Features.Set(serverBody);
            }

            if (buffer.Overflowed)
            {
                // The response cannot be sent, so nothing of the request may be kept: the idempotency middleware released
                // the claim, and leaving here rolls the transaction back. The app's error handling answers (500).
                throw new InvalidOperationException(
                    $"The response of {context.Request.Method} {context.Request.Path} was larger than MaxResponseBodySize ({options.MaxResponseBodySize} bytes). " +
                    "A transactional endpoint holds its response in memory until its transaction commits, so nothing of the request was kept; send less or raise the cap.");
            }

            if (transaction.State == IdempotencyTransactionState.Open && context.Response.StatusCode < StatusCodes.Status500InternalServerError)
            {
                // No claim joined: a replay or a rejection (nothing written), or a run without a key whose writes are kept.
                await CommitUnclaimedAsync(transaction, context.RequestAborted).ConfigureAwait(false);
            }

            if (transaction.State == IdempotencyTransactionState.Failed)
            {
                Log.TransactionNotCommitted(logger, transaction.Failure, context.Request.Method, context.Request.Path);
                context.Response.Clear();
                await WriteNotCommittedAsync(context, "its database transaction did not commit").ConfigureAwait(false);
                return;
            }

            // Committed, or rolled back on purpose (the claim was released: a 5xx or a status that asks for a retry).
            if (buffer.Buffered > 0 && context.Response.ContentLength is null)
            {
                // The whole body is known: the client gets its length, as a replay of it does.
                context.Response.ContentLength = buffer.Buffered;
            }

            await buffer.SendAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
        }
    }

    private static async Task CommitUnclaimedAsync(IIdempotencyTransaction transaction, CancellationToken cancellationToken)
    {
        try
        {
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not InvalidOperationException)
        {
            // The transaction reports Failed with the reason; answered below.
        }
    }

    private Task WriteNotCommittedAsync(HttpContext context, string why) => ProblemResponse.WriteAsync(
        context,
        StatusCodes.Status503ServiceUnavailable,
        options.ProblemTypes.StoreUnavailable,
        "Transaction not committed",
        $"The request was not processed: {why}, so neither its effects nor its idempotency record were kept. Retry later with the same key.",
        RetryAfter);
}
