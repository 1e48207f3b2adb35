namespace Idempotency.Sqlite.Tests;

/// <summary>A row the store cannot read is reported as corrupt, never as absent, and the handler does not run.</summary>
public sealed class CorruptRecordTests : IDisposable
{
    private readonly SqliteFile _file = new();

    [Theory]
    [InlineData("status = 9")]
    [InlineData("status = -1")]
    [InlineData("expires_at = 9223372036854775807")]
    [InlineData("created_at = -9223372036854775807")]
    [InlineData("retryable = 7")]
    [InlineData("payload = x'deadbeef'")]
    public async Task ExecuteAsync_RowDamagedInTheFile_ThrowsCorruptAndDoesNotRunTheHandler(string damage)
    {
        using var store = _file.CreateStore();
        var executor = IdempotencyExecutor.Create(new IdempotencyOptions(), store);
        var runs = 0;
        ValueTask<string> Handler(CancellationToken _)
        {
            Interlocked.Increment(ref runs);
            return ValueTask.FromResult("result");
        }

        var request = new IdempotencyRequest("orders", "key-1") { Fingerprint = "f" };
        await executor.ExecuteAsync(request, Handler, default);
        _file.Execute($"UPDATE idempotency_records SET {damage}");

        await Assert.ThrowsAsync<IdempotencyRecordCorruptException>(async () => await executor.ExecuteAsync(request, Handler, default));
        Assert.Equal(1, runs);
        Assert.Equal(1L, _file.Scalar("SELECT count(*) FROM idempotency_records"));
    }

    [Fact]
    public async Task GetAsync_UnknownStatus_ThrowsCorruptNamingTheKey()
    {
        using var store = _file.CreateStore();
        Assert.True((await store.ClaimAsync(Fixtures.Claim("k", Fixtures.Start), default)).IsAcquired);
        _file.Execute("UPDATE idempotency_records SET status = 9");

        var error = await Assert.ThrowsAsync<IdempotencyRecordCorruptException>(async () => await store.GetAsync("k", Fixtures.Start, default));
        Assert.Equal("k", error.StoreKey);
        Assert.Contains("unknown status 9", error.Reason, StringComparison.Ordinal);
        await Assert.ThrowsAsync<IdempotencyRecordCorruptException>(async () => await store.ClaimAsync(Fixtures.Claim("k", Fixtures.Start), default));
    }

    [Fact]
    public async Task ClaimAsync_UnknownStatusButExpired_TakesTheKeyOver()
    {
        // An expired row is dead whatever it holds: claiming overwrites it rather than failing forever.
        using var store = _file.CreateStore();
        Assert.True((await store.ClaimAsync(Fixtures.Claim("k", Fixtures.Start, ttl: TimeSpan.FromMinutes(1)), default)).IsAcquired);
        _file.Execute("UPDATE idempotency_records SET status = 9");

        Assert.True((await store.ClaimAsync(Fixtures.Claim("k", Fixtures.Start.AddMinutes(2)), default)).IsAcquired);
    }

    // Found by fuzzing (test/Idempotency.PropertyTests): in a table not created STRICT, a status or retryable flag held
    // as text or a real was converted on read (text 'garbage' read as 0, in progress), while every other column's
    // storage class was checked.
    [Theory]
    [InlineData("'garbage'", "0")]
    [InlineData("'1'", "0")]
    [InlineData("1.0", "0")]
    [InlineData("1", "'1'")]
    [InlineData("2", "1.0")]
    public void Read_StatusOrRetryableNotHeldAsAnInteger_IsCorrupt(string status, string retryable)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {status}, 'owner', 'fingerprint', 0, 0, 0, NULL, {retryable}";
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());

        Assert.Throws<IdempotencyRecordCorruptException>(() => SqliteRecordReader.Read(reader, "k"));
    }

    [Fact]
    public async Task Update_ValueOfTheWrongType_IsRefusedByTheStrictTable()
    {
        using (var store = _file.CreateStore())
        {
            await store.CreateTableAsync(default);
        }

        _file.Execute("INSERT INTO idempotency_records VALUES ('k', 0, 'o', 'f', 0, 0, 0, NULL, 0)");

        Assert.Throws<Microsoft.Data.Sqlite.SqliteException>(() => _file.Execute("UPDATE idempotency_records SET expires_at = 'tomorrow'"));
    }

    [Fact]
    public async Task Store_FileThatIsNotADatabase_FailsAsUnavailable()
    {
        await File.WriteAllTextAsync(_file.Path, new string('x', 4096));
        using var store = _file.CreateStore();

        var error = await Assert.ThrowsAsync<IdempotencyStoreUnavailableException>(async () => await store.ClaimAsync(Fixtures.Claim("k", Fixtures.Start), default));
        Assert.Contains("SQLite error 26", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _file.Dispose();
}
