namespace Idempotency.Listing;

/// <summary>The page size every store's listing accepts (<see cref="IIdempotencyStoreListing.ListAsync"/>: 1 to 1000).</summary>
internal static class ListingLimit
{
    public const int Max = 1000;

    public static void ThrowIfInvalid(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, Max);
    }
}
