import Foundation
import GavelCore
import GavelResults
import XCTest

@testable import GavelEngine

/// How `PolicyDiff` classifies verdict, control and rule changes, and what each gate trips on.
final class PolicyDiffTests: XCTestCase {
    /// One rule R on php.ini.x, with the given check, severity and controls.
    private func set(_ check: String, severity: String = "medium", controls: String = "[t:C1]", extra: String = "", tailoring: String? = nil) -> Program {
        let yaml = """
            gavel: policy/v1
            id: p
            kind: php
            rules:
              - id: R
                title: r
                severity: \(severity)
                controls: \(controls)
                check: \(check)
            \(extra)
            """
        var files = ["p.yaml": yaml]
        if let tailoring { files["t.yaml"] = tailoring }
        let out = compile(files)
        XCTAssertTrue(out.errors.isEmpty, "\(out.errors)")
        return out.program!
    }

    private let other = """
          - id: S
            title: s
            severity: low
            controls: [t:C2]
            check: { path: php.ini.y, equals: "1", missing: fail }
        """

    /// Two assets: a has x=1, y=1; b has x=2 and no y (S fails there: `missing: fail`).
    private func diff(_ base: Program, _ head: Program) -> PolicyDiff {
        func snap(_ asset: String, _ ini: String) -> String {
            #"{"gavel": "snapshot/v1", "asset": "\#(asset)", "kind": "php", "data": {"ini": \#(ini)}}"#
        }
        let dir = writeTree(["a/php.json": snap("a", #"{"x": "1", "y": "1"}"#), "b/php.json": snap("b", #"{"x": "2"}"#)])
        let runs = Runner.run([base, head], SnapshotPlan.make([dir]), jobs: 2)
        return PolicyDiff(base: ResultsDocument(run: runs[0], failOn: nil), head: ResultsDocument(run: runs[1], failOn: nil))
    }

    private func changes(_ d: PolicyDiff) -> [String] {
        d.verdicts.map {
            "\($0.rule)@\($0.asset) \($0.base?.rawValue ?? "absent")->\($0.head?.rawValue ?? "absent") \($0.kind.rawValue)\($0.isRegression ? " regression" : "")"
        }
    }

    func testPassToFailAndPassToErrorAreRegressions() {
        let d = diff(set(#"{ path: php.ini.x, in: ["1", "2"] }"#), set(#"{ path: php.ini.y, equals: "2" }"#))
        XCTAssertEqual(changes(d), ["R@a pass->fail newly_failing regression", "R@b pass->error newly_erroring regression"])
        XCTAssertEqual(d.regressions, 2)
        XCTAssertEqual(d.tripped(.regressions, atOrAbove: .info).verdicts.count, 2)
        XCTAssertEqual(d.tripped(.regressions, atOrAbove: .high).verdicts.count, 0, "R is medium")
    }

    func testFailToPassIsNotARegressionAndTripsOnlyTheChangesGate() {
        let d = diff(set(#"{ path: php.ini.x, equals: "2" }"#), set(#"{ path: php.ini.x, in: ["1", "2"] }"#))
        XCTAssertEqual(changes(d), ["R@a fail->pass newly_passing"])
        XCTAssertTrue(d.tripped(.regressions, atOrAbove: .info).verdicts.isEmpty)
        XCTAssertTrue(d.tripped(.failures, atOrAbove: .info).verdicts.isEmpty)
        XCTAssertEqual(d.tripped(.changes, atOrAbove: .info).verdicts.count, 1)
        XCTAssertEqual(d.controls.map { "\($0.ref) \($0.base!)->\($0.head!)" }, ["t:C1 fail->pass"])
        XCTAssertTrue(d.tripped(.none, atOrAbove: .info).verdicts.isEmpty)
    }

    func testANewFailingRuleIsANewFailureButNoRegression() {
        let d = diff(set(#"{ path: php.ini.x, in: ["1", "2"] }"#), set(#"{ path: php.ini.x, in: ["1", "2"] }"#, extra: other))
        XCTAssertEqual(changes(d), ["S@a absent->pass newly_passing", "S@b absent->fail newly_failing"])
        XCTAssertEqual(d.rules.map(\.rule), ["S"])
        XCTAssertEqual(d.rules.first?.aspects, [.added])
        XCTAssertTrue(d.tripped(.regressions, atOrAbove: .info).verdicts.isEmpty)
        XCTAssertEqual(d.tripped(.failures, atOrAbove: .info).verdicts.map(\.asset), ["b"])
        XCTAssertEqual(
            d.tripped(.failures, atOrAbove: .info).controls.map { "\($0.0.ref)@\($0.1.asset)" }, ["t:C2@b"],
            "C2 had no rule before; now it fails on b")
    }

    func testARemovedRuleIsNoLongerEvaluatedWhereItApplied() {
        let d = diff(set(#"{ path: php.ini.x, equals: "1" }"#, extra: other), set(#"{ path: php.ini.x, equals: "1" }"#))
        XCTAssertEqual(changes(d), ["S@a pass->absent no_longer_evaluated", "S@b fail->absent no_longer_evaluated"])
        XCTAssertEqual(d.rules.first?.aspects, [.removed])
    }

    func testRemappingAFailingRuleRegressesTheControlItJoins() {
        let d = diff(
            set(#"{ path: php.ini.x, equals: "1" }"#, controls: "[t:C1]", extra: other),
            set(#"{ path: php.ini.x, equals: "1" }"#, controls: "[t:C1, t:C2]", extra: other))
        XCTAssertTrue(d.verdicts.isEmpty, "no rule verdict changes")
        XCTAssertEqual(d.rules.first?.aspects, [.controls(added: ["t:C2"], removed: [])])
        // R fails on b only; S passes on a and fails on b. So C2 on a stays pass (R passes
        // there) and on b it failed already: no control verdict changes either.
        XCTAssertTrue(d.controls.isEmpty)
        // With a C2 rule that passes on b, mapping R (failing on b) to C2 regresses C2 on b.
        let passing = """
              - id: S
                title: s
                severity: low
                controls: [t:C2]
                check: { path: php.ini.x, in: ["1", "2"] }
            """
        let d2 = diff(
            set(#"{ path: php.ini.x, equals: "1" }"#, controls: "[t:C1]", extra: passing),
            set(#"{ path: php.ini.x, equals: "1" }"#, controls: "[t:C1, t:C2]", extra: passing))
        XCTAssertTrue(d2.verdicts.isEmpty)
        let c2 = d2.controls.first { $0.ref.description == "t:C2" }
        XCTAssertEqual(c2?.assets.map { "\($0.asset) \($0.base!)->\($0.head!)" }, ["b pass->fail"])
        XCTAssertEqual(d2.tripped(.regressions, atOrAbove: .info).controls.map { "\($0.0.ref)@\($0.1.asset)" }, ["t:C2@b"])
        XCTAssertEqual(d2.tripped(.regressions, atOrAbove: .info).controls.first?.1.severity, .medium, "R's severity")
    }

    func testSeverityChangeAndTailoringAreRuleChanges() {
        let tailoring = "gavel: tailoring/v1\ndisable: [S]\nreasons: { S: \"not ours\" }\n"
        let base = set(#"{ path: php.ini.x, equals: "1" }"#, extra: other)
        let head = set(#"{ path: php.ini.x, equals: "1" }"#, severity: "high", extra: other, tailoring: tailoring)
        let d = diff(base, head)
        XCTAssertEqual(d.rules.map(\.rule), ["R", "S"])
        XCTAssertEqual(d.rules[0].aspects, [.severity(from: .medium, to: .high)])
        XCTAssertEqual(d.rules[1].aspects, [.disabled(reason: "not ours")])
        XCTAssertEqual(d.tripped(.changes, atOrAbove: .high).rules.map(\.rule), ["R"], "S is low")
    }

    func testBothProgramsShareOneParseOfEachSnapshot() {
        let p = set(#"{ path: php.ini.x, equals: "1" }"#)
        let dir = writeTree(["a/php.json": #"{"gavel": "snapshot/v1", "asset": "a", "kind": "php", "data": {"ini": {"x": "1"}}}"#])
        let one = Runner.run(p, SnapshotPlan.make([dir]), jobs: 1)
        let two = Runner.run([p, p], SnapshotPlan.make([dir]), jobs: 1)
        XCTAssertEqual(two.map(\.bytesParsed), [one.bytesParsed, one.bytesParsed], "bytes parsed once, not twice")
        XCTAssertEqual(two[1].assets.first?.outcomes.first?.verdict, .pass)
    }
}
