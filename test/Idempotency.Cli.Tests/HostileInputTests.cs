using System.Diagnostics;
using System.Text.Json;
using Idempotency.TestServers;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Idempotency.Cli.Tests;

/// <summary>
/// The tool against hostile or odd input: records whose keys and values carry terminal escapes, bidi overrides and
/// Spectre markup, records it cannot read, command lines with values out of range, --json on errors, and Ctrl+C in a purge.
/// </summary>
public sealed class HostileInputTests : IDisposable
{
    private const string HostileKey = "idem:cli-tests:op::\u001b[31mRED\u001b]0;title\u0007[red]x[/]\u202Eevil\u009b2J";

    private readonly TempFolder _folder = new();

    private string Database => _folder.File("hostile.db");

    private string[] Store => ["--store", "sqlite", "--connection", Database];

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task List_KeysAndValuesWithEscapesBidiAndMarkup_PrintNoControlCharacterAndKeepTheMarkupLiteral()
    {
        await CreateTableAsync();
        await InsertAsync(HostileKey, [1, 1, 0, .. "{\"note\":\"\u001b[2J\u001b]8;;http://x\u0007click\",\"token\":\"abc\"}"u8.ToArray()]);

        var table = (await CliRun.RunAsync(["list", .. Store])).Exits(0).Stdout;
        var one = (await CliRun.RunAsync(["get", .. Store, "--store-key", HostileKey])).Exits(0).Stdout;
        var json = (await CliRun.RunAsync(["list", .. Store, "--json"])).Exits(0).Json();

        foreach (var output in new[] { table, one })
        {
            Assert.DoesNotContain(output, c => c is < ' ' and not '\n' || c is >= '\u007f' and <= '\u009f' || c is '\u202E');
            Assert.Contains(".[31mRED.]0;title.[red]x[/].evil.2J", output, StringComparison.Ordinal);
            Assert.DoesNotContain("abc", output, StringComparison.Ordinal);
        }

        // JSON escapes the characters: a script gets the exact key back, to pass to --store-key.
        Assert.Equal(HostileKey, json.GetProperty("records")[0].GetProperty("storeKey").GetString());
    }

    [Fact]
    public async Task Get_RecordOfAStranger_NotFoundMessage_PrintsTheKeySafely()
    {
        await CreateTableAsync();

        var run = (await CliRun.RunAsync(["delete", .. Store, "--store-key", HostileKey])).Exits(1);

        Assert.DoesNotContain('\u001b', run.Stdout);
        Assert.StartsWith("No record under idem:cli-tests:op::.[31mRED", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_EncryptedAndBrokenRecords_SayWhatTheyAre_AndExitZero()
    {
        await CreateTableAsync();
        var protector = new AesGcmPayloadProtector(new AesGcmPayloadProtectionOptions { ActiveKeyId = "2026-01", Keys = { ["2026-01"] = Convert.ToBase64String(new byte[32]) } });
        await InsertAsync("idem:cli-tests:op::aes", protector.Protect([1, 1, 0, .. "{\"password\":\"hunter2\"}"u8.ToArray()], "idem:cli-tests:op::aes"));
        await InsertAsync("idem:cli-tests:op::brotli", [1, 1, 1, 0xFF, 0xFF, 0xFF, 0x7F, 0, 0]);

        var encrypted = (await CliRun.RunAsync(["get", .. Store, "--store-key", "idem:cli-tests:op::aes", "--json"])).Exits(0).Json().GetProperty("record");
        var broken = (await CliRun.RunAsync(["get", .. Store, "--store-key", "idem:cli-tests:op::brotli", "--json"])).Exits(0).Json().GetProperty("record");

        Assert.Equal("encrypted", encrypted.GetProperty("payloadKind").GetString());
        Assert.Equal("(encrypted with AES-GCM key '2026-01'; the tool cannot read it)", encrypted.GetProperty("preview").GetString());
        Assert.Equal("unreadable", broken.GetProperty("payloadKind").GetString());
    }

    [Theory]
    [InlineData("list --limit 99999999999", "--limit must be between 1 and 1000")]
    [InlineData("list --limit abc", "--limit must be between 1 and 1000")]
    [InlineData("list --limit -5", "--limit must be between 1 and 1000")]
    [InlineData("purge --max-batches 3000000000", "--max-batches must be a whole number of at least 1")]
    [InlineData("purge --batch-size 100001", "--batch-size must be between 1 and 100000")]
    [InlineData("get --store-key", "--store-key")]
    public async Task NumbersOutOfRange_AndMissingValues_ExitTwoWithoutAStackTrace(string verbAndOptions, string fragment)
    {
        var parts = verbAndOptions.Split(' ');
        (await CliRun.RunAsync([parts[0], .. Store, .. parts[1..]])).FailsWith(2, fragment);
    }

    [Fact]
    public async Task EmptyStoreKey_ExitsTwo() =>
        (await CliRun.RunAsync(["get", .. Store, "--store-key", string.Empty])).FailsWith(2, "--store-key must not be empty");

    // A script reading stdout gets one JSON document on every path, the error included (and the line on stderr).
    [Theory]
    [InlineData(3, "stats --json")]
    [InlineData(2, "list --limit 0 --json")]
    [InlineData(2, "get --json --key k")]
    public async Task Json_OnErrors_WritesTheErrorAsJson(int exitCode, string verbAndOptions)
    {
        var parts = verbAndOptions.Split(' ');

        var run = (await CliRun.RunAsync([parts[0], .. Store, .. parts[1..]])).Exits(exitCode);

        using var document = JsonDocument.Parse(run.Stdout);
        var error = document.RootElement.GetProperty("error");
        Assert.Equal(exitCode, error.GetProperty("exitCode").GetInt32());
        Assert.Equal(run.Stderr.Trim(), "idempotency: " + error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Help_UsageLine_NamesTheToolAsInstalled()
    {
        var root = (await CliRun.RunAsync("--help")).Exits(0).Stdout;
        var get = (await CliRun.RunAsync("get", "--help")).Exits(0).Stdout;

        Assert.Contains("  idempotency [command] [options]", root, StringComparison.Ordinal);
        Assert.Contains("  idempotency get [options]", get, StringComparison.Ordinal);
        Assert.DoesNotContain("Idempotency.Cli", root + get, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_OneRecord_SaysRecordInTheSingular()
    {
        await CreateTableAsync();
        await InsertAsync("idem:cli-tests:op::one", [1, 2, 0]);

        Assert.EndsWith("1 record; no more pages.\n", (await CliRun.RunAsync(["list", .. Store])).Exits(0).Stdout, StringComparison.Ordinal);
    }

    // Ctrl+C (SIGINT) in a long purge: the batches that ran are done, the tool says how many and exits 130.
    [Fact]
    public async Task Purge_Interrupted_ReportsWhatWasPurged_AndExits130()
    {
        const int Expired = 20_000;
        await CreateTableAsync();
        await InsertExpiredAsync(Expired);
        var info = new ProcessStartInfo(DotnetHost.Path) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        string[] args = [CliRun.ToolPath, "purge", .. Store, "--batch-size", "1", "--max-batches", "100000"];
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();

        // Interrupt once it is purging (a few batches gone), so the signal meets the tool's handler, not the runtime's start-up.
        var waited = Stopwatch.StartNew();
        while (await CountAsync() > Expired - 5 && !process.HasExited)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60), "The purge did not start.");
            await Task.Delay(20);
        }

        Assert.False(process.HasExited, "The purge finished before it could be interrupted.");
        using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        var purged = Expired - await CountAsync();

        Assert.Equal(130, process.ExitCode);
        Assert.Equal(string.Empty, await stderr);
        Assert.Equal($"Cancelled. Purged {purged} expired records in {purged} batches; more may be left.\n", await stdout);
        Assert.InRange(purged, 5, Expired - 1);
    }

    // With IdempotencyOptions.DigestSecret, store keys are HMACs: the tool computes the application's keys only with the
    // same secret (IDEMPOTENCY_DIGEST_SECRET); without it, --key names another store key and the answer is "not found".
    [Fact]
    public async Task Get_ByKey_AppUsesADigestSecret_FoundOnlyWithTheSecretInTheEnvironment()
    {
        var secret = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        string storeKey;
        await using (var seeded = await SeededRecords.OpenAsync(b =>
        {
            b.Services.Configure<IdempotencyOptions>(o => o.DigestSecret = secret);
            b.AddSqliteStore("Data Source=" + Database);
        }))
        {
            await seeded.CompleteAsync("order-9");
            storeKey = seeded.StoreKey("order-9");
        }

        string[] get = ["get", .. Store, "--service", SeededRecords.Service, "--operation", SeededRecords.Operation, "--key", "order-9", "--json"];
        var withSecret = (await CliRun.RunWithEnvironmentAsync(new Dictionary<string, string> { ["IDEMPOTENCY_DIGEST_SECRET"] = Convert.ToBase64String(secret) }, get)).Exits(0).Json();
        var without = (await CliRun.RunAsync(get)).Exits(1).Json();
        var notBase64 = await CliRun.RunWithEnvironmentAsync(new Dictionary<string, string> { ["IDEMPOTENCY_DIGEST_SECRET"] = "not base64!" }, [.. get[..^1]]);
        var tooShort = await CliRun.RunWithEnvironmentAsync(new Dictionary<string, string> { ["IDEMPOTENCY_DIGEST_SECRET"] = Convert.ToBase64String(new byte[8]) }, [.. get[..^1]]);

        Assert.Equal(storeKey, withSecret.GetProperty("storeKey").GetString());
        Assert.True(withSecret.GetProperty("found").GetBoolean());
        Assert.NotEqual(storeKey, without.GetProperty("storeKey").GetString());
        Assert.False(without.GetProperty("found").GetBoolean());
        notBase64.FailsWith(2, "IDEMPOTENCY_DIGEST_SECRET is not base64.");
        tooShort.FailsWith(2, "DigestSecret is 8 bytes");
    }

    private async Task CreateTableAsync()
    {
        await using var seeded = await SeededRecords.OpenAsync(b => b.AddSqliteStore("Data Source=" + Database));
        await seeded.Store.GetAsync("idem:cli-tests:op::none", DateTimeOffset.UtcNow, CancellationToken.None);
    }

    private async Task InsertAsync(string storeKey, byte[] payload)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await ExecuteAsync(
            "INSERT INTO idempotency_records VALUES ($key, 1, 'owner', '', $now, $now, $expires, $payload, 0)",
            ("$key", storeKey), ("$now", now), ("$expires", now + 3_600_000), ("$payload", payload));
    }

    private async Task InsertExpiredAsync(int count)
    {
        var past = DateTimeOffset.UtcNow.AddDays(-2).ToUnixTimeMilliseconds();
        await ExecuteAsync(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $count) "
            + "INSERT INTO idempotency_records SELECT 'idem:cli-tests:op::old-' || i, 1, 'owner', '', $past, $past, $past + 1000, X'010200', 0 FROM n",
            ("$count", count), ("$past", past));
    }

    private async Task<long> CountAsync()
    {
        await using var connection = new SqliteConnection("Data Source=" + Database);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM idempotency_records";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new SqliteConnection("Data Source=" + Database);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync();
    }
}
