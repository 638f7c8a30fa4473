import Foundation
import GavelCore
import GavelResults
import XCTest

@testable import GavelEngine

/// A part a collector declares `unavailable` makes every rule reading it `error`, never
/// `pass`, whatever `missing:`, `exists` or an empty quantifier would otherwise say.
final class UnavailableTests: XCTestCase {
    /// A php-kind asset with `ini.a = 1`, where `ini.hidden` and `/modules` are unavailable.
    private func outcome(
        _ check: String, unavailable: [(pointer: String, reason: String)] = [("/ini/hidden", "needs read_users"), ("/modules", "needs root")],
        file: StaticString = #filePath, line: UInt = #line
    ) -> RuleOutcome? {
        let out = compile(["p.yaml": policy(check)], schemaless: true)
        guard let program = out.program else {
            XCTFail("compile failed: \(out.diagnostics.map(\.description))", file: file, line: line)
            return nil
        }
        let asset = Value.object([("php", .object([("ini", .object([("a", .int(1))]))]))])
        return RuleEvaluator.evaluate(program.rules[0], on: AssetView(name: "a", merged: asset, unavailable: ["php": unavailable]))
    }

    func testLeafOnUnavailablePartIsErrorWithTheReason() {
        let o = outcome("{ path: php.ini.hidden, equals: 1 }")
        XCTAssertEqual(o?.verdict, .error)
        XCTAssertEqual(o?.message, "not collectable: needs read_users (/ini/hidden)")
        XCTAssertEqual(o?.evidence.first?.path, "php.ini.hidden")
    }

    func testMissingPassDoesNotTurnUnavailableIntoPass() {
        XCTAssertEqual(outcome("{ path: php.ini.hidden, equals: 1, missing: pass }")?.verdict, .error)
        XCTAssertEqual(outcome("{ path: php.ini.hidden, equals: 1, missing: fail }")?.verdict, .error)
    }

    func testExistsOnUnavailablePartIsError() {
        XCTAssertEqual(outcome("{ path: php.ini.hidden, exists: false }")?.verdict, .error)
        XCTAssertEqual(outcome("{ path: php.ini.hidden, exists: true }")?.verdict, .error)
    }

    func testPathsBelowAnUnavailablePartAreUnavailableToo() {
        let o = outcome("{ path: php.modules.opcache.enabled, equals: true, missing: pass }")
        XCTAssertEqual(o?.verdict, .error)
        XCTAssertEqual(o?.message, "not collectable: needs root (/modules)")
    }

    func testQuantifiersOverUnavailablePartAreErrorNotVacuouslyTrue() {
        XCTAssertEqual(outcome("every: { path: \"php.modules[*]\", check: { path: ., equals: 1 } }")?.verdict, .error)
        XCTAssertEqual(outcome("count: { path: \"php.modules[*]\", lte: 0 }")?.verdict, .error)
        XCTAssertEqual(outcome("every: { path: \"php.modules[*]\", missing: pass, check: { path: ., equals: 1 } }")?.verdict, .error)
    }

    func testCollectedSiblingsStillDecide() {
        XCTAssertEqual(outcome("{ path: php.ini.a, equals: 1 }")?.verdict, .pass)
        XCTAssertEqual(outcome("{ path: php.ini.a, equals: 2 }")?.verdict, .fail)
        // An absent part nobody declared keeps the ordinary missing-value rules.
        XCTAssertEqual(outcome("{ path: php.ini.other, equals: 1, missing: pass }")?.verdict, .pass)
        // A known failure is not hidden by an unknown part (three-valued `all`).
        XCTAssertEqual(outcome("all: [{ path: php.ini.a, equals: 2 }, { path: php.ini.hidden, equals: 1 }]")?.verdict, .fail)
        XCTAssertEqual(outcome("all: [{ path: php.ini.a, equals: 1 }, { path: php.ini.hidden, equals: 1 }]")?.verdict, .error)
    }

    /// `php.pools[*].items[*]` where the items of one pool could not be read.
    private func nested(_ check: String, items: [Value], gapFirst: Bool) -> RuleOutcome? {
        let program = compile(["p.yaml": policy(check)], schemaless: true).program!
        let readable = Value.object([("items", .array(items))])
        let empty = Value.object([Value.Member]())
        let pools: [Value] = gapFirst ? [empty, readable] : [readable, empty]
        let asset = Value.object([("php", .object([("pools", .array(pools))]))])
        let pointer = gapFirst ? "/pools/0/items" : "/pools/1/items"
        return RuleEvaluator.evaluate(program.rules[0], on: AssetView(name: "a", merged: asset, unavailable: ["php": [(pointer, "needs root")]]))
    }

    func testAnUnreadableElementIsUnknownWhateverItsPosition() {
        let every = "every: { path: \"php.pools[*].items[*]\", check: { path: ., equals: 1 } }"
        let some = "some: { path: \"php.pools[*].items[*]\", check: { path: ., equals: 1 } }"
        for gapFirst in [true, false] {
            // A known failing element decides `every`; a known passing one decides `some`.
            XCTAssertEqual(nested(every, items: [2], gapFirst: gapFirst)?.verdict, .fail, "gap first: \(gapFirst)")
            XCTAssertEqual(nested(some, items: [1], gapFirst: gapFirst)?.verdict, .pass, "gap first: \(gapFirst)")
            // Otherwise the unreadable element leaves it undecided, with the reason.
            let o = nested(every, items: [1], gapFirst: gapFirst)
            XCTAssertEqual(o?.verdict, .error, "gap first: \(gapFirst)")
            XCTAssertTrue(o?.message?.hasPrefix("not collectable: needs root") ?? false, "\(String(describing: o?.message))")
            XCTAssertEqual(nested("count: { path: \"php.pools[*].items[*]\", gte: 1 }", items: [1], gapFirst: gapFirst)?.verdict, .error)
        }
    }

    // MARK: The snapshot envelope

    private func load(_ unavailable: String) -> Result<LoadedSnapshot, Diagnostic> {
        let json = #"{"gavel":"snapshot/v1","asset":"s","kind":"shopify","data":{"shop":{"name":"x"}},"unavailable":\#(unavailable)}"#
        return Array(json.utf8).withUnsafeBytes { LoadedSnapshot.parse($0, source: "s.json") }
    }

    func testEnvelopeUnavailableIsReadAndAnchored() throws {
        let snap = try load(#"{"/staff":"needs read_users","/shop/plan":"not a Plus store"}"#).get()
        XCTAssertEqual(snap.unavailable.map(\.pointer), ["/staff", "/shop/plan"])
        let asset = try LoadedAsset.merge([snap]).get()
        XCTAssertEqual(asset.view.gaps.map(\.token).sorted(), ["plan", "staff"])
    }

    func testEnvelopeUnavailableMistakesAreInputErrors() {
        for (bad, expected) in [
            (#"{"/shop/name":"x"}"#, "names a value that \"data\" has"),
            (#"{"staff":"x"}"#, "not a JSON Pointer"),
            (#"{"/staff":""}"#, "non-empty string"),
            (#"["/staff"]"#, "must be an object"),
        ] {
            guard case .failure(let e) = load(bad) else { XCTFail("accepted \(bad)"); continue }
            XCTAssertEqual(e.id, "bad-snapshot")
            XCTAssertTrue(e.message.contains(expected), "\(bad): \(e.message)")
        }
    }

    // MARK: Policy tests can declare unavailable parts

    func testPolicyTestsDeclareUnavailableParts() {
        let yaml =
            policy("{ path: php.ini.hidden, equals: 1, missing: pass }") + """

                tests:
                  - name: unreadable
                    asset: { php: { ini: {} } }
                    unavailable: { php: { /ini/hidden: needs root } }
                    expect: { R1: error }
                  - name: merely absent
                    asset: { php: { ini: {} } }
                    expect: { R1: pass }
                """
        let out = compile(["p.yaml": yaml], schemaless: true)
        guard let program = out.program else { return XCTFail("\(out.diagnostics.map(\.description))") }
        let report = TestRunner.run(program)
        XCTAssertEqual(report.checks, 2)
        XCTAssertTrue(report.failures.isEmpty, "\(report.failures.map { "\($0.test.name): \($0.observed.verdict)" })")
    }

    func testPolicyTestUnavailableForAKindTheAssetLacksIsAnError() {
        let yaml =
            policy("{ path: php.ini.a, equals: 1 }") + """

                tests:
                  - name: t
                    asset: { php: { ini: {} } }
                    unavailable: { nginx: { /servers: x } }
                    expect: { R1: fail }
                """
        XCTAssertEqual(compile(["p.yaml": yaml], schemaless: true).errors.map(\.id), ["unknown-kind"])
    }
}
