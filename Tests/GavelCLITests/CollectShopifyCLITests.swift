import Foundation
import XCTest

/// The loopback Shopify server of Tests/ShopifyTestServer, run as a real process that
/// `gavel collect shopify` talks to over HTTP.
final class ShopifyTestServer {
    static let script = CLITests.repo + "/Tests/ShopifyTestServer/server.py"
    static let store = CLITests.repo + "/Tests/ShopifyTestServer/store.json"
    /// The fixture's admin token: fake, and grepped for in every output.
    static let token = "fixture-admin-token-not-a-secret"

    let process = Process()
    let port: Int
    let logPath: String

    /// `scopes` of the one accepted token; `extra` are more server options (faults, plan, bucket).
    init(scopes: [String] = ["read_users", "read_apps"], _ extra: [String] = [], store: String = ShopifyTestServer.store) throws {
        let dir = NSTemporaryDirectory() + "gavel-shopify-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let portFile = dir + "/port"
        logPath = dir + "/requests.jsonl"
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            [
                "python3", ShopifyTestServer.script, "--store", store, "--port-file", portFile,
                "--log", logPath, "--token", "\(ShopifyTestServer.token)=\(scopes.joined(separator: ","))",
            ] + extra
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var found: Int?
        for _ in 0..<100 {
            if let s = try? String(contentsOfFile: portFile, encoding: .utf8), let p = Int(s) { found = p; break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        guard let found else { process.terminate(); throw XCTSkip("the test server did not start") }
        port = found
    }

    deinit {
        if process.isRunning { process.terminate(); process.waitUntilExit() }
    }

    var endpoint: String { "http://127.0.0.1:\(port)" }

    /// One entry per request the server answered or refused, in order.
    var requests: [[String: Any]] {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }
}

extension CLITests {
    private func collectShopify(
        _ server: ShopifyTestServer, _ extra: [String] = [], token: String = ShopifyTestServer.token,
        output: String? = nil
    ) throws -> Run {
        var args =
            [
                "collect", "shopify", "--asset", "northwind", "--shop", "northwind-telehealth.myshopify.com",
                "--endpoint", server.endpoint, "--page-size", "10",
            ] + extra
        if let output { args += ["-o", output] }
        return try gavel(args, env: ["SHOPIFY_ADMIN_TOKEN": token])
    }

    private func json(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    /// Every fake secret of the fixture, and staff names and e-mails.
    private func assertNoSecrets(_ texts: [String], file: StaticString = #filePath, line: UInt = #line) {
        for t in texts {
            for secret in [
                ShopifyTestServer.token, "FIXTURE-STOREFRONT-TOKEN", "FIXTURE-WEBHOOK-KEY", "FIXTURE-CARRIER-KEY", "@staff.invalid", "Avery", "Example\"",
            ] {
                XCTAssertFalse(t.contains(secret), "\(secret) leaked", file: file, line: line)
            }
        }
    }

    func testShopifyCollectsEveryPartAcrossPages() throws {
        let server = try ShopifyTestServer(scopes: ["read_users", "read_apps", "read_shipping", "read_privacy_settings"])
        let r = try collectShopify(server)
        XCTAssertEqual(r.code, 0, r.err)
        let snap = json(r.out)
        XCTAssertEqual(snap["kind"] as? String, "shopify")
        XCTAssertNil(snap["unavailable"], "a token with the four collector scopes on a Plus store reads everything")
        let data = snap["data"] as! [String: Any]
        let staff = data["staff"] as! [[String: Any]]
        XCTAssertEqual(staff.count, 23, "all three pages of ten")
        XCTAssertEqual(server.requests.filter { $0["operation"] as? String == "GavelStaff" }.count, 3)
        XCTAssertEqual(Set(staff.map { $0["account_type"] as! String }), ["REGULAR", "RESTRICTED", "INVITED", "COLLABORATOR", "REQUESTED", "SAML"])
        XCTAssertEqual(staff.filter { $0["shop_owner"] as? Bool == true }.count, 1)
        XCTAssertEqual(Set(staff[0].keys), ["id", "account_type", "active", "shop_owner", "exists"], "ids and types only")
        let apps = data["apps"] as! [String: Any]
        XCTAssertEqual(
            (apps["installations"] as! [[String: Any]]).map { $0["handle"] as! String },
            ["gavel-compliance-reader", "fixture-email-marketing", "fixture-product-reviews", "fixture-rx-intake", "northwind-rx-bridge"],
            "the private (custom) app is asked for separately")
        XCTAssertEqual((apps["installations"] as! [[String: Any]]).map { $0["privacy"] as! String }, ["PUBLIC", "PUBLIC", "PUBLIC", "PUBLIC", "PRIVATE"])
        XCTAssertEqual(
            server.requests.filter { $0["operation"] as? String == "GavelApps" }.compactMap { ($0["variables"] as? [String: Any])?["privacy"] as? String },
            ["PUBLIC", "PRIVATE"])
        let carriers = data["carrier_services"] as! [[String: Any]]
        XCTAssertEqual(carriers.map { $0["scheme"] as! String }, ["https", "http", "http"])
        XCTAssertEqual(carriers[0]["callback_url"] as? String, "https://rates.coldchain.invalid/shopify", "query string dropped")
        XCTAssertEqual(carriers[0]["callback_url_redacted"] as? Bool, true)
        let privacy = data["privacy"] as! [String: Any]
        XCTAssertEqual(privacy["cookie_banner_enabled"] as? Bool, false)
        XCTAssertEqual(privacy["data_sale_opt_out_auto_managed"] as? Bool, true)
        XCTAssertEqual((apps["current"] as! [String: Any])["scopes"] as! [String], ["read_users", "read_apps", "read_customers"])
        let hooks = data["webhooks"] as! [[String: Any]]
        XCTAssertEqual(hooks.map { $0["scheme"] as! String }, ["https", "http", "pubsub"])
        XCTAssertEqual(hooks[1]["uri"] as? String, "http://legacy-crm.northwind-telehealth.invalid/hook", "query string dropped")
        XCTAssertEqual(hooks[1]["uri_redacted"] as? Bool, true)
        XCTAssertEqual(hooks[1]["api_version_supported"] as? Bool, false)
        // Token ages are whole days from creation to the collection time.
        let f = ISO8601DateFormatter()
        let collected = f.date(from: snap["collected_at"] as! String)!
        let tokens = data["storefront_tokens"] as! [[String: Any]]
        XCTAssertEqual(tokens[0]["age_days"] as? Int, Int(collected.timeIntervalSince(f.date(from: "2023-03-14T09:30:00Z")!) / 86_400))
        let api = data["api"] as! [String: Any]
        XCTAssertEqual(api["served_version"] as? String, "2026-10")
        XCTAssertEqual(api["requested_supported"] as? Bool, true)
        XCTAssertEqual((snap["provenance"] as! [String: String])["/staff"], "\(server.endpoint)/admin/api/2026-10/graphql.json#staffMembers")
        assertNoSecrets([r.out, r.err])
    }

    func testShopifyMissingScopesAreUnavailableAndRulesReadingThemError() throws {
        let server = try ShopifyTestServer(scopes: [])
        let dir = tempDir()
        try FileManager.default.createDirectory(atPath: dir + "/northwind", withIntermediateDirectories: true)
        let r = try collectShopify(server, output: dir + "/northwind/shopify.json")
        XCTAssertEqual(r.code, 0, r.err)
        let snap = json(try String(contentsOfFile: dir + "/northwind/shopify.json", encoding: .utf8))
        let unavailable = snap["unavailable"] as! [String: String]
        XCTAssertEqual(Set(unavailable.keys), ["/staff", "/apps/installations", "/carrier_services", "/privacy"])
        XCTAssertTrue(unavailable["/carrier_services"]!.hasPrefix("needs read_shipping"), unavailable["/carrier_services"]!)
        XCTAssertTrue(unavailable["/privacy"]!.hasPrefix("needs read_privacy_settings"), unavailable["/privacy"]!)
        XCTAssertTrue(unavailable["/staff"]!.hasPrefix("needs read_users"), unavailable["/staff"]!)
        XCTAssertTrue(unavailable["/apps/installations"]!.hasPrefix("needs read_apps"))
        let data = snap["data"] as! [String: Any]
        XCTAssertNil(data["staff"], "an unreadable part is left out, not written empty")
        XCTAssertNotNil(data["webhooks"], "the parts the token may read are kept")
        let errors = data["graphql_errors"] as! [[String: Any]]
        XCTAssertEqual(errors.compactMap { $0["code"] as? String }, ["ACCESS_DENIED", "ACCESS_DENIED", "ACCESS_DENIED", "ACCESS_DENIED"])

        // Rules over the unreadable parts: error with the reason, never pass.
        let out = tempDir() + "/results.json"  // not among the snapshots, where eval would read it
        let e = try gavel(["eval", "--snapshots", dir, "--format", "json", "--output", out, "--fail-on", "none"])
        XCTAssertEqual(e.code, 0, e.err)
        let results = json(try String(contentsOfFile: out, encoding: .utf8))["results"] as! [[String: Any]]
        func result(_ id: String) -> [String: Any] { results.first { $0["rule"] as? String == id }! }
        XCTAssertEqual(result("SHOP-STAFF-001")["verdict"] as? String, "error")
        XCTAssertTrue((result("SHOP-STAFF-001")["message"] as! String).hasPrefix("not collectable: needs read_users"), "\(result("SHOP-STAFF-001"))")
        XCTAssertEqual(result("SHOP-APP-001")["verdict"] as? String, "error")
        XCTAssertEqual(result("SHOP-WH-001")["verdict"] as? String, "fail", "webhooks were readable: the http one fails")
        XCTAssertEqual(result("SHOP-CARRIER-001")["verdict"] as? String, "error")
        XCTAssertEqual(result("SHOP-PRIV-001")["verdict"] as? String, "error")
    }

    /// A field that fails inside one row (Shopify answers null plus an error naming the row)
    /// leaves that row's field unavailable: the rules reading it give `error`, not a pass.
    func testShopifyAnErrorInsideARowMakesItsRulesError() throws {
        var store = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: ShopifyTestServer.store))) as? [String: Any])
        // The owner and one staff member whose account type fails: without the rule, the null
        // would be filtered out and the store judged clean.
        var staff = try XCTUnwrap(store["staffMembers"] as? [[String: Any]])
        staff[1]["accountType"] = ["$error": "Internal error. Looks like something went wrong on our end."]
        store["staffMembers"] = Array(staff.prefix(2))
        let dir = tempDir()
        try JSONSerialization.data(withJSONObject: store).write(to: URL(fileURLWithPath: dir + "/store.json"))
        let server = try ShopifyTestServer(store: dir + "/store.json")
        try FileManager.default.createDirectory(atPath: dir + "/snaps/northwind", withIntermediateDirectories: true)
        let r = try collectShopify(server, output: dir + "/snaps/northwind/shopify.json")
        XCTAssertEqual(r.code, 0, r.err)
        let snap = json(try String(contentsOfFile: dir + "/snaps/northwind/shopify.json", encoding: .utf8))
        let rows = (snap["data"] as! [String: Any])["staff"] as! [[String: Any]]
        XCTAssertEqual(rows.count, 2, "the row is kept")
        XCTAssertNil(rows[1]["account_type"], "its failed field is left out")
        XCTAssertEqual(rows[0]["account_type"] as? String, "REGULAR")
        let unavailable = snap["unavailable"] as! [String: String]
        XCTAssertTrue(unavailable["/staff/1/account_type"]?.contains("Internal error") ?? false, "\(unavailable)")

        let out = tempDir() + "/results.json"
        XCTAssertEqual(try gavel(["eval", "--snapshots", dir + "/snaps", "--format", "json", "--output", out, "--fail-on", "none"]).code, 0)
        let results = json(try String(contentsOfFile: out, encoding: .utf8))["results"] as! [[String: Any]]
        func verdict(_ id: String) -> String? { results.first { $0["rule"] as? String == id }?["verdict"] as? String }
        XCTAssertEqual(verdict("SHOP-STAFF-001"), "error", "the row could be a lingering invitation")
        XCTAssertEqual(verdict("SHOP-STAFF-002"), "error")
        XCTAssertEqual(verdict("SHOP-SSO-001"), "error")
        XCTAssertEqual(verdict("SHOP-STAFF-003"), "pass", "what the row did answer is still judged")
    }

    func testShopifyStaffNeedsAPlusStore() throws {
        let server = try ShopifyTestServer(scopes: ["read_users", "read_apps"], ["--plan", "basic"])
        let r = try collectShopify(server)
        XCTAssertEqual(r.code, 0, r.err)
        let reason = (json(r.out)["unavailable"] as! [String: String])["/staff"]!
        XCTAssertTrue(reason.contains("Shopify Plus or Advanced"), reason)
    }

    func testShopifyRetriesThrottlesAndHonoursRetryAfter() throws {
        // 429, two 5xx and a reset connection, then a bucket too small for a staff page.
        let server = try ShopifyTestServer(["--faults", "429,503,reset,502", "--bucket", "60", "--restore", "40"])
        let r = try collectShopify(server)
        XCTAssertEqual(r.code, 0, r.err)
        XCTAssertEqual(((json(r.out)["data"] as? [String: Any])?["staff"] as? [Any])?.count, 23, "nothing lost to the faults")
        let log = server.requests
        guard log.count > 4 else { return XCTFail("\(log)") }
        XCTAssertEqual(log.prefix(4).compactMap { $0["fault"] as? String }, ["429", "503", "reset", "502"])
        XCTAssertGreaterThanOrEqual((log[1]["t"] as? Double ?? 0) - (log[0]["t"] as? Double ?? 0), 0.95, "waited the 1 s Retry-After")
        // Each throttled query is retried once the bucket can hold it; none is lost.
        let throttled = log.filter { $0["error"] as? String == "THROTTLED" }.count
        let staffPages = log.filter { $0["operation"] as? String == "GavelStaff" && $0["status"] as? Int == 200 && $0["error"] == nil }.count
        XCTAssertEqual(staffPages, 3)
        XCTAssertGreaterThan(throttled + staffPages, 3 - 1)
        let answered = log.filter { $0["status"] as? Int == 200 && $0["error"] == nil }.count
        XCTAssertLessThanOrEqual(throttled, answered, "after one THROTTLED answer a query waits for the bucket instead of hammering")
    }

    func testShopifyGivesUpAfterBoundedAttempts() throws {
        let server = try ShopifyTestServer(["--always", "503"])
        let r = try collectShopify(server, ["--max-attempts", "3"])
        XCTAssertEqual(r.code, 3)
        XCTAssertTrue(r.err.contains("error[shopify-unavailable]") && r.err.contains("gave up after 3 attempts"), r.err)
        XCTAssertEqual(server.requests.count, 3)
        XCTAssertEqual(r.out, "", "no snapshot from a failed collection")
    }

    func testShopifyWholeCollectionTimeout() throws {
        let server = try ShopifyTestServer(["--always", "hang"])
        let start = Date()
        let r = try collectShopify(server, ["--request-timeout", "1", "--timeout", "3", "--max-attempts", "50"])
        XCTAssertEqual(r.code, 3)
        XCTAssertTrue(r.err.contains("error[shopify-timeout]") && r.err.contains("--timeout"), r.err)
        XCTAssertLessThan(Date().timeIntervalSince(start), 60, "bounded by --timeout, not by the 120 s hang")
    }

    func testShopifyRejectedTokenAndUnreachableStore() throws {
        let server = try ShopifyTestServer()
        let bad = try collectShopify(server, token: "wrong-fixture-token")
        XCTAssertEqual(bad.code, 3)
        XCTAssertTrue(bad.err.contains("HTTP 401: the access token was rejected"), bad.err)
        XCTAssertFalse(bad.err.contains("wrong-fixture-token"), "the token is never printed")
        // Nothing listens on the port of a stopped server: a clear connect error.
        let port = server.port
        server.process.terminate()
        server.process.waitUntilExit()
        let down = try gavel(
            ["collect", "shopify", "--asset", "a", "--shop", "a.myshopify.com", "--endpoint", "http://127.0.0.1:\(port)"],
            env: ["SHOPIFY_ADMIN_TOKEN": ShopifyTestServer.token])
        XCTAssertEqual(down.code, 3)
        XCTAssertTrue(down.err.contains("error[shopify-connect]") && down.err.contains("127.0.0.1:\(port)"), down.err)
    }

    func testShopifyOlderAPIVersionFallsForwardAndUsesCallbackUrl() throws {
        let server = try ShopifyTestServer()
        let r = try collectShopify(server, ["--api-version", "2025-04"])
        XCTAssertEqual(r.code, 0, r.err)
        let data = json(r.out)["data"] as! [String: Any]
        let api = data["api"] as! [String: Any]
        XCTAssertEqual(api["requested_version"] as? String, "2025-04")
        XCTAssertEqual(api["served_version"] as? String, "2026-01", "Shopify serves the oldest supported version instead")
        XCTAssertEqual(api["requested_supported"] as? Bool, false)
        XCTAssertEqual(((data["webhooks"] as! [[String: Any]])[0])["uri"] as? String, "https://hooks.northwind-telehealth.invalid/shopify/orders")
        XCTAssertEqual(((data["shop"] as! [String: Any])["plan"] as! [String: Any])["name"] as? String, "Shopify Plus", "displayName before 2025-07")
        XCTAssertTrue(server.requests.contains { ($0["variables"] as? [String: Any]) != nil }, "queries ran")
        // Asking 2025-04 for `uri` or `publicDisplayName` would be refused by the schema check.
        XCTAssertTrue(server.requests.allSatisfy { $0["error"] as? String != "invalid" })
    }

    func testShopifyTokenFromAFile() throws {
        let server = try ShopifyTestServer()
        let dir = tempDir()
        try "\(ShopifyTestServer.token)\n".write(toFile: dir + "/token", atomically: true, encoding: .utf8)
        try "".write(toFile: dir + "/empty", atomically: true, encoding: .utf8)
        let args = ["collect", "shopify", "--asset", "n", "--shop", "northwind-telehealth.myshopify.com", "--endpoint", server.endpoint]
        let ok = try gavel(args + ["--token-file", dir + "/token"], env: ["SHOPIFY_ADMIN_TOKEN": ""])
        XCTAssertEqual(ok.code, 0, ok.err)
        assertNoSecrets([ok.out, ok.err])
        let empty = try gavel(args + ["--token-file", dir + "/empty"])
        XCTAssertEqual(empty.code, 3)
        XCTAssertTrue(empty.err.contains("error[shopify-token]"), empty.err)
        XCTAssertEqual(try gavel(args + ["--token-file", dir + "/absent"]).code, 3)
    }

    func testShopifyUsageErrors() throws {
        let env = ["SHOPIFY_ADMIN_TOKEN": ShopifyTestServer.token]
        let base = ["collect", "shopify", "--asset", "a"]
        XCTAssertEqual(try gavel(base + ["--shop", "shop.example.com"], env: env).code, 2)
        XCTAssertEqual(
            try gavel(base + ["--shop", "a.myshopify.com", "--endpoint", "http://203.0.113.9"], env: env).code, 2,
            "the token is never sent over plain http beyond loopback")
        XCTAssertEqual(try gavel(base + ["--shop", "a.myshopify.com", "--api-version", "2024-07"], env: env).code, 2)
        let none = try gavel(base + ["--shop", "a.myshopify.com"], env: ["SHOPIFY_ADMIN_TOKEN": ""])
        XCTAssertEqual(none.code, 2)
        XCTAssertTrue(none.err.contains("SHOPIFY_ADMIN_TOKEN"), none.err)
    }
}
