namespace Idempotency.EntityFrameworkCore.Tests;

public sealed class SqliteDbContextExecutorTests : DbContextExecutorTests
{
    protected override async Task<ShopFixture> CreateShopAsync() => await SqliteShop.CreateAsync();
}
