using OrdersApi;

// Listens on http://127.0.0.1:5080 unless --urls (or ASPNETCORE_URLS) says otherwise.
var app = OrdersApp.Build(args);
app.Run();

/// <summary>Entry point, visible to the integration tests.</summary>
public partial class Program;
