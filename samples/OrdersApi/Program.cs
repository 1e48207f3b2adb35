var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
app.MapGet("/", () => "OrdersApi: work in progress");
app.Run();

/// <summary>Entry point, visible to the integration tests.</summary>
public partial class Program;
