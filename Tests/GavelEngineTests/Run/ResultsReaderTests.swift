import Foundation
import GavelCore
import GavelJSON
import XCTest

@testable import GavelEngine
@testable import GavelResults

/// A results document read back must say exactly what the run wrote: written again, it is
/// byte for byte the same document (so every report of a recorded run matches a fresh one).
final class ResultsReaderTests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    private func roundTrip(_ doc: ResultsDocument, file: StaticString = #filePath, line: UInt = #line) throws -> ResultsDocument {
        let text = doc.json()
        let back = try ResultsDocument.read(bytes: Array(text.utf8), file: "r.json")
        XCTAssertEqual(back.json(), text, "written again, the document differs", file: file, line: line)
        XCTAssertEqual(back.recordedDigest, SHA256.hex(Array(text.utf8[..<text.utf8.firstRange(of: "\"document_sha256\"".utf8)!.lowerBound])))
        return back
    }

    func testTheSampleFleetReadsBackUnchanged() throws {
        let program = Compiler.compile(path: Self.repo + "/Policies").program!
        let doc = ResultsDocument(run: Runner.run(program, SnapshotPlan.make([Self.repo + "/Snapshots"]), jobs: 2), failOn: .high)
        let back = try roundTrip(doc)
        XCTAssertEqual(back.assets, doc.assets)
        XCTAssertEqual(back.entries.count, doc.entries.count)
        XCTAssertEqual(back.controls.map(\.worstFailing), doc.controls.map(\.worstFailing), "recomputed from the entries")
        XCTAssertEqual(back.coverage?.gaps, doc.coverage?.gaps)
        XCTAssertEqual(back.failOn, .high)
        XCTAssertEqual(back.problems.map(\.rule), doc.problems.map(\.rule))
    }

    func testWaiversAttestationsAndBaselinesReadBack() throws {
        let files = [
            "p.yaml": """
            gavel: policy/v1
            id: p
            kind: php
            rules:
              - { id: R, title: r, severity: high, controls: [t:C1], check: { path: php.ini.x, equals: "1" } }
              - { id: S, title: s, severity: low, controls: [t:C1], check: { path: php.ini.y, equals: "1" } }
            """,
            "controls.yaml": """
            gavel: controls/v1
            framework: t
            title: T
            controls:
              - { id: C1, title: First }
              - { id: C2, title: Training, manual: true }
            """,
            "w.yaml": """
            gavel: waivers/v1
            waivers:
              - { rule: R, assets: [b], reason: "vendor fix", approved_by: ciso@example.com, expires: 2026-12-31 }
              - { rule: S, assets: ["*"], reason: "old", approved_by: ciso@example.com, expires: 2026-01-31 }
            """,
            "a.yaml": """
            gavel: attestations/v1
            attestations:
              - { control: t:C2, statement: "Staff trained", attested_by: hr@example.com, date: 2026-03-01, expires: 2027-03-01 }
            """,
        ]
        let out = compile(files)
        XCTAssertTrue(out.errors.isEmpty, "\(out.errors)")
        func snap(_ asset: String, _ ini: String) -> String { #"{"gavel": "snapshot/v1", "asset": "\#(asset)", "kind": "php", "data": {"ini": \#(ini)}}"# }
        let dir = writeTree(["a/php.json": snap("a", #"{"x": "1", "y": "1"}"#), "b/php.json": snap("b", #"{"x": "2", "y": "2"}"#)])
        var doc = ResultsDocument(run: Runner.run(out.program!, SnapshotPlan.make([dir]), jobs: 1), failOn: .info, asOf: Day("2026-11-23")!)
        doc.apply(Baseline(keys: [Baseline.Key(rule: "S", asset: "b", fingerprint: doc.entries[3].fingerprint)], source: "known.json"))
        let back = try roundTrip(doc)
        XCTAssertEqual(back.entries.map(\.verdict), [.pass, .pass, .waived, .fail])
        XCTAssertEqual(back.entries[2].waiver, 0)
        XCTAssertEqual(back.entries[3].expiredWaiver, 1)
        XCTAssertTrue(back.entries[3].baselined)
        XCTAssertEqual(back.waivers.map(\.status), [.active, .expired])
        XCTAssertEqual(back.controls.first { $0.ref.id == "C2" }?.note, "attested by hr@example.com on 2026-03-01, until 2027-03-01")
        XCTAssertEqual(back.controls.first { $0.ref.id == "C2" }?.attestations, [0])
        XCTAssertEqual(back.baselineSource, "known.json")
    }

    func testTheDocumentIsTheSameWrittenInPiecesOnSeveralThreads() throws {
        let program = Compiler.compile(path: Self.repo + "/Policies").program!
        let doc = ResultsDocument(run: Runner.run(program, SnapshotPlan.make([Self.repo + "/Snapshots"]), jobs: 2), failOn: .high)
        var pieces: [[UInt8]] = []
        doc.write(jobs: 3) { pieces.append($0) }
        XCTAssertGreaterThan(pieces.count, 0)
        XCTAssertEqual(String(decoding: pieces.joined(), as: UTF8.self), doc.json(), "streamed, threaded and whole agree byte for byte")
        XCTAssertEqual(
            ResultsDocument.render(0..<5000, jobs: 3) { Array("<\($0)>".utf8) }, (0..<5000).map { Array("<\($0)>".utf8) }, "batches keep their order")
        XCTAssertEqual(ResultsDocument.render(0..<10, jobs: 4) { Array("\($0)".utf8) }, (0..<10).map { Array("\($0)".utf8) })
    }

    private func readError(_ text: String) -> Diagnostic? {
        do { _ = try ResultsDocument.read(bytes: Array(text.utf8), file: "r.json"); return nil } catch { return error }
    }

    func testBadDocumentsNameWhatIsWrong() throws {
        let program = Compiler.compile(path: Self.repo + "/Policies").program!
        let doc = ResultsDocument(
            run: Runner.run(program, SnapshotPlan.make([Self.repo + "/Snapshots/pharmacy-c.example.com"]), jobs: 1),
            failOn: nil)
        let good = doc.json()
        let firstPass = doc.entries.firstIndex { $0.verdict == .pass }!
        let e1 = readError("{\"gavel\": \"results/v1\",\n  \"run\": [}")
        XCTAssertEqual(e1?.id, "bad-json")
        XCTAssertEqual(e1?.location?.knownLine, 2)
        XCTAssertEqual(readError("{\"gavel\": \"baseline/v1\"}")?.id, "bad-results")
        let noVerdict = good.replacingOccurrences(of: "\"verdict\":\"pass\"", with: "\"verdict\":\"maybe\"")
        XCTAssertEqual(readError(noVerdict)?.message, "/results/\(firstPass)/verdict: expected a verdict (pass, fail, error, not_applicable, waived)")
        let noRun = good.replacingOccurrences(of: "\"started_at\"", with: "\"begun\"")
        XCTAssertEqual(readError(noRun)?.description, "r.json: error[bad-results]: /run/started_at: expected a string")
        // A position no Int holds once trapped the reader.
        XCTAssertTrue(good.contains("\"input_errors\": []"))
        let hugeLine = good.replacingOccurrences(
            of: "\"input_errors\": []",
            with: "\"input_errors\":[{\"id\":\"bad-json\",\"file\":\"x.json\",\"line\":1e300,\"column\":null,\"message\":\"m\"}]")
        XCTAssertEqual(readError(hugeLine)?.message, "/input_errors/0/line: expected a whole number of at least 0")
        let fine = good.replacingOccurrences(
            of: "\"input_errors\": []",
            with: "\"input_errors\":[{\"id\":\"bad-json\",\"file\":\"x.json\",\"line\":3,\"column\":null,\"message\":\"m\"}]")
        let read = try ResultsDocument.read(bytes: Array(fine.utf8), file: "r.json")
        XCTAssertEqual(read.inputErrors.map { "\($0.location?.knownLine ?? -1) \($0.location?.knownColumn ?? -1)" }, ["3 -1"])
    }

    /// The document is read a part at a time, yet invalid JSON anywhere in it is refused
    /// where jansson, parsing it whole, places it: deep in `results`, in `controls`, and in
    /// a member the reader does not use.
    func testInvalidJSONAnywhereIsRefusedWhereJanssonPlacesIt() throws {
        let program = Compiler.compile(path: Self.repo + "/Policies").program!
        let good = ResultsDocument(run: Runner.run(program, SnapshotPlan.make([Self.repo + "/Snapshots"]), jobs: 2), failOn: nil).json()
        let results = good.range(of: "\"results\"")!.upperBound
        let controls = good.range(of: "\"controls\"")!.upperBound
        var cases: [String] = []
        for (after, from, to) in [
            (results, "\"verdict\":", "\"verdict\";"), (controls, "\"assets\":[", "\"assets\":[,"),
            (results, "\"rule\":\"", "\"rule\":\"\\x"),
        ] {
            let r = good[after...].range(of: from)!
            cases.append(good.replacingCharacters(in: r, with: to))
        }
        cases.append(good.replacingOccurrences(of: "\"input_errors\": []", with: "\"input_errors\": [], \"extra\": [1, {\"a\": tru}]"))
        for text in cases {
            var whole: JSONDocument.ParseError?
            do { _ = try JSONDocument.parse(text) } catch { whole = error }
            guard let e = readError(text) else { XCTFail("accepted invalid JSON"); continue }
            XCTAssertEqual(e.id, "bad-json")
            XCTAssertEqual(e.location?.knownLine, whole?.line, "\(e) against jansson's \(String(describing: whole))")
            XCTAssertEqual(e.location?.knownColumn, whole?.column, "\(e) against jansson's \(String(describing: whole))")
        }
    }
}
