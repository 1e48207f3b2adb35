#region snippet: transactional-register
using Npgsql;
#endregion

namespace Snippets;

// Compiled only: a real app registers one of the two.
internal static class TransactionalRegister
{
    public static void Configure(IServiceCollection services, string postgres)
    {
        #region snippet: transactional-register
        // PostgreSQL: the transactions run on connections of the store's NpgsqlDataSource
        services.AddSingleton(_ => NpgsqlDataSource.Create(postgres));
        services.AddIdempotency().AddNpgsqlStore().AddNpgsqlTransactions();

        // SQLite: the transactions run on the store's database file (your tables live in it too)
        services.AddIdempotency().AddSqliteStore("Data Source=App_Data/app.db").AddSqliteTransactions();
        #endregion
    }
}
