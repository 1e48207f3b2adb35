using Microsoft.Extensions.Options;

namespace Idempotency.StackExchangeRedis;

/// <summary>Validates <see cref="RedisStoreOptions"/> once, at start-up and when a store is created.</summary>
internal sealed class RedisStoreOptionsValidator : IValidateOptions<RedisStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisStoreOptions options)
    {
        var errors = Errors(options).ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public static IEnumerable<string> Errors(RedisStoreOptions options)
    {
        if (options.InstanceName is null)
        {
            yield return "RedisStoreOptions.InstanceName must not be null (use the empty string for no prefix).";
        }
        else if (options.InstanceName.Length > RedisStoreDefaults.MaxInstanceNameLength)
        {
            yield return $"RedisStoreOptions.InstanceName must be at most {RedisStoreDefaults.MaxInstanceNameLength} characters.";
        }

        if (options.Database < -1)
        {
            yield return "RedisStoreOptions.Database must be -1 (the multiplexer's default) or a database number.";
        }
    }
}
