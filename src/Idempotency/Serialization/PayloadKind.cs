namespace Idempotency;

/// <summary>What a stored payload holds. The numbers are part of the stored format.</summary>
internal enum PayloadKind : byte
{
    /// <summary>A serialized operation result.</summary>
    Value = 1,

    /// <summary>The result of an operation that returns nothing.</summary>
    Void = 2,

    /// <summary>Bytes written by an integration (for example a captured HTTP response).</summary>
    Raw = 3,

    /// <summary>A remembered failure.</summary>
    Error = 4,

    /// <summary>The work ran but its result is not stored; the body is the UTF-8 reason told to retries.</summary>
    NotStored = 5,
}
