import Foundation
import GavelCore
import GavelResults
import XCTest

@testable import GavelEngine

/// A report of some of a run's assets judges each control again over those assets alone.
final class ResultsSelectionTests: XCTestCase {
    private func summary(_ doc: ResultsDocument) -> [String] {
        doc.controls.map { c in
            "\(c.ref.framework):\(c.ref.id) \(c.verdict) worst=\(c.worstFailing.map { "\($0)" } ?? "-") "
                + c.assets.map { "\($0.asset)=\($0.verdict)" }.joined(separator: ",")
        }
    }

    private func fleetRun() -> ResultsDocument {
        let out = compile(
            [
                "p.yaml": ControlRollUpTests.twoRules,
                "w.yaml": """
                gavel: waivers/v1
                waivers:
                  - { rule: R, assets: [b.example], reason: pending, approved_by: sec@example.com, expires: 2099-12-31 }
                """,
            ], schemaless: true)
        XCTAssertTrue(out.errors.isEmpty, "\(out.errors)")
        let snap = ControlRollUpTests.snapshot
        let dir = writeTree([
            "a/php.json": snap("a.example", "1", "1"), "b/php.json": snap("b.example", "0", "1"),
            "c/php.json": snap("c.other", "0", "0"),
        ])
        return ResultsDocument(run: Runner.run(out.program!, SnapshotPlan.make([dir]), jobs: 2), failOn: nil)
    }

    func testControlsAreJudgedAgainOverTheSelectedAssets() {
        let full = fleetRun()
        XCTAssertEqual(
            summary(full),
            [
                "t:C1 fail worst=high a.example=pass,b.example=pass,c.other=fail",
                "t:C2 fail worst=high a.example=pass,b.example=pass,c.other=fail",
            ])
        XCTAssertEqual(full.waivers.map(\.applied), [1])

        let examples = full.selecting(assets: ["*.example"])
        XCTAssertEqual(examples.assets, ["a.example", "b.example"])
        XCTAssertEqual(
            summary(examples),
            [
                "t:C1 pass worst=- a.example=pass,b.example=pass",
                "t:C2 pass worst=- a.example=pass,b.example=pass",
            ])
        XCTAssertEqual(Set(examples.entries.map(\.asset)), ["a.example", "b.example"])
        XCTAssertEqual(examples.entries.count, 4)
        XCTAssertEqual(Set(examples.snapshots.map(\.asset)), ["a.example", "b.example"])
        XCTAssertEqual(examples.count(.waived), 1)
        XCTAssertEqual(examples.waivers.map(\.applied), [1])
        XCTAssertEqual(examples.selection?.patterns, ["*.example"])
        XCTAssertEqual(examples.selection?.of, 3)

        let other = full.selecting(assets: ["c.other", "nothing-*"])
        XCTAssertEqual(
            summary(other),
            [
                "t:C1 fail worst=high c.other=fail",
                "t:C2 fail worst=high c.other=fail",
            ])
        XCTAssertEqual(other.waivers.map(\.applied), [0])
        // Selecting again keeps the size of the whole run.
        XCTAssertEqual(examples.selecting(assets: ["a.*"]).selection?.of, 3)
    }

    /// Selecting while reading (the other assets' rows never built) gives what selecting
    /// after reading gives.
    func testSelectingWhileReadingIsSelectingAfterReading() throws {
        let text = Array(fleetRun().json().utf8)
        for patterns in [["*.example"], ["c.other"], ["b.*", "c.*"]] {
            let after = try ResultsDocument.read(bytes: text, file: "r.json").selecting(assets: patterns)
            let during = try ResultsDocument.read(bytes: text, file: "r.json", assets: patterns)
            XCTAssertEqual(summary(during), summary(after), "\(patterns)")
            XCTAssertEqual(
                during.entries.map { "\($0.rule) \($0.asset) \($0.verdict) \($0.message ?? "")" },
                after.entries.map { "\($0.rule) \($0.asset) \($0.verdict) \($0.message ?? "")" })
            XCTAssertEqual(during.assets, after.assets)
            XCTAssertEqual(during.snapshots.map(\.source), after.snapshots.map(\.source))
            XCTAssertEqual(during.waivers.map(\.applied), after.waivers.map(\.applied))
            XCTAssertEqual(during.selection?.of, 3)
        }
    }

    func testAssetsMatchingAPattern() {
        let full = fleetRun()
        XCTAssertEqual(full.assets(matching: ["b.example"]), ["b.example"])
        XCTAssertEqual(full.assets(matching: ["*"]), ["a.example", "b.example", "c.other"])
        XCTAssertEqual(full.assets(matching: ["*.ex"]), [])
    }
}
