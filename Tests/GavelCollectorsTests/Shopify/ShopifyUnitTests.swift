import Foundation
import GavelCore
import XCTest

@testable import GavelCollectors

final class RetryPolicyTests: XCTestCase {
    func testBackoffIsCappedJitteredExponential() {
        let p = RetryPolicy()
        XCTAssertEqual(p.backoff(afterAttempt: 1, unit: 1), 0.5)
        XCTAssertEqual(p.backoff(afterAttempt: 2, unit: 1), 1)
        XCTAssertEqual(p.backoff(afterAttempt: 4, unit: 1), 4)
        XCTAssertEqual(p.backoff(afterAttempt: 10, unit: 1), 8, "capped at maxDelay")
        XCTAssertEqual(p.backoff(afterAttempt: 3, unit: 0.5), 1, "a draw scales the ceiling")
        XCTAssertEqual(p.backoff(afterAttempt: 3, unit: 0), 0)
    }

    func testRetryAfterIsReadInSecondsAndCapped() {
        let p = RetryPolicy()
        XCTAssertEqual(p.retryAfter("2.0"), 2)
        XCTAssertEqual(p.retryAfter(" 3 "), 3)
        XCTAssertEqual(p.retryAfter(nil), 1, "no header: one second")
        XCTAssertEqual(p.retryAfter("Wed, 21 Oct 2026 07:28:00 GMT"), 1, "an HTTP date is not what Shopify sends")
        XCTAssertEqual(p.retryAfter("-4"), 1)
        XCTAssertEqual(p.retryAfter("3600"), 60, "capped")
    }

    func testThrottleWaitFollowsTheLeakyBucket() {
        let s = ThrottleStatus(maximumAvailable: 1000, currentlyAvailable: 100, restoreRate: 50)
        XCTAssertEqual(s.wait(for: 50), 0)
        XCTAssertEqual(s.wait(for: 200), 2)
        XCTAssertEqual(s.wait(for: 200, elapsed: 1), 1, "the bucket refilled meanwhile")
        XCTAssertEqual(s.wait(for: 5000), 18, "never more than the bucket can hold")
        XCTAssertEqual(ThrottleStatus(maximumAvailable: 10, currentlyAvailable: 0, restoreRate: 0).wait(for: 5), .infinity)
    }
}

final class ShopifyRecordsTests: XCTestCase {
    func testWebhookDestinationsLoseWhatCouldBeASecret() {
        let plain = ShopifyRecords.destination("https://hooks.example.invalid/orders")
        XCTAssertEqual(plain.uri, "https://hooks.example.invalid/orders")
        XCTAssertEqual(plain.scheme, "https")
        XCTAssertFalse(plain.redacted)
        let keyed = ShopifyRecords.destination("HTTP://user:pw@crm.example.invalid/hook?key=abc#frag")
        XCTAssertEqual(keyed.uri, "HTTP://crm.example.invalid/hook")
        XCTAssertEqual(keyed.scheme, "http")
        XCTAssertTrue(keyed.redacted)
        XCTAssertEqual(ShopifyRecords.destination("pubsub://project:topic").scheme, "pubsub")
        XCTAssertEqual(ShopifyRecords.destination("arn:aws:events:us-east-1::event-source/aws.partner/shopify.com/1/src").scheme, "arn")
        XCTAssertNil(ShopifyRecords.destination("not a url at all").uri)
    }

    func testAgesAreWholeDays() {
        let now = ISO8601DateFormatter().date(from: "2026-11-22T12:00:00Z")!
        XCTAssertEqual(ShopifyRecords.ageDays("2026-11-21T12:00:01Z", now: now), 0)
        XCTAssertEqual(ShopifyRecords.ageDays("2026-11-21T12:00:00Z", now: now), 1)
        XCTAssertEqual(ShopifyRecords.ageDays("2025-11-22T11:59:59.500Z", now: now), 365, "fractional seconds")
        XCTAssertEqual(ShopifyRecords.ageDays("2025-11-22T12:00:00.500Z", now: now), 364, "half a second short of a year")
        XCTAssertNil(ShopifyRecords.ageDays("yesterday", now: now))
    }

    func testStaffRecordsKeepIdsAndTypesOnly() {
        let node = Value.object([
            ("id", "gid://shopify/StaffMember/1"), ("accountType", "INVITED"), ("active", true), ("isShopOwner", false),
            ("exists", true), ("name", "Dana Example"), ("email", "dana@staff.invalid"),
        ])
        XCTAssertEqual(ShopifyRecords.staff(node).objectMembers?.map(\.key), ["id", "account_type", "active", "shop_owner", "exists"])
    }
}

final class ShopifyCollectorTests: XCTestCase {
    func testShopDomainsAreChecked() {
        XCTAssertEqual(ShopifyCollector.normalizedShop("Clinic-A.myshopify.com"), "clinic-a.myshopify.com")
        XCTAssertNil(ShopifyCollector.normalizedShop("shop.example.com"))
        XCTAssertNil(ShopifyCollector.normalizedShop(".myshopify.com"))
        XCTAssertNil(ShopifyCollector.normalizedShop("a/b.myshopify.com"))
        XCTAssertNil(ShopifyCollector.normalizedShop("evil.com#.myshopify.com"))
    }

    func testAPIVersionsOrderByDate() {
        XCTAssertLessThan(ShopifyAPIVersion("2025-10")!, ShopifyAPIVersion("2026-01")!)
        XCTAssertLessThan(ShopifyAPIVersion("2026-10")!, ShopifyAPIVersion("unstable")!)
        XCTAssertNil(ShopifyAPIVersion("2026-02"), "releases are quarterly")
        XCTAssertNil(ShopifyAPIVersion("latest"))
    }

    func testTheTokenOnlyTravelsOverHTTPS() throws {
        var c = ShopifyCollector(shop: "a.myshopify.com", token: "t")
        XCTAssertEqual(try c.endpointURL().absoluteString, "https://a.myshopify.com/admin/api/\(ShopifyCollector.pinnedAPIVersion)/graphql.json")
        c.endpoint = "http://127.0.0.1:8080"
        XCTAssertEqual(try c.endpointURL().absoluteString, "http://127.0.0.1:8080/admin/api/\(ShopifyCollector.pinnedAPIVersion)/graphql.json")
        for bad in ["http://proxy.example.invalid", "https://h/x", "https://h?q=1", "ftp://h"] {
            c.endpoint = bad
            XCTAssertThrowsError(try c.endpointURL(), bad)
        }
        c.endpoint = nil
        c.apiVersion = "2024-07"
        XCTAssertThrowsError(try c.endpointURL())
    }

    func testDenialReasonsNameTheScope() {
        let denied = GraphQLError(
            message: "Access denied for staffMembers field. Required access: `read_users` access scope.", path: ["staffMembers"],
            code: "ACCESS_DENIED", requiredAccess: "`read_users` access scope.")
        XCTAssertEqual(
            ShopifyCollector.Run.reason([denied], "staffMembers"),
            "needs read_users (Shopify: Access denied for staffMembers field. Required access: `read_users` access scope.)")
        let vague = GraphQLError(message: "access denied", path: ["appInstallations"], code: "ACCESS_DENIED", requiredAccess: nil)
        XCTAssertEqual(ShopifyCollector.Run.reason([vague], "appInstallations"), "access denied (Shopify: access denied)")
        XCTAssertEqual(ShopifyCollector.Run.reason([], "webhookSubscriptions"), "Shopify returned no webhookSubscriptions")
    }

    func testResponsesKeepPartialDataErrorsAndCost() throws {
        let body = #"""
            {"errors":[{"message":"Access denied for staffMembers field.","path":["staffMembers"],"extensions":{"code":"ACCESS_DENIED"}}],
             "data":{"staffMembers":null,"shop":{"name":"x"}},
             "extensions":{"cost":{"requestedQueryCost":12,"actualQueryCost":3,"throttleStatus":{"maximumAvailable":1000.0,"currentlyAvailable":988.0,"restoreRate":50.0}}}}
            """#
        let r = try XCTUnwrap(GraphQLResponse.decode(Data(body.utf8)))
        XCTAssertEqual(r.data?["shop"]?["name"], "x")
        XCTAssertEqual(r.errors(under: ["staffMembers"]).map(\.code), ["ACCESS_DENIED"])
        XCTAssertTrue(r.errors(under: ["shop"]).isEmpty)
        XCTAssertEqual(r.requestedCost, 12)
        XCTAssertEqual(r.throttle, ThrottleStatus(maximumAvailable: 1000, currentlyAvailable: 988, restoreRate: 50))
        XCTAssertFalse(r.throttled)
        let throttled = try XCTUnwrap(GraphQLResponse.decode(Data(#"{"errors":[{"message":"Throttled","extensions":{"code":"THROTTLED"}}]}"#.utf8)))
        XCTAssertTrue(throttled.throttled)
        XCTAssertNil(GraphQLResponse.decode(Data("<html>".utf8)))
    }
}
