#region snippet: ef-register
using Microsoft.EntityFrameworkCore;
#endregion
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Idempotency.EntityFrameworkCore.Tests;

/// <summary>docs/transactional.md's Entity Framework Core example, registered through DI and run against a SQLite file.</summary>
public sealed class DocsExampleTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("idempotency-ef-docs-").FullName;

    [Fact]
    public async Task Example_PlacesTheOrderOnceAndReplaysItsId()
    {
        var services = new ServiceCollection();
        Register(services, $"Data Source={Path.Combine(_folder, "app.db")}");
        await using var provider = services.BuildServiceProvider();
        await using (var scope = provider.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<OrdersContext>().Database.ExecuteSqlRawAsync(
                "CREATE TABLE orders (id INTEGER PRIMARY KEY AUTOINCREMENT, item TEXT NOT NULL)");
        }

        var executor = provider.GetRequiredService<DbContextIdempotencyExecutor>();
        var results = new List<IdempotencyResult<long>>();
        for (var request = 0; request < 2; request++)
        {
            await using var scope = provider.CreateAsyncScope();
            results.Add(await PlaceAsync(executor, scope.ServiceProvider.GetRequiredService<OrdersContext>(), "key-1", CancellationToken.None));
        }

        Assert.Equal((false, true, results[0].Value), (results[0].IsReplayed, results[1].IsReplayed, results[1].Value));
        await using var check = provider.CreateAsyncScope();
        Assert.Equal(1, await check.ServiceProvider.GetRequiredService<OrdersContext>().Orders.CountAsync());
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private static void Register(IServiceCollection services, string connectionString)
    {
        #region snippet: ef-register
        // The context and the idempotency table share one database: here a SQLite file (on PostgreSQL: UseNpgsql on the
        // store's database, with AddNpgsqlStore().AddNpgsqlTransactions())
        services.AddDbContext<OrdersContext>(o => o.UseSqlite(connectionString));
        services.AddIdempotency()
            .AddSqliteStore(connectionString)
            .AddSqliteTransactions()
            .AddDbContextExecutor();      // DbContextIdempotencyExecutor
        #endregion
    }

    private static async Task<IdempotencyResult<long>> PlaceAsync(DbContextIdempotencyExecutor executor, OrdersContext context, string key, CancellationToken cancellationToken)
    {
        #region snippet: ef-function
        // executor: DbContextIdempotencyExecutor; context: your OrdersContext (both from DI)
        var result = await executor.ExecuteAsync(context, new IdempotencyRequest("place-order", key), async (db, ct) =>
        {
            var order = new PlacedOrder { Item = "book" };
            db.Orders.Add(order);
            await db.SaveChangesAsync(ct);    // committed with the record, or not at all
            return order.Id;
        }, cancellationToken);
        // result.Value is the order id; result.IsReplayed says whether an earlier run's id came back
        #endregion
        return result;
    }
}

/// <summary>The example's context.</summary>
public sealed class OrdersContext(DbContextOptions<OrdersContext> options) : DbContext(options)
{
    public DbSet<PlacedOrder> Orders => Set<PlacedOrder>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<PlacedOrder>(order =>
        {
            order.ToTable("orders");
            order.Property(o => o.Id).HasColumnName("id");
            order.Property(o => o.Item).HasColumnName("item");
        });
}

/// <summary>The example's order.</summary>
public sealed class PlacedOrder
{
    public long Id { get; set; }

    public required string Item { get; set; }
}
