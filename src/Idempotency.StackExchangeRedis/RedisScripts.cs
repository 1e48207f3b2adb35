namespace Idempotency.StackExchangeRedis;

/// <summary>
/// The Lua scripts: the owner-guarded operations (complete and fail share one, the status being an argument), and the
/// claim for the cases a plain <c>SET NX GET</c> cannot settle (taking over a dead record, servers before Redis 7.0).
/// Each touches exactly one key, so they run unchanged on Redis Cluster. They parse the layout of <see cref="RedisRecordFormat"/>.
/// </summary>
/// <remarks>
/// Answers: <c>1</c> done, <c>0</c> lease lost (absent, not in progress, or another owner), <c>-1</c> the value is not a
/// record of this store, <c>-2</c> the key holds another Redis type. The claim answers <c>1</c> (acquired), <c>-2</c>, or
/// the live value itself, which the client parses (and reports as corrupt when it is not a record).
/// Time comes from the caller (<c>now</c> argument); <c>PX</c> only lets Redis drop records that are surely dead.
/// </remarks>
internal static class RedisScripts
{
    public const long Done = 1;
    public const long LeaseLost = 0;
    public const long Unreadable = -1;
    public const long WrongType = -2;

    // KEYS[1] record; ARGV[1] now (ms), ARGV[2] the new in-progress value, ARGV[3] native expiry (ms).
    // A value this store cannot read is returned rather than overwritten: foreign data is never silently replaced.
    // IdempotencyRecord.BlocksClaim: until it expires, a record holds the key against another fingerprint whatever its
    // state; the claim's fingerprint is read from the value it would write (ARGV[2]), so it is not sent twice.
    public const string Claim = """
        local v = redis.pcall('GET', KEYS[1])
        if type(v) == 'table' then return -2 end
        if v then
          if #v < 31 or string.byte(v, 1) ~= 1 or string.byte(v, 2) > 2 then return v end
          local _, status, flags, _, lease, expires, ol, fl = struct.unpack('<BBBi8i8i8HH', v)
          if #v < 31 + ol + fl then return v end
          local now = tonumber(ARGV[1])
          if now < expires then
            if status == 1 or (status == 0 and now < lease) or (status == 2 and flags % 2 == 0) then return v end
            local nol, nfl = struct.unpack('<HH', ARGV[2], 28)
            if string.sub(v, 32 + ol, 31 + ol + fl) ~= string.sub(ARGV[2], 32 + nol, 31 + nol + nfl) then return v end
          end
        end
        redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
        return 1
        """;

    // KEYS[1] record; ARGV[1] owner token, ARGV[2] status, ARGV[3] flags, ARGV[4] now (ms), ARGV[5] expires at (ms),
    // ARGV[6] native expiry (ms), ARGV[7] payload. Keeps the created time, owner token and fingerprint.
    public const string Finish = OwnedPrologue + """
        redis.call('SET', KEYS[1], struct.pack('<BBBi8i8i8', 1, tonumber(ARGV[2]), tonumber(ARGV[3]), created, tonumber(ARGV[4]), tonumber(ARGV[5]))
          .. string.sub(v, 28, 31 + ol + fl) .. ARGV[7], 'PX', ARGV[6])
        return 1
        """;

    // KEYS[1] record; ARGV[1] owner token, ARGV[2] now (ms), ARGV[3] new lease end (ms).
    // The record's expiry moves out when the lease would outlive it; the native expiry follows the record's.
    public const string Renew = OwnedPrologue + """
        local leaseEnd = tonumber(ARGV[3])
        if leaseEnd > expires then expires = leaseEnd end
        local px = expires - tonumber(ARGV[2])
        if px < 1 then px = 1 end
        redis.call('SET', KEYS[1], struct.pack('<BBBi8i8i8', 1, 0, flags, created, leaseEnd, expires) .. string.sub(v, 28), 'PX', px)
        return 1
        """;

    // KEYS[1] record; ARGV[1] owner token.
    public const string Release = OwnedPrologue + """
        redis.call('DEL', KEYS[1])
        return 1
        """;

    // Shared by the owner-guarded scripts: the atomic "still in progress with this owner token" check.
    private const string OwnedPrologue = """
        local v = redis.pcall('GET', KEYS[1])
        if type(v) == 'table' then return -2 end
        if not v then return 0 end
        if #v < 31 or string.byte(v, 1) ~= 1 or string.byte(v, 2) > 2 then return -1 end
        local _, status, flags, created, lease, expires, ol, fl = struct.unpack('<BBBi8i8i8HH', v)
        if #v < 31 + ol + fl then return -1 end
        if status ~= 0 or string.sub(v, 32, 31 + ol) ~= ARGV[1] then return 0 end

        """;
}
