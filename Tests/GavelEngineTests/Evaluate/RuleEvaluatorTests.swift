import Foundation
import GavelCore
import XCTest

@testable import GavelEngine

/// A run evaluates every enabled rule from the program's single plan; a test or `explain`
/// evaluates one rule from its own plan. Both must give the same outcome.
final class RuleEvaluatorTests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    private func same(_ a: RuleOutcome, _ b: RuleOutcome, _ what: String) {
        XCTAssertEqual(a.verdict, b.verdict, what)
        XCTAssertEqual(a.message, b.message, what)
        XCTAssertEqual(a.evidence.map(\.path), b.evidence.map(\.path), what)
        XCTAssertEqual(a.omitted, b.omitted, what)
    }

    func testTheProgramPlanAgreesWithEachRulesOwnPlanOnTheShippedSamples() throws {
        let program = try XCTUnwrap(Compiler.compile(path: Self.repo + "/Policies").program)
        var verdicts: Set<Verdict> = []
        for unit in SnapshotPlan.make([Self.repo + "/Snapshots"]).units {
            let asset = try unit.load().get()
            let all = RuleEvaluator.evaluate(program, on: asset.view)
            XCTAssertEqual(all.count, program.enabledRules.count)
            for (rule, outcome) in zip(program.enabledRules, all) {
                same(outcome, RuleEvaluator.evaluate(rule, on: asset.view), "\(rule.id) on \(asset.name)")
                verdicts.insert(outcome.verdict)
            }
        }
        // The samples exercise every verdict, so a plan entry mixed up with another shows.
        XCTAssertEqual(verdicts, [.pass, .fail, .notApplicable, .error])
    }

    /// Kinds, `when` and tailoring: entry i of the program's plan must be enabled rule i.
    func testEntriesFollowTheEnabledRulesKindsAndWhen() throws {
        let php = """
            gavel: policy/v1
            id: p
            kind: php
            rules:
              - { id: P1, title: a, severity: low, controls: [t:C1], check: { path: php.a, equals: 1 }, remediation: { summary: x } }
              - { id: P2, title: b, severity: low, controls: [t:C1], check: { path: php.a, equals: 2 }, remediation: { summary: x } }
              - id: P3
                title: c
                severity: low
                controls: [t:C1]
                when: { path: php.b, exists: true }
                check: { path: php.b, equals: 1 }
                remediation: { summary: x }
            """
        let nginx = """
            gavel: policy/v1
            id: n
            kind: nginx
            rules:
              - { id: N1, title: d, severity: low, controls: [t:C1], check: { path: nginx.x, equals: 1 }, remediation: { summary: x } }
            """
        let tailoring = "gavel: tailoring/v1\ndisable: [P1]\nreasons: { P1: not ours }\n"
        // Files in path order: n.yaml's rule comes first.
        let program = try XCTUnwrap(compile(["p.yaml": php, "n.yaml": nginx, "t.yaml": tailoring], schemaless: true).program)
        XCTAssertEqual(program.enabledRules.map(\.id), ["N1", "P2", "P3"])
        let cases: [(Value, [Verdict])] = [
            (.object([("php", .object([("a", .int(2))]))]), [.notApplicable, .pass, .notApplicable]),
            (.object([("php", .object([("a", .int(1)), ("b", .int(3))]))]), [.notApplicable, .fail, .fail]),
            (.object([("php", .object([("b", .int(1))])), ("nginx", .object([("x", .int(1))]))]), [.pass, .error, .pass]),
            (.object([("nginx", .object([("x", .int(0))]))]), [.fail, .notApplicable, .notApplicable]),
        ]
        for (asset, want) in cases {
            let view = AssetView(name: "a", merged: asset)
            let all = RuleEvaluator.evaluate(program, on: view)
            XCTAssertEqual(all.map(\.verdict), want, "\(asset)")
            for (rule, outcome) in zip(program.enabledRules, all) { same(outcome, RuleEvaluator.evaluate(rule, on: view), rule.id) }
        }
    }
}
