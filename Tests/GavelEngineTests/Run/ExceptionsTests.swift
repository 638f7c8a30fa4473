import Foundation
import GavelCore
import XCTest

@testable import GavelEngine
@testable import GavelResults

/// Waivers and attestations, compiled and applied to a run.
final class ExceptionsTests: XCTestCase {
    private let policy = """
        gavel: policy/v1
        id: p
        kind: php
        rules:
          - { id: R, title: r, severity: high, controls: [t:C1], check: { path: php.ini.x, equals: "1" } }
          - { id: S, title: s, severity: low, controls: [t:C1], check: { path: php.ini.y, equals: "1" } }
        """
    private let catalog = """
        gavel: controls/v1
        framework: t
        title: T
        controls:
          - { id: C1, title: First }
          - { id: C2, title: Training, manual: true }
        """

    private func waiver(_ rule: String = "R", assets: String = "[b]", expires: String = "2026-12-31", reason: String = "vendor fix pending") -> String {
        "  - { rule: \(rule), assets: \(assets), reason: \"\(reason)\", approved_by: ciso@example.com, expires: \(expires) }\n"
    }

    /// Compiles the policy with the given waivers and attestations and runs it over assets a
    /// (x=1, y=1: passes) and b (x=2, no y: R fails, S errs), judged on `asOf`.
    private func run(waivers: String = "", attestations: String = "", asOf: String = "2026-11-23") -> ResultsDocument {
        var files = ["p.yaml": policy, "controls.yaml": catalog]
        if !waivers.isEmpty { files["w.yaml"] = "gavel: waivers/v1\nwaivers:\n" + waivers }
        if !attestations.isEmpty { files["a.yaml"] = "gavel: attestations/v1\nattestations:\n" + attestations }
        let out = compile(files)
        XCTAssertTrue(out.errors.isEmpty, "\(out.errors)")
        func snap(_ asset: String, _ ini: String) -> String {
            #"{"gavel": "snapshot/v1", "asset": "\#(asset)", "kind": "php", "data": {"ini": \#(ini)}}"#
        }
        let dir = writeTree(["a/php.json": snap("a", #"{"x": "1", "y": "1"}"#), "b/php.json": snap("b", #"{"x": "2"}"#)])
        return ResultsDocument(run: Runner.run(out.program!, SnapshotPlan.make([dir]), jobs: 1), failOn: .info, asOf: Day(asOf)!)
    }

    private func verdicts(_ d: ResultsDocument) -> [String] { d.entries.map { "\($0.rule)@\($0.asset)=\($0.verdict.rawValue)" } }

    func testAWaiverInForceTurnsAFailureIntoWaivedAndTheControlPasses() {
        let d = run(waivers: waiver())
        XCTAssertEqual(verdicts(d), ["R@a=pass", "S@a=pass", "R@b=waived", "S@b=error"])
        XCTAssertEqual(d.entries[2].waiver, 0)
        XCTAssertEqual(d.waivers[0].applied, 1)
        XCTAssertEqual(d.waivers[0].status, .active)
        // C1 on b: R waived (counts as passing), S error -> error, not fail.
        XCTAssertEqual(d.controls.first { $0.ref.id == "C1" }?.assets.map(\.verdict), [.pass, .error])
        XCTAssertTrue(d.failing(atOrAbove: .high).isEmpty, "a waived failure does not gate")
    }

    func testTheExpiryDayIsIncludedAndTheDayAfterIsNot() {
        XCTAssertEqual(run(waivers: waiver(expires: "2026-11-23")).entries[2].verdict, .waived)
        let after = run(waivers: waiver(expires: "2026-11-22"))
        XCTAssertEqual(after.entries[2].verdict, .fail, "an expired waiver has no effect")
        XCTAssertEqual(after.entries[2].expiredWaiver, 0, "and is shown as expired")
        XCTAssertEqual(after.waivers[0].status, .expired)
        XCTAssertEqual(after.waivers[0].applied, 0)
        XCTAssertEqual(after.lapsing.count, 1)
        XCTAssertTrue(after.lapsing[0].contains("expired on 2026-11-22"), after.lapsing[0])
        XCTAssertEqual(after.failing(atOrAbove: .high).map(\.rule), ["R"])
    }

    func testExpiringWithinTheWindowIsStillInForceAndWarned() {
        let d = run(waivers: waiver(expires: "2026-12-10"))
        XCTAssertEqual(d.waivers[0].status, .expiring)
        XCTAssertEqual(d.entries[2].verdict, .waived)
        XCTAssertTrue(d.lapsing.first?.contains("expires 2026-12-10 (in 17 days)") == true, "\(d.lapsing)")
    }

    func testAWaiverNeverHidesAnError() {
        let d = run(waivers: waiver("S", assets: "[\"*\"]"))
        XCTAssertEqual(verdicts(d), ["R@a=pass", "S@a=pass", "R@b=fail", "S@b=error"])
        XCTAssertEqual(d.waivers[0].applied, 0)
    }

    func testPatternsAndTheLongestInForceWaiverWins() {
        XCTAssertTrue(Waiver.glob("clinic-*.example.com", "clinic-b.example.com"))
        XCTAssertFalse(Waiver.glob("clinic-*.example.com", "pharmacy-c.example.com"))
        XCTAssertTrue(Waiver.glob("*", "x"))
        XCTAssertFalse(Waiver.glob("a*a", "a"))
        let d = run(waivers: waiver(assets: "[\"b*\"]", expires: "2026-12-01") + waiver(assets: "[b]", expires: "2027-01-31", reason: "longer"))
        XCTAssertEqual(d.entries[2].waiver, 1)
        XCTAssertEqual(d.waivers.map(\.applied), [0, 1])
    }

    func testAPatternThatMatchesNoAssetIsAnError() {
        let d = run(waivers: waiver(assets: "[b, clinic-z.example.com]"))
        XCTAssertEqual(d.policyErrors.map(\.id), ["unknown-asset"])
        XCTAssertEqual(d.policyErrors.first?.location?.line, 3)
        XCTAssertTrue(d.policyErrors[0].message.contains("'clinic-z.example.com'"), d.policyErrors[0].message)
    }

    func testManualControlsAreJudgedByAttestationsOnly() {
        let att =
            "  - { control: t:C2, statement: Staff trained, attested_by: hr@example.com, date: 2026-09-01, expires: 2027-09-01, evidence: https://example.com/t.pdf }\n"
        let c2 = { (d: ResultsDocument) in d.controls.first { $0.ref.id == "C2" }! }
        XCTAssertEqual(c2(run()).verdict, .fail)
        XCTAssertEqual(c2(run()).note, "not attested")
        let attested = c2(run(attestations: att))
        XCTAssertEqual(attested.verdict, .pass)
        XCTAssertEqual(attested.note, "attested by hr@example.com on 2026-09-01, until 2027-09-01")
        let lapsed = run(attestations: att, asOf: "2027-09-02")
        XCTAssertEqual(c2(lapsed).verdict, .fail)
        XCTAssertEqual(c2(lapsed).note, "attestation expired on 2027-09-01")
        let early = c2(run(attestations: att, asOf: "2026-08-31"))
        XCTAssertEqual(early.verdict, .fail, "an attestation dated after the run does not count yet")
    }

    func testCompileErrorsNameTheFileLineAndID() {
        let bad = """
            gavel: waivers/v1
            waivers:
              - { rule: RR, assets: [b], reason: x, approved_by: y, expires: 2026-12-31 }
              - { rule: R, assets: [], reason: x, approved_by: y, expires: 2026-02-30 }
              - { rule: R, assets: [b], reason: "", approved_by: y, expires: 2026-12-31, until: 2027-01-01 }
            """
        let att = """
            gavel: attestations/v1
            attestations:
              - { control: t:C9, statement: s, attested_by: a, date: 2026-01-01 }
              - { control: t:C2, statement: s, attested_by: a, date: 2026-01-01, expires: 2025-01-01 }
              - { control: t:C2, attested_by: a, date: 2026-01-01 }
            """
        let got = errors(["p.yaml": policy, "controls.yaml": catalog, "w.yaml": bad, "a.yaml": att]).sorted()
        // Waivers: unknown rule (3:13), empty assets (4:24), 2026-02-30 (4:64), empty reason
        // (5:37), unknown key `until` (5:78). Attestations: unknown control (3:16), expires
        // before its date (4:70), no statement (5:5).
        XCTAssertEqual(
            got,
            [
                "3:13 unknown-rule", "3:16 unknown-control", "4:24 bad-asset-pattern", "4:64 bad-date",
                "4:70 bad-date", "5:37 missing-key", "5:5 missing-key", "5:78 unknown-key",
            ], "\(got)")
        let automated = compile([
            "p.yaml": policy, "controls.yaml": catalog,
            "a.yaml": "gavel: attestations/v1\nattestations:\n  - { control: t:C1, statement: s, attested_by: a, date: 2026-01-01 }\n",
        ])
        XCTAssertEqual(automated.diagnostics.map(\.id).filter { $0.hasPrefix("attestation") }, ["attestation-for-automated-control"])
        XCTAssertNotNil(automated.program)
    }
}
