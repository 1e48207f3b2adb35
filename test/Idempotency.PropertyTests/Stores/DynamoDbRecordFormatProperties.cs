using System.Globalization;
using Amazon.DynamoDBv2.Model;
using CsCheck;
using Idempotency.DynamoDB;

namespace Idempotency.PropertyTests;

/// <summary>The DynamoDB store's item format: a claim reads back as written; any other item is reported corrupt.</summary>
public sealed class DynamoDbRecordFormatProperties
{
    private static readonly string[] Attributes =
    [
        DynamoDbAttributes.Revision, DynamoDbAttributes.Status, DynamoDbAttributes.Owner, DynamoDbAttributes.Fingerprint,
        DynamoDbAttributes.Created, DynamoDbAttributes.LeaseExpires, DynamoDbAttributes.Expires, DynamoDbAttributes.Payload,
        DynamoDbAttributes.Retryable,
    ];

    // Any attribute value DynamoDB can return, with numbers near and beyond what the store writes.
    private static readonly Gen<AttributeValue?> AnyValue = Gen.Frequency(
        (1, Gen.Const((AttributeValue?)null)),
        (3, Gen.OneOf("0", "1", "2", "3", "-1", "1.0", "1e0", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
                "253402300799999", "253402300800000", "-62135596800001", " 1", "0x1", "", "NaN")
            .Select(static n => (AttributeValue?)new AttributeValue { N = n })),
        (2, Gen.Long.Select(static n => (AttributeValue?)new AttributeValue { N = n.ToString(CultureInfo.InvariantCulture) })),
        (2, JsonGen.Text(20).Select(static s => (AttributeValue?)new AttributeValue { S = s })),
        (1, Gen.Byte.Array[0, 40].Select(static b => (AttributeValue?)new AttributeValue { B = new MemoryStream(b) })),
        (1, Gen.Bool.Select(static b => (AttributeValue?)new AttributeValue { BOOL = b })),
        (1, Gen.Const(() => (AttributeValue?)new AttributeValue { NULL = true })));

    [Fact]
    public void Decode_WhatClaimItemWrote_GivesTheClaimBack() =>
        StoreGen.ClaimRequest.Check(static request =>
        {
            var record = DynamoDbRecordFormat.Decode(request.Key, DynamoDbRecordFormat.ClaimItem(request, TimeSpan.FromHours(1)));
            StoreGen.AssertClaimed(request, record);
        });

    [Fact]
    public void Decode_AnyItem_ThrowsOnlyCorrupt() =>
        Gen.Select(StoreGen.ClaimRequest, AnyValue.Array[Attributes.Length], Gen.Bool.Array[Attributes.Length]).Check(static sample =>
        {
            // A valid claim with some attributes replaced (or removed) by anything.
            var (request, values, replace) = sample;
            var item = DynamoDbRecordFormat.ClaimItem(request, TimeSpan.FromHours(1));
            for (var i = 0; i < Attributes.Length; i++)
            {
                if (!replace[i])
                {
                    continue;
                }

                if (values[i] is { } value)
                {
                    item[Attributes[i]] = value;
                }
                else
                {
                    item.Remove(Attributes[i]);
                }
            }

            try
            {
                var record = DynamoDbRecordFormat.Decode(request.Key, item);
                Assert.InRange((int)record.Status, 0, 2);
            }
            catch (IdempotencyRecordCorruptException)
            {
            }
        });
}
