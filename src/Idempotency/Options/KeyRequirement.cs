namespace Idempotency;

/// <summary>What happens when no key is given.</summary>
public enum KeyRequirement
{
    /// <summary>A missing key is an error (<see cref="IdempotencyKeyMissingException"/>, HTTP 400).</summary>
    Required = 0,

    /// <summary>A missing key runs the operation without any store call.</summary>
    Optional = 1,
}
