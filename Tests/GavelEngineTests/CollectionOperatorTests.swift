import GavelCore
import GavelJSON
import GavelPolicyReporters
import XCTest

@testable import GavelEngine

private func servers(_ s: [Value]) -> Value { .object([("nginx", .object([("servers", .array(s))]))]) }
private func server(ssl: Bool, protocols: [String] = [], hsts: String? = nil) -> Value {
    var m: [(String, Value)] = [("ssl", .bool(ssl)), ("ssl_protocols", .array(protocols.map { .string($0) }))]
    if let hsts { m.append(("headers", .object([("strict-transport-security", .object([("value", .string(hsts))]))]))) }
    return .object(m)
}

final class QuantifierTests: XCTestCase {
    let every = """
        every:
          path: nginx.servers[*]
          where: { path: .ssl, equals: true }
          check: { path: .ssl_protocols, subset_of: [TLSv1.2, TLSv1.3] }
        """

    func testEveryWithFilter() {
        XCTAssertEqual(
            verdict(every, servers([server(ssl: true, protocols: ["TLSv1.2"]), server(ssl: false, protocols: ["SSLv3"])]), kind: "nginx")?.verdict, .pass)
        let o = verdict(every, servers([server(ssl: true, protocols: ["TLSv1.2"]), server(ssl: true, protocols: ["TLSv1", "TLSv1.2"])]), kind: "nginx")
        XCTAssertEqual(o?.verdict, .fail)
        XCTAssertEqual(o?.evidence.map(\.path), ["nginx.servers[1].ssl_protocols"], "evidence names the failing element by index")
    }

    func testEveryOverEmptyHoldsAndCountCatchesIt() {
        XCTAssertEqual(verdict(every, servers([]), kind: "nginx")?.verdict, .pass)
        XCTAssertEqual(verdict("count: { path: \"nginx.servers[*]\", gte: 1 }", servers([]), kind: "nginx")?.verdict, .fail)
    }

    func testSomeAndCount() {
        let some = "some: { path: \"nginx.servers[*]\", check: { path: .ssl, equals: true } }"
        XCTAssertEqual(verdict(some, servers([server(ssl: false), server(ssl: true)]), kind: "nginx")?.verdict, .pass)
        XCTAssertEqual(verdict(some, servers([server(ssl: false)]), kind: "nginx")?.verdict, .fail)
        let count = "count: { path: \"nginx.servers[*]\", where: { path: .ssl, equals: true }, equals: 2 }"
        XCTAssertEqual(verdict(count, servers([server(ssl: true), server(ssl: true), server(ssl: false)]), kind: "nginx")?.verdict, .pass)
    }

    func testMissingCollectionIsError() {
        XCTAssertEqual(verdict(every, .object([("nginx", Value.object([Value.Member]()))]), kind: "nginx")?.verdict, .error)
        let lenient = "every: { path: \"nginx.servers[*]\", missing: pass, check: { path: .ssl, equals: true } }"
        XCTAssertEqual(verdict(lenient, .object([("nginx", Value.object([Value.Member]()))]), kind: "nginx")?.verdict, .pass)
    }

    func testElementErrorsCombineLikeAll() {
        let check = "every: { path: \"nginx.servers[*]\", check: { path: .headers.\"strict-transport-security\".value, matches: \"max-age\" } }"
        // one element lacks hsts (error), another fails: the failure wins
        XCTAssertEqual(verdict(check, servers([server(ssl: true), server(ssl: true, hsts: "none")]), kind: "nginx")?.verdict, .fail)
        XCTAssertEqual(verdict(check, servers([server(ssl: true), server(ssl: true, hsts: "max-age=1")]), kind: "nginx")?.verdict, .error)
    }

    func testNestedQuantifiersAndRootPaths() {
        let asset: Value = .object([
            (
                "nginx",
                .object([
                    ("min", 2),
                    ("servers", .array([.object([("locations", .array([.object([("n", 3)]), .object([("n", 1)])]))])])),
                ])
            )
        ])
        let nested = """
            every:
              path: nginx.servers[*]
              check:
                every:
                  path: .locations[*]
                  check: { path: .n, gte: 1 }
            """
        XCTAssertEqual(verdict(nested, asset, kind: "nginx", schemaless: true)?.verdict, .pass)
        let flat = "some: { path: \"nginx.servers[*].locations[*]\", check: { path: .n, equals: 1 } }"
        XCTAssertEqual(verdict(flat, asset, kind: "nginx", schemaless: true)?.verdict, .pass)
        let root = "every: { path: \"nginx.servers[*].locations[*]\", check: { path: $.nginx.min, equals: 2 } }"
        XCTAssertEqual(verdict(root, asset, kind: "nginx", schemaless: true)?.verdict, .pass)
    }

    func testWildcardOverAScalarIsAnError() {
        let o = verdict("every: { path: \"php.ini[*]\", check: { path: ., equals: 1 } }", .object([("php", .object([("ini", "flat")]))]))
        XCTAssertEqual(o?.verdict, .error)
        XCTAssertEqual(o?.message, "php.ini is string, not an array or object")
    }

    func testSomeOverObjectValuesStopsAtTheFirstMatchButEvidenceSeesAll() {
        let asset: Value = .object([
            ("php", .object([("pools", .object([("a", .object([("u", "root")])), ("b", .object([("u", "x")])), ("c", .object([("u", "root")]))]))]))
        ])
        XCTAssertEqual(verdict("some: { path: \"php.pools[*]\", check: { path: .u, equals: root } }", asset, schemaless: true)?.verdict, .pass)
        let o = verdict("none: [ { some: { path: \"php.pools[*]\", check: { path: .u, equals: root } } } ]", asset, schemaless: true)
        XCTAssertEqual(o?.verdict, .fail)
        XCTAssertEqual(o?.evidence.map(\.path), ["php.pools.a.u", "php.pools.c.u"])
    }

    func testObjectValuesWildcard() {
        let asset: Value = .object([("php", .object([("pools", .object([("www", .object([("user", "www-data")])), ("admin", .object([("user", "root")]))]))]))])
        let o = verdict("every: { path: \"php.pools[*]\", check: { path: .user, not_equals: root } }", asset, schemaless: true)
        XCTAssertEqual(o?.verdict, .fail)
        XCTAssertEqual(o?.evidence.first?.path, "php.pools.admin.user")
    }
}

final class SetAndTextOperatorTests: XCTestCase {
    func arr(_ xs: [Value]) -> Value { php([("l", .array(xs))]) }

    func testSets() {
        XCTAssertEqual(verdict("path: php.ini.l\nsubset_of: [a, b]", arr(["a"]))?.verdict, .pass)
        XCTAssertEqual(verdict("path: php.ini.l\nsubset_of: [a, b]", arr(["a", "c"]))?.verdict, .fail)
        XCTAssertEqual(verdict("path: php.ini.l\nsuperset_of: [a, b]", arr(["b", "a", "c"]))?.verdict, .pass)
        XCTAssertEqual(verdict("path: php.ini.l\ndisjoint_from: [x]", arr(["a"]))?.verdict, .pass)
        XCTAssertEqual(verdict("path: php.ini.l\ndisjoint_from: [x]", arr(["x"]))?.verdict, .fail)
        XCTAssertEqual(verdict("path: php.ini.l\nsubset_of: [a]", php([("l", "a")]))?.verdict, .error)
    }

    func testContains() {
        XCTAssertEqual(verdict("path: php.ini.l\ncontains: exec", arr(["exec", "system"]))?.verdict, .pass)
        XCTAssertEqual(verdict("path: php.ini.l\nnot_contains: exec", php([("l", "exec,system")]))?.verdict, .fail)
        XCTAssertEqual(verdict("path: php.ini.l\ncontains: 1", arr([1.0]))?.verdict, .pass)
    }

    func testMatches() {
        XCTAssertEqual(verdict("path: php.ini.s\nmatches: \"^max-age=[0-9]{7,}\"", php([("s", "max-age=63072000")]))?.verdict, .pass)
        XCTAssertEqual(verdict("path: php.ini.s\nnot_matches: \"(?i)debug\"", php([("s", "DEBUG=1")]))?.verdict, .fail)
        XCTAssertEqual(verdict("path: php.ini.s\nas: lower\nmatches: \"^on$\"", php([("s", "ON")]))?.verdict, .pass)
        XCTAssertEqual(verdict("path: php.ini.s\nmatches: \"x\"", php([("s", 5)]))?.verdict, .error)
    }

    func testLengthAndType() {
        XCTAssertEqual(verdict("path: php.ini.s\nlength: { gte: 32 }", php([("s", .string(String(repeating: "k", count: 32)))]))?.verdict, .pass)
        XCTAssertEqual(verdict("path: php.ini.l\nlength: { equals: 0 }", arr([]))?.verdict, .pass)
        XCTAssertEqual(verdict("path: php.ini.s\nlength: { gt: 3 }", php([("s", "héé")]))?.verdict, .fail)
        XCTAssertEqual(verdict("path: php.ini.s\ntype: number", php([("s", 2.5)]))?.verdict, .pass)
        XCTAssertEqual(verdict("path: php.ini.s\ntype: string", php([("s", .null)]))?.verdict, .fail)
    }

    func testVersions() {
        let asset = Value.object([("php", .object([("version", "8.1.0RC1")]))])
        XCTAssertEqual(verdict("path: php.version\nversion_lt: \"8.1.0\"", asset)?.verdict, .pass)
        XCTAssertEqual(verdict("path: php.version\nversion_gte: 8.1", asset)?.verdict, .pass)
        XCTAssertEqual(verdict("path: php.version\nversion_equals: 8.1.0rc1", asset)?.verdict, .pass)
        XCTAssertEqual(verdict("path: php.version\nversion_gt: \"8.1.0pl1\"", asset)?.verdict, .fail)
    }
}

final class ParamAndDatasetTests: XCTestCase {
    func testParamsAndTailoring() {
        let p = policy("path: php.ini.t\nas: int\nlte: {param: max}", params: "max: 1800")
        let asset = php([("t", "1440")])
        let base = compile(["p.yaml": p]).program!
        XCTAssertEqual(RuleEvaluator.evaluate(base.rules[0], on: AssetView(name: "a", merged: asset)).verdict, .pass)
        let tailored = compile(["p.yaml": p, "org.yaml": "gavel: tailoring/v1\nparams: { test.policy.max: 900 }\n"]).program!
        XCTAssertEqual(RuleEvaluator.evaluate(tailored.rules[0], on: AssetView(name: "a", merged: asset)).verdict, .fail)
        XCTAssertEqual(tailored.parameters.first?.value, .int(900))
        // explain names the parameter (the key a tailoring file sets) and whether one did.
        XCTAssertEqual(Explain.describe(base.rules[0].check, indent: 0), "php.ini.t (read as int) is at most 1800 (parameter test.policy.max)\n")
        XCTAssertEqual(
            Explain.describe(tailored.rules[0].check, indent: 0),
            "php.ini.t (read as int) is at most 900 (parameter test.policy.max, set by tailoring)\n")
        // The bound of a count or a length, too; an object operand that happens to have a
        // "param" key one level down is a literal, not a parameter.
        let bounds = compile([
            "p.yaml": policy(
                """
                all:
                  - { count: { path: "php.extensions[*]", gte: { param: n } } }
                  - { path: php.extensions, length: { lte: { param: n } } }
                  - { path: php.ini, equals: { x: { param: n } } }
                """, params: "n: 2")
        ]).program!
        XCTAssertEqual(
            Explain.describe(bounds.rules[0].check, indent: 0),
            """
            all of:
              the number of elements of php.extensions[*] is at least 2 (parameter test.policy.n)
              php.extensions has a length that is at most 2 (parameter test.policy.n)
              php.ini equals {"x":{"param":"n"}}

            """)
    }

    func testDisableNeedsReason() {
        let p = policy("path: php.ini.t\nexists: true")
        XCTAssertEqual(errors(["p.yaml": p, "org.yaml": "gavel: tailoring/v1\ndisable: [R1]\n"]), ["2:11 missing-reason"])
        let ok = compile(["p.yaml": p, "org.yaml": "gavel: tailoring/v1\ndisable: [R1]\nreasons: { R1: handled by WAF }\n"]).program!
        XCTAssertEqual(ok.enabledRules.count, 0)
        XCTAssertEqual(ok.disabled.first?.reason, "handled by WAF")
    }

    func testAdvisories() {
        let p = policy("every: { path: \"wordpress.plugins[*]\", check: { path: ., advisories: wp } }", kind: "wordpress")
        let data = #"[{"id": "ADV-1", "slug": "forms", "affected": "<2.4.1", "fixed_in": "2.4.1", "title": "XSS"}]"#
        let program = compile(["p.yaml": p, "data/wp.json": data]).program!
        func run(_ version: String) -> RuleOutcome {
            let asset: Value = .object([("wordpress", .object([("plugins", .array([.object([("slug", "forms"), ("version", .string(version))])]))]))])
            return RuleEvaluator.evaluate(program.rules[0], on: AssetView(name: "a", merged: asset))
        }
        XCTAssertEqual(run("2.4.1").verdict, .pass)
        let bad = run("2.3.9")
        XCTAssertEqual(bad.verdict, .fail)
        XCTAssertTrue(bad.evidence.first?.note?.contains("ADV-1") ?? false)
    }
}

final class WordfenceFeedTests: XCTestCase {
    func testFeedRecordsBecomeAdvisoriesWithTheirBounds() throws {
        let feed =
            #"{"abc": {"id": "abc", "title": "T", "cve": "CVE-2024-1", "cvss": {"rating": "High"}, "software": [{"type": "plugin", "slug": "p", "patched_versions": ["2.0"], "affected_versions": {"x": {"from_version": "1.0", "from_inclusive": false, "to_version": "2.0", "to_inclusive": false}}}, {"type": "core", "slug": "wordpress", "affected_versions": {"*": {"from_version": "*", "to_version": "*"}}}]}}"#
        let out = compile(["p.yaml": policy("{ path: php.ini.x, exists: true }"), "data/feed.json": feed])
        XCTAssertEqual(out.errors.map(\.description), [])
        let entries = WordfenceFeed.entries(try JSONDocument.parse(feed).toValue())
        XCTAssertEqual(entries.count, 1, "core entries are not plugin or theme advisories")
        XCTAssertEqual(entries.first?["affected"], ">1.0 <2.0")
        XCTAssertEqual(entries.first?["id"], "CVE-2024-1")
        XCTAssertEqual(entries.first?["severity"], "high")
        XCTAssertEqual(entries.first?["fixed_in"], "2.0")
    }
}
