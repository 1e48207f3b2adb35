using System.Text;
using Idempotency.PayloadProtection;

namespace Idempotency.Sqlite.Tests;

/// <summary>Encryption at rest on a real SQLite file: the row read with SQL on a connection of the test's own.</summary>
public sealed class SqlitePayloadProtectionTests(SqliteFile file) : PayloadProtectionSuite, IClassFixture<SqliteFile>
{
    protected override ValueTask<IIdempotencyStore> CreateStoreAsync() => ValueTask.FromResult<IIdempotencyStore>(file.CreateStore());

    protected override ValueTask<byte[]> ReadStoredBytesAsync(IIdempotencyStore store, string storeKey)
    {
        using var connection = file.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT store_key || owner_token || fingerprint, payload FROM idempotency_records WHERE store_key = $key";
        command.Parameters.AddWithValue("$key", storeKey);
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        return ValueTask.FromResult<byte[]>([.. Encoding.UTF8.GetBytes(reader.GetString(0)), .. reader.GetFieldValue<byte[]>(1)]);
    }
}
