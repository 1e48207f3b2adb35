using Amazon.DynamoDBv2;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Idempotency.DynamoDB;

/// <summary>
/// A DynamoDB store: one table, one item per record, every operation one request (a renewal that moves the record's
/// expiry takes two; a refused claim or completion that meets a server which does not return the old item reads it
/// back with a consistent read). Expiry is decided by the caller's clock in every condition; DynamoDB's TTL only deletes dead items later.
/// </summary>
/// <remarks>
/// The table must exist: create it as the docs show, call <see cref="CreateTableAsync"/>, or set
/// <see cref="DynamoDbStoreOptions.CreateTableOnStartup"/>. SDK failures surface as
/// <see cref="IdempotencyStoreUnavailableException"/>, unreadable items as <see cref="IdempotencyRecordCorruptException"/>,
/// and a result that would make an item larger than 400 KB as <see cref="IdempotencyStorePayloadTooLargeException"/>
/// (nothing written; the engine then stores the "result not stored" marker).
/// </remarks>
public sealed partial class DynamoDbIdempotencyStore : IIdempotencyStore, IIdempotencyStoreStatistics, IIdempotencyStoreListing
{
    /// <summary>DynamoDB's item size limit (400 KB, attribute names included): a record's key, owner token, fingerprint and payload share it.</summary>
    public const int MaxItemSize = DynamoDbItemSize.MaxItemSize;

    private readonly IAmazonDynamoDB _client;
    private readonly TimeSpan _nativeExpiryDelay;
    private readonly ILogger _logger;
    private long _claimReadBacks;

    /// <summary>Initializes a new instance of the <see cref="DynamoDbIdempotencyStore"/> class.</summary>
    /// <param name="client">The DynamoDB client; the store does not dispose it.</param>
    /// <param name="options">The store options; defaults when <see langword="null"/>. Read once, here.</param>
    /// <param name="loggerFactory">Logs table creation; none when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public DynamoDbIdempotencyStore(IAmazonDynamoDB client, DynamoDbStoreOptions? options = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        options ??= new DynamoDbStoreOptions();
        OptionErrors.ThrowIfAny(options, DynamoDbStoreOptionsValidator.Errors);
        _client = client;
        TableName = options.TableName;
        _nativeExpiryDelay = options.NativeExpiryDelay;
        _logger = (ILogger?)loggerFactory?.CreateLogger<DynamoDbIdempotencyStore>() ?? NullLogger.Instance;
    }

    /// <summary>Gets the name of the table.</summary>
    public string TableName { get; }

    /// <summary>Gets how many claims met a failed condition without the old item and read it back; tests read it.</summary>
    internal long ClaimReadBacks => Interlocked.Read(ref _claimReadBacks);

    // Every SDK call goes through here, so no failure is ever mistaken for "absent".
    private async ValueTask<T> RunAsync<T>(string operation, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (DynamoDbStoreErrors.IsBackendFailure(ex, cancellationToken))
        {
            throw DynamoDbStoreErrors.Unavailable(operation, ex, TableName);
        }
    }
}
