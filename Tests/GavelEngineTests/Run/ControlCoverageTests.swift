import Foundation
import GavelCore
import GavelResults
import XCTest

@testable import GavelEngine

final class ControlCoverageTests: XCTestCase {
    func testEachControlIsAutomatedManualOrNeither() {
        let catalog = """
            gavel: controls/v1
            framework: t
            title: T
            controls:
              - { id: C1, title: Automated }
              - { id: C2, title: Trained, manual: true }
              - { id: C3, title: Reviewed, manual: true }
              - { id: C4, title: Nothing }
              - { id: C5, title: Only a disabled rule }
            """
        let policy = """
            gavel: policy/v1
            id: p
            kind: php
            rules:
              - { id: R, title: r, severity: low, controls: [t:C1], check: { path: php.ini.x, equals: "1" } }
              - { id: S, title: s, severity: low, controls: [t:C5], check: { path: php.ini.y, equals: "1" } }
            """
        let files = [
            "controls.yaml": catalog, "p.yaml": policy,
            "t.yaml": "gavel: tailoring/v1\ndisable: [S]\nreasons: { S: not here }\n",
            "a.yaml": """
            gavel: attestations/v1
            attestations:
              - { control: t:C2, statement: s, attested_by: hr@example.com, date: 2026-01-01, expires: 2026-12-31 }
              - { control: t:C3, statement: s, attested_by: it@example.com, date: 2025-01-01, expires: 2025-12-31 }
            """,
        ]
        let program = compile(files).program!
        let c = ControlCoverage(program: program, asOf: Day("2026-11-23")!)
        let f = c.frameworks[0]
        XCTAssertEqual(
            f.controls.map { "\($0.ref.id) \($0.kind.rawValue) \($0.isGap)" },
            ["C1 automated false", "C2 manual false", "C3 manual true", "C4 neither true", "C5 neither true"])
        XCTAssertEqual(f.controls[0].rules, ["R"])
        XCTAssertEqual(f.controls[1].attestation?.attestedBy, "hr@example.com")
        XCTAssertNil(f.controls[2].attestation, "C3's attestation expired")
        XCTAssertEqual(c.gaps, 3)
        XCTAssertEqual(ControlCoverage(program: program, asOf: Day("2027-01-01")!).gaps, 4, "C2's lapses too")
    }
}
