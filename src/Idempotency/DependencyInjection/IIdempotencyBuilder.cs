namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Configures idempotency: stores and integrations are extension methods on it.</summary>
public interface IIdempotencyBuilder
{
    /// <summary>Gets the service collection.</summary>
    IServiceCollection Services { get; }
}
