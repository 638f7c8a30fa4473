import Foundation
import GavelCore
import XCTest
@testable import GavelEngine

/// Evidence carries the provenance (`file:line`) of the value it read, or of its nearest
/// ancestor the snapshot's provenance map names.
final class ProvenanceTests: XCTestCase {
    private func sources(_ checks: [String]) -> [String?] {
        let rules = checks.enumerated().map { i, c in
            "  - { id: R\(i), title: r, severity: high, controls: [t:C1], check: \(c) }"
        }.joined(separator: "\n")
        let out = compile(["p.yaml": "gavel: policy/v1\nid: p\nkind: php\nrules:\n" + rules + "\n"], schemaless: true)
        XCTAssertTrue(out.errors.isEmpty, "\(out.errors)")
        let dir = writeTree(["a/php.json": """
            {"gavel": "snapshot/v1", "asset": "a", "kind": "php",
             "data": {"ini": {"x": "0", "a/b": "0", "y": "0"}, "pool": {"pm": {"max": 9}}},
             "provenance": {"/ini/x": "php.ini:3", "/ini/a~1b": "php.ini:7", "/pool": "www.conf:1"}}
            """])
        let run = Runner.run(out.program!, SnapshotPlan.make([dir]), jobs: 1)
        return run.assets[0].outcomes.map { $0.evidence.first?.provenance }
    }

    func testTheValueItselfThenTheNearestAncestor() {
        XCTAssertEqual(sources([
            #"{ path: php.ini.x, equals: "1" }"#,
            #"{ path: php.pool.pm.max, equals: 5 }"#,
            #"{ path: 'php.ini."a/b"', equals: "1" }"#,
            #"{ path: php.ini.y, equals: "1" }"#,
        ]), ["php.ini:3", "www.conf:1", "php.ini:7", nil])
    }
}
