import Foundation
import GavelCore
import GavelJSON
import GavelResults
import XCTest

@testable import GavelEngine

/// A run builds only what its rules read of each snapshot; its results must be those of the
/// snapshots built whole.
final class ReadSelectionTests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    func loadedData(_ text: String, _ reading: ReadSelection) throws -> String {
        let snap = try Array(text.utf8).withUnsafeBytes { try LoadedSnapshot.parse($0, source: "t.json", reading: reading).get() }
        return JSONWriter.string(snap.data.toValue())
    }

    func testWhatTheRulesReadIsWhatIsBuilt() throws {
        let program = try XCTUnwrap(
            compile(
                [
                    "p.yaml": policy(
                        """
                        all:
                          - { path: php.ini."session.cookie_secure", equals: "1" }
                          - every:
                              path: "php.pools[*]"
                              where: { path: .name, matches: "^www" }
                              check: { path: .settings.user, not_equals: root }
                        """)
                ], schemaless: true
            ).program)
        let reading = ReadSelection([program])
        let text = """
            {"gavel": "snapshot/v1", "asset": "a", "kind": "php", "data": {
              "ini": {"session.cookie_secure": "1", "memory_limit": "1G"},
              "pools": [{"name": "www", "settings": {"user": "www-data", "group": "www-data"}, "file": "/etc/x"}, {"name": "api"}],
              "modules": ["a", "b"]}}
            """
        XCTAssertEqual(
            try loadedData(text, reading),
            #"{"ini":{"session.cookie_secure":"1"},"pools":[{"name":"www","settings":{"user":"www-data"}},{"name":"api"}]}"#)
        // A kind no rule reads keeps an empty data; the SHA-256 is of the whole text.
        let nginx = text.replacingOccurrences(of: "\"kind\": \"php\"", with: "\"kind\": \"nginx\"")
        XCTAssertEqual(try loadedData(nginx, reading), "{}")
        let snap = try Array(nginx.utf8).withUnsafeBytes { try LoadedSnapshot.parse($0, source: "t.json", reading: reading).get() }
        XCTAssertEqual(snap.info.sha256, SHA256.hex(Array(nginx.utf8)))
        XCTAssertEqual(snap.info.bytes, nginx.utf8.count)
    }

    /// A disabled rule is not evaluated, so what only it reads is not built.
    func testRulesSwitchedOffReadNothing() throws {
        let p = policy("{ path: php.ini.a, equals: 1 }")
        let tailoring = "gavel: tailoring/v1\ndisable: [R1]\nreasons: { R1: off }\n"
        let program = try XCTUnwrap(compile(["p.yaml": p, "t.yaml": tailoring], schemaless: true).program)
        let text = #"{"gavel": "snapshot/v1", "asset": "a", "kind": "php", "data": {"ini": {"a": 1}}}"#
        XCTAssertEqual(try loadedData(text, ReadSelection([program])), "{}")
    }

    /// Errors are the whole text's: where the skipped part is wrong, and what the envelope
    /// says of `data` or `unavailable` pointers into parts no rule reads.
    func testErrorsAreThoseOfTheWholeText() throws {
        let program = try XCTUnwrap(compile(["p.yaml": policy("{ path: php.ini.a, equals: 1 }")], schemaless: true).program)
        let reading = ReadSelection([program])
        let cases = [
            #"{"gavel": "snapshot/v1", "asset": "a", "kind": "php", "data": {"ini": {"a": 1}, "skipped": [1, 2,]}}"#,
            #"{"gavel": "snapshot/v1", "asset": "a", "kind": "php", "data": {"ini": {"a": 1}, "skipped": {"x": 1, "x": 2}}}"#,
            #"{"gavel": "snapshot/v1", "asset": "a", "kind": "php", "data": {"ini": {"a": 1}, "skipped": "\#u{1}"}}"#,
            #"{"gavel": "snapshot/v1", "asset": "a", "kind": "php", "data": [1]}"#,
            #"{"gavel": "snapshot/v1", "asset": "a", "kind": "php", "data": {"other": {"x": 1}}, "unavailable": {"/other/x": "no"}}"#,
            #"{"gavel": "snapshot/v1", "asset": "a", "kind": "php", "data": {"ini": {}}, "provenance": []}"#,
        ]
        for text in cases {
            let whole = Array(text.utf8).withUnsafeBytes { LoadedSnapshot.parse($0, source: "t.json") }
            let read = Array(text.utf8).withUnsafeBytes { LoadedSnapshot.parse($0, source: "t.json", reading: reading) }
            guard case .failure(let a) = whole, case .failure(let b) = read else {
                XCTFail("both must refuse \(text)")
                continue
            }
            XCTAssertEqual(a.description, b.description, text)
        }
    }

    /// The shipped policies over every snapshot in the repository (the samples, the example
    /// fleet, the fuzzing corpus): the same results, evidence, messages and errors either way.
    func testTheShippedLibraryGivesTheSameResultsEitherWay() throws {
        let program = try XCTUnwrap(Compiler.compile(path: Self.repo + "/Policies").program)
        func outcome(_ plan: SnapshotPlan, _ whole: Bool) -> [String] {
            let run = Runner.run(program, plan, jobs: 2, readWhole: whole)
            let doc = ResultsDocument(run: run, failOn: .info)
            return doc.entries.map { e in "\(e.rule) \(e.asset) \(e.verdict) \(e.message ?? "") \(e.evidence.map { "\($0)" })" }
                + doc.inputErrors.map(\.description)
        }
        let plan = SnapshotPlan.make([Self.repo + "/Snapshots"])
        let whole = outcome(plan, true)
        XCTAssertGreaterThan(whole.count, 300)
        XCTAssertEqual(outcome(plan, false), whole)
        // Each snapshot file on its own, parsed whole and as read.
        let reading = ReadSelection([program])
        var loaded = 0
        let folders = [
            "Snapshots/clinic-a.example.com", "Snapshots/clinic-b.example.com", "docs/snapshots", "Tests/GavelFuzzTests/Corpus/snapshot",
            "Tests/GavelReportersTests/Golden/diff/snapshots",
        ]
        let files = try folders.flatMap { f in try FileManager.default.contentsOfDirectory(atPath: Self.repo + "/" + f).sorted().map { "\(f)/\($0)" } }
        for name in files {
            let bytes = try XCTUnwrap(FileManager.default.contents(atPath: Self.repo + "/" + name))
            let whole = bytes.withUnsafeBytes { LoadedSnapshot.parse($0, source: name) }
            let read = bytes.withUnsafeBytes { LoadedSnapshot.parse($0, source: name, reading: reading) }
            switch (whole, read) {
            case (.success(let w), .success(let r)):
                loaded += 1
                XCTAssertEqual(
                    outcome(SnapshotPlan(units: [.loaded([r])], errors: []), false), outcome(SnapshotPlan(units: [.loaded([w])], errors: []), true), name)
            case (.failure(let a), .failure(let b)): XCTAssertEqual(a.description, b.description, name)
            default: XCTFail("\(name) loads one way and not the other")
            }
        }
        XCTAssertGreaterThanOrEqual(loaded, 8)
    }
}
