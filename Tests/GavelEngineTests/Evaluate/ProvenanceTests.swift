import Foundation
import GavelCore
import GavelResults
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
        let dir = writeTree([
            "a/php.json": """
            {"gavel": "snapshot/v1", "asset": "a", "kind": "php",
             "data": {"ini": {"x": "0", "a/b": "0", "y": "0"}, "pool": {"pm": {"max": 9}}},
             "provenance": {"/ini/x": "php.ini:3", "/ini/a~1b": "php.ini:7", "/pool": "www.conf:1"}}
            """
        ])
        let run = Runner.run(out.program!, SnapshotPlan.make([dir]), jobs: 1)
        return run.assets[0].outcomes.map { $0.evidence.first?.provenance }
    }

    func testTheValueItselfThenTheNearestAncestor() {
        XCTAssertEqual(
            sources([
                #"{ path: php.ini.x, equals: "1" }"#,
                #"{ path: php.pool.pm.max, equals: 5 }"#,
                #"{ path: 'php.ini."a/b"', equals: "1" }"#,
                #"{ path: php.ini.y, equals: "1" }"#,
            ]), ["php.ini:3", "www.conf:1", "php.ini:7", nil])
    }

    /// Inside a quantifier the evidence path is the element's concrete path (indices and keys
    /// as met) followed by the leaf's own steps; the provenance is looked up by that whole
    /// pointer, with the element's keys escaped as JSON Pointer tokens.
    func testElementPathsAndTheirProvenance() {
        let out = compile(
            [
                "p.yaml": """
                gavel: policy/v1
                id: p
                kind: php
                rules:
                  - { id: R0, title: r, severity: high, controls: [t:C1], check: { every: { path: "php.pools[*]", check: { path: .pm.mode, equals: ondemand } } } }
                  - { id: R1, title: r, severity: high, controls: [t:C1], check: { every: { path: "php.list[*]", check: { path: .v, equals: 1 } } } }
                  - { id: R2, title: r, severity: high, controls: [t:C1], check: { count: { path: "php.list[*]", where: { path: .v, gt: 5 }, gte: 1 } } }
                """
            ], schemaless: true)
        XCTAssertTrue(out.errors.isEmpty, "\(out.errors)")
        let dir = writeTree([
            "a/php.json": """
            {"gavel": "snapshot/v1", "asset": "a", "kind": "php",
             "data": {"pools": {"b": {"pm": {"mode": "ondemand"}}, "www/a": {"pm": {"mode": "static"}}}, "list": [{"v": 1}, {"v": 2}, {"v": 3}]},
             "provenance": {"/pools/www~1a": "a.conf:2", "/list/1/v": "x.ini:9", "/list": "x.ini:1"}}
            """
        ])
        let run = Runner.run(out.program!, SnapshotPlan.make([dir]), jobs: 1)
        let evidence = run.assets[0].outcomes.map { $0.evidence.map { "\($0.path) @ \($0.provenance ?? "-")" } }
        XCTAssertEqual(
            evidence,
            [
                [#"php.pools."www/a".pm.mode @ a.conf:2"#],
                ["php.list[1].v @ x.ini:9", "php.list[2].v @ x.ini:1"],
                ["php.list @ x.ini:1"],
            ])
    }

    /// Leaves that read the same value share one compiled tail, and evidence that names that
    /// value several times in a row spells its path and provenance once: each record must
    /// still carry its own operator and operand, and a different value its own provenance.
    func testRepeatedReadsOfOneValueShareItsPathAndProvenance() throws {
        let out = compile(
            [
                "p.yaml": """
                gavel: policy/v1
                id: p
                kind: php
                rules:
                  - id: R0
                    title: r
                    severity: high
                    controls: [t:C1]
                    check:
                      all:
                        - { path: php.ini.x, matches: "a" }
                        - { path: php.ini.x, matches: "b" }
                        - { path: php.ini.y, equals: "1" }
                        - { path: php.ini.x, matches: "c" }
                """
            ], schemaless: true)
        XCTAssertTrue(out.errors.isEmpty, "\(out.errors)")
        guard case .all(let parts) = out.program!.rules[0].check else { return XCTFail("expected all:") }
        let tails = parts.map { part -> PathTail? in if case .leaf(let l) = part { return l.path.tail } else { return nil } }
        XCTAssertTrue(tails[0] === tails[1] && tails[1] === tails[3], "equal paths share a tail")
        XCTAssertFalse(tails[0] === tails[2])

        let dir = writeTree([
            "a/php.json": """
            {"gavel": "snapshot/v1", "asset": "a", "kind": "php",
             "data": {"ini": {"x": "zzz", "y": "0"}},
             "provenance": {"/ini/x": "php.ini:3", "/ini/y": "php.ini:4"}}
            """
        ])
        let run = Runner.run(out.program!, SnapshotPlan.make([dir]), jobs: 1)
        let evidence = run.assets[0].outcomes[0].evidence.map { "\($0.path) \($0.op) \($0.expected.display) @ \($0.provenance ?? "-")" }
        XCTAssertEqual(
            evidence,
            [
                "php.ini.x matches a @ php.ini:3",
                "php.ini.x matches b @ php.ini:3",
                "php.ini.y equals 1 @ php.ini:4",
                "php.ini.x matches c @ php.ini:3",
            ])
    }
}
