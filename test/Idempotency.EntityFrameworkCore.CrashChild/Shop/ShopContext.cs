using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Idempotency.EntityFrameworkCore.Shop;

/// <summary>A context over an orders table whose name each test chooses (so tests never see each other's rows).</summary>
public sealed class ShopContext(DbContextOptions options, string ordersTable) : DbContext(options)
{
    public string OrdersTable { get; } = ordersTable;

    public DbSet<Order> Orders => Set<Order>();

    protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder) =>
        optionsBuilder.ReplaceService<IModelCacheKeyFactory, TableModelCacheKeyFactory>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<Order>(order =>
        {
            order.ToTable(OrdersTable);
            order.Property(o => o.Id).HasColumnName("id");
            order.Property(o => o.IdempotencyKey).HasColumnName("idempotency_key");
        });

    /// <summary>One model per table name: EF Core caches models by context type unless told otherwise.</summary>
    private sealed class TableModelCacheKeyFactory : IModelCacheKeyFactory
    {
        public object Create(DbContext context, bool designTime) => (context.GetType(), ((ShopContext)context).OrdersTable, designTime);
    }
}
