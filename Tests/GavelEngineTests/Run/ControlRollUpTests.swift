import Foundation
import GavelCore
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
        let out = compile(["p.yaml": """
            gavel: policy/v1
            id: p
            kind: php
            rules:
              - { id: R, title: r, severity: low, controls: [t:C1], check: { path: php.ini.x, equals: "1" } }
              - { id: S, title: s, severity: high, controls: [t:C1, t:C2], check: { path: php.ini.y, equals: "1" } }
            """], schemaless: true)
        XCTAssertTrue(out.errors.isEmpty, "\(out.errors)")
        func snap(_ asset: String, _ x: String, _ y: String) -> String {
            #"{"gavel": "snapshot/v1", "asset": "\#(asset)", "kind": "php", "data": {"ini": {"x": "\#(x)", "y": "\#(y)"}}}"#
        }
        let dir = writeTree(["a/php.json": snap("a", "1", "1"), "b/php.json": snap("b", "0", "1"), "c/php.json": snap("c", "1", "0")])
        let doc = ResultsDocument(run: Runner.run(out.program!, SnapshotPlan.make([dir]), jobs: 3), failOn: nil)
        XCTAssertEqual(summary(doc), [
            "t:C1 fail worst=high rules=[\"R\", \"S\"] a=pass,b=fail,c=fail",
            "t:C2 fail worst=high rules=[\"S\"] a=pass,b=pass,c=fail",
        ])
    }
}
