import Foundation
import GavelCore
import GavelResults
import XCTest

@testable import GavelEngine

/// Controls are rolled up in parallel, each into its own slot: the result must not depend on
/// the number of jobs, and a control's verdict follows its rules' verdicts per asset.
final class ControlRollUpTests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    private func summary(_ doc: ResultsDocument) -> [String] {
        doc.controls.map { c in
            "\(c.ref.framework):\(c.ref.id) \(c.verdict) worst=\(c.worstFailing.map { "\($0)" } ?? "-") rules=\(c.rules) "
                + c.assets.map { "\($0.asset)=\($0.verdict)" }.joined(separator: ",")
        }
    }

    /// R maps to t:C1, S (high) to t:C1 and t:C2; `snapshot` sets the ini values they read.
    static let twoRules = """
        gavel: policy/v1
        id: p
        kind: php
        rules:
          - { id: R, title: r, severity: low, controls: [t:C1], check: { path: php.ini.x, equals: "1" } }
          - { id: S, title: s, severity: high, controls: [t:C1, t:C2], check: { path: php.ini.y, equals: "1" } }
        """

    static func snapshot(_ asset: String, _ x: String, _ y: String) -> String {
        #"{"gavel": "snapshot/v1", "asset": "\#(asset)", "kind": "php", "data": {"ini": {"x": "\#(x)", "y": "\#(y)"}}}"#
    }

    func testTheRollUpIsTheSameOnOneJobAndOnMany() {
        let program = Compiler.compile(path: Self.repo + "/Policies").program!
        let plan = SnapshotPlan.make([Self.repo + "/Snapshots"])
        let doc = ResultsDocument(run: Runner.run(program, plan, jobs: 1), failOn: nil)
        let one = summary(doc)
        let many = summary(ResultsDocument(run: Runner.run(program, plan, jobs: 7), failOn: nil))
        XCTAssertGreaterThan(one.count, 20, "the shipped catalogs map many controls")
        XCTAssertTrue(one == many, "the roll-up differs between 1 and 7 jobs")
        XCTAssertEqual(doc.controls.map(\.ref), doc.controls.map(\.ref).sorted(), "controls in catalog id order")
    }

    func testAControlFailsOnAnAssetWhereOneOfItsRulesFails() {
        let out = compile(["p.yaml": ControlRollUpTests.twoRules], schemaless: true)
        XCTAssertTrue(out.errors.isEmpty, "\(out.errors)")
        let snap = ControlRollUpTests.snapshot
        let dir = writeTree(["a/php.json": snap("a", "1", "1"), "b/php.json": snap("b", "0", "1"), "c/php.json": snap("c", "1", "0")])
        let doc = ResultsDocument(run: Runner.run(out.program!, SnapshotPlan.make([dir]), jobs: 3), failOn: nil)
        XCTAssertEqual(
            summary(doc),
            [
                "t:C1 fail worst=high rules=[\"R\", \"S\"] a=pass,b=fail,c=fail",
                "t:C2 fail worst=high rules=[\"S\"] a=pass,b=pass,c=fail",
            ])
    }
}
