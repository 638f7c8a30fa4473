import GavelCore
import XCTest

@testable import GavelEngine

/// `gavel test` runs the rules as the folder compiles them: tailored parameters apply, a
/// disabled rule is still tested, and coverage counts only expectations that held.
final class TestRunnerTests: XCTestCase {
    private let rules = """
        gavel: policy/v1
        id: php.session
        kind: php
        params: { max_seconds: 1800 }
        rules:
          - { id: LIFE-001, title: t, severity: low, controls: [t:C1], remediation: { summary: s },
              check: { path: php.ini.lifetime, as: int, lte: { param: max_seconds } } }
          - { id: TAGS-001, title: t, severity: low, controls: [t:C1], remediation: { summary: s },
              check: { path: php.ini.short_open_tag, as: bool, equals: false } }
        tests:
          - name: 1440 seconds is within the limit
            asset: { php: { ini: { lifetime: "1440", short_open_tag: "Off" } } }
            expect: { LIFE-001: pass, TAGS-001: pass }
          - name: short tags on fails
            asset: { php: { ini: { lifetime: "1440", short_open_tag: "On" } } }
            expect: { TAGS-001: fail }
        """

    private func runTests(_ extra: [String: String] = [:]) throws -> TestRunner.Report {
        let out = compile(["p.yaml": rules].merging(extra) { $1 }, schemaless: true)
        return TestRunner.run(try XCTUnwrap(out.program, "\(out.errors)"))
    }

    func testFailuresCarryTheObservedVerdictAndCoverageCountsOnlyExpectationsThatHeld() throws {
        let report = try runTests()
        XCTAssertEqual(report.tests, 2)
        XCTAssertEqual(report.checks, 3)
        XCTAssertTrue(report.failures.isEmpty)
        XCTAssertEqual(report.lackingPass, [])
        XCTAssertEqual(report.lackingFail, ["LIFE-001"])
    }

    func testTailoredParametersApplyToTests() throws {
        let report = try runTests(["tailoring.yaml": "gavel: tailoring/v1\nparams: { php.session.max_seconds: 900 }\n"])
        XCTAssertEqual(
            report.failures.map { "\($0.rule): expected \($0.expected.rawValue), got \($0.observed.verdict.rawValue)" },
            ["LIFE-001: expected pass, got fail"])
        // The expectation did not hold, so it covers nothing.
        XCTAssertEqual(report.lackingPass, ["LIFE-001"])
    }

    func testARuleTailoringDisablesIsStillTested() throws {
        let report = try runTests([
            "tailoring.yaml": """
            gavel: tailoring/v1
            disable: [TAGS-001]
            reasons: { TAGS-001: "legacy templates use short tags" }
            """
        ])
        XCTAssertEqual(report.checks, 3)
        XCTAssertTrue(report.failures.isEmpty)
        XCTAssertFalse(report.lackingFail.contains("TAGS-001"))
    }
}
