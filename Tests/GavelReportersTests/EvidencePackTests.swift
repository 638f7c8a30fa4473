import Foundation
import GavelCore
import GavelEngine
import GavelHistory
import GavelResults
import XCTest

@testable import GavelReporters

/// A generated history of 400 nights with planned failures, fixes, a waiver that lapses, an
/// attestation that expires, an error and two missed nights, and the evidence pack of the
/// whole period: every exception span, the sample's reproducibility, identical bytes for
/// the same inputs, and the offline verification catching an edited file.
final class EvidencePackTests: XCTestCase {
    static func scratch() -> String {
        let d = NSTemporaryDirectory() + "gavel-evidence-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    static func write(_ path: String, _ text: String) {
        try! FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try! text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// R (php.ini.x) -> t:C1, S (php.ini.y) -> t:C2; t:M is manual, t:G has no rule.
    static let program = makeProgram(juneWaiver: false)
    /// The same with a second waiver (for S), carried only by the runs of 06-01..06-10: the
    /// pack lists it although neither the first nor the last run has it.
    static let juneProgram = makeProgram(juneWaiver: true)

    static func makeProgram(juneWaiver: Bool) -> Program {
        let dir = scratch() + "/p"
        write(
            dir + "/p.yaml",
            """
            gavel: policy/v1
            id: p
            kind: php
            rules:
              - { id: R, title: r, severity: high, controls: [t:C1], check: { path: php.ini.x, equals: "1" }, remediation: fix x }
              - { id: S, title: s, severity: high, controls: [t:C2], check: { path: php.ini.y, equals: "1" }, remediation: fix y }
            """)
        write(
            dir + "/controls.yaml",
            """
            gavel: controls/v1
            framework: t
            title: T
            controls:
              - { id: C1, title: First }
              - { id: C2, title: Second }
              - { id: M, title: Manual, manual: true }
              - { id: G, title: Gap }
            """)
        write(
            dir + "/waivers.yaml",
            "gavel: waivers/v1\nwaivers:\n  - { rule: R, assets: [a], reason: migration, approved_by: ciso@example.invalid, expires: 2026-03-31 }\n"
                + (juneWaiver ? "  - { rule: S, assets: [a], reason: june freeze, approved_by: cto@example.invalid, expires: 2026-06-30 }\n" : ""))
        write(
            dir + "/attestations.yaml",
            """
            gavel: attestations/v1
            attestations:
              - { control: t:M, statement: reviewed, attested_by: ciso@example.invalid, date: 2026-01-01, expires: 2026-06-30 }
            """)
        let out = Compiler.compile(path: dir)
        return out.program!
    }

    static let first = Day("2026-01-01")!
    static let last = first.adding(days: 399)
    static let missed: Set<String> = ["2026-05-15", "2026-10-02"]

    /// x fails 03-10..04-20 (waived through 03-31); y fails 08-01..08-05 and from 2027-02-01,
    /// and is missing (an error) on 09-09.
    static func values(_ d: Day) -> (x: String, y: String?) {
        let s = d.description
        let x = s >= "2026-03-10" && s <= "2026-04-20" ? "0" : "1"
        let y: String? = s == "2026-09-09" ? nil : ((s >= "2026-08-01" && s <= "2026-08-05") || s >= "2027-02-01" ? "0" : "1")
        return (x, y)
    }

    nonisolated(unsafe) static let store: (HistoryStore, String) = {
        let dir = scratch()
        let s = try! HistoryStore(path: dir + "/h.sqlite", create: true)
        for k in 0..<400 {
            let d = first.adding(days: k)
            if missed.contains(d.description) { continue }
            let v = values(d)
            let snaps = scratch()
            let y = v.y.map { #", "y": "\#($0)""# } ?? ""
            write(snaps + "/a/php.json", #"{"gavel": "snapshot/v1", "asset": "a", "kind": "php", "data": {"ini": {"x": "\#(v.x)"\#(y)}}}"#)
            let june = d.description >= "2026-06-01" && d.description <= "2026-06-10"
            var doc = ResultsDocument(run: Runner.run(june ? juneProgram : program, SnapshotPlan.make([snaps]), jobs: 1), failOn: .info, asOf: d)
            doc.startedAt = Timestamp.parse(d.description + "T02:00:00Z")!
            doc.finishedAt = doc.startedAt.addingTimeInterval(2)
            let bytes = Array(doc.json().utf8)
            let read = try! ResultsDocument.read(bytes: bytes, file: "night")
            _ = try! s.append(bytes: bytes, doc: read, now: read.finishedAt)
            try? FileManager.default.removeItem(atPath: snaps)
        }
        return (s, dir)
    }()

    func pack(_ sampling: EvidencePack.Sampling = .random(size: 25, seed: 7)) throws -> EvidencePack.Built {
        var p = EvidencePack(store: Self.store.0, since: Self.first, until: Self.last)
        p.sampling = sampling
        return try p.build()
    }

    /// A file's bytes as the command writes them (a sampled document read from the store now).
    func bytes(_ f: EvidencePack.PackFile) throws -> [UInt8] {
        try EvidencePack(store: Self.store.0, since: Self.first, until: Self.last).contents(f)
    }

    func spans(_ b: EvidencePack.Built, _ control: String) -> [String] {
        (b.controls.first { $0.control == control }?.exceptions ?? []).map { s in
            "\(s.kind) \(s.first)..\(s.last) \(s.nights) -> \(s.remediatedOn?.description ?? "open") \(s.daysToRemediate.map(String.init) ?? "-")"
        }
    }

    func testEveryExceptionSpanOfFourHundredNights() throws {
        let b = try pack()
        XCTAssertEqual(b.nights.count, 400)
        XCTAssertEqual(b.nights.filter { $0.run == nil }.map(\.day.description), ["2026-05-15", "2026-10-02"])
        XCTAssertEqual(
            spans(b, "t:C1"),
            [
                "fail 2026-04-01..2026-04-20 20 -> 2026-04-21 20", "missing 2026-05-15..2026-05-15 1 -> 2026-05-16 1",
                "missing 2026-10-02..2026-10-02 1 -> 2026-10-03 1",
            ],
            "the waiver kept 03-10..03-31 passing; the failure starts the day after it expired")
        XCTAssertEqual(
            spans(b, "t:C2"),
            [
                "missing 2026-05-15..2026-05-15 1 -> 2026-05-16 1", "fail 2026-08-01..2026-08-05 5 -> 2026-08-06 5",
                "error 2026-09-09..2026-09-09 1 -> 2026-09-10 1",
                "missing 2026-10-02..2026-10-02 1 -> 2026-10-03 1", "fail 2027-02-01..2027-02-04 4 -> open -",
            ])
        XCTAssertEqual(
            spans(b, "t:M"),
            [
                "missing 2026-05-15..2026-05-15 1 -> 2026-05-16 1", "fail 2026-07-01..2026-10-01 93 -> open -",
                "missing 2026-10-02..2026-10-02 1 -> 2026-10-03 1",
                "fail 2026-10-03..2027-02-04 125 -> open -",
            ],
            "the attestation was in force through 06-30")
        XCTAssertEqual(spans(b, "t:G").filter { !$0.hasPrefix("missing") }, [], "a control without rules is not judged nightly")
        let c1 = try XCTUnwrap(b.controls.first { $0.control == "t:C1" })
        XCTAssertEqual([c1.expected, c1.evaluated, c1.count("pass"), c1.count("fail"), c1.count("missing")], [400, 398, 378, 20, 2])
        XCTAssertFalse(c1.operatedEffectively)

        let files = Dictionary(uniqueKeysWithValues: try b.files.map { ($0.path, String(decoding: try bytes($0), as: UTF8.self)) })
        let exceptions = try XCTUnwrap(files["exceptions.csv"])
        XCTAssertTrue(exceptions.contains("t:C1,fail,2026-04-01,2026-04-20,20,a,R,R on a expired 2026-03-31,2026-04-21,20\r\n"), exceptions)
        XCTAssertTrue(try XCTUnwrap(files["waivers.csv"]).contains("R,a,migration,ciso@example.invalid,2026-03-31,2026-04-01\r\n"))
        XCTAssertTrue(
            try XCTUnwrap(files["waivers.csv"]).contains("S,a,june freeze,cto@example.invalid,2026-06-30,2026-07-01\r\n"),
            "a waiver only the June runs carried is listed too")
        XCTAssertTrue(try XCTUnwrap(files["gaps.csv"]).contains("t:G,Gap\r\n"))
        XCTAssertTrue(try XCTUnwrap(files["attestations.csv"]).contains("t:M,reviewed,ciso@example.invalid,2026-01-01,2026-06-30,218\r\n"))
        let population = try XCTUnwrap(files["population.csv"])
        XCTAssertEqual(population.split(separator: "\r\n").count, 401, "a header and one line per expected night")
        XCTAssertTrue(population.contains("2026-05-15,missed,,0,,\r\n"))
        XCTAssertNotNil(files["controls/t_C2.csv"])
        let html = try XCTUnwrap(files["index.html"])
        XCTAssertTrue(
            html.contains("<td>t:C2</td><td>fail</td><td>2027-02-01</td><td>2027-02-04</td><td>4</td><td>a</td><td>S</td><td>not within the period</td>"), html)
        XCTAssertTrue(html.contains("R on a: stopped counting on 2026-04-01"), html)
    }

    func testTheSampleIsReproducibleAndThePackIsTheSameBytes() throws {
        let a = try pack(), b = try pack()
        XCTAssertEqual(a.files.map(\.path), b.files.map(\.path))
        XCTAssertEqual(try a.files.map(bytes), try b.files.map(bytes), "same store, period and seed: same bytes")
        XCTAssertEqual(a.files.map(\.sha256), try a.files.map { SHA256.hex(try bytes($0)) }, "the manifest's digests are the written bytes'")
        XCTAssertEqual(a.files.map(\.size), try a.files.map { try bytes($0).count })
        XCTAssertEqual(
            a.files.filter {
                if case .storedDocument = $0.content { return true }; return false
            }.count, 25, "sampled documents stay in the store")
        XCTAssertEqual(a.sample.count, 25)
        XCTAssertTrue(a.sample.allSatisfy { $0.run != nil })
        XCTAssertEqual(a.sample.map(\.day), a.sample.map(\.day).sorted())
        let other = try pack(.random(size: 25, seed: 8))
        XCTAssertNotEqual(a.sample.map(\.day), other.sample.map(\.day), "another seed, another sample")
        let chosen = try pack(.dates([Day("2026-08-03")!, Day("2026-04-01")!]))
        XCTAssertEqual(chosen.sample.map(\.day.description), ["2026-04-01", "2026-08-03"])
        XCTAssertThrowsError(try pack(.dates([Day("2026-05-15")!])), "a missed night cannot be sampled") { e in
            XCTAssertEqual((e as? Diagnostic)?.id, DiagnosticID.noSuchRun.rawValue)
        }
        // The stored document of each sampled night, byte for byte, with its run's SHA-256.
        for n in a.sample {
            let file = try XCTUnwrap(a.files.first { $0.path == "sample/\(n.day)-run\(n.run!.id).json" })
            XCTAssertEqual(SHA256.hex(try bytes(file)), n.run!.documentSHA256)
        }
    }

    func testVerificationNamesWhatWasEdited() throws {
        let built = try pack()
        let dir = Self.scratch() + "/pack"
        try AtomicFolder.write(to: dir, replaceable: { _ in false }) { w in for f in built.files { try w(f.path, try bytes(f)) } }
        XCTAssertEqual(EvidenceVerifier.verify(dir), [])
        XCTAssertEqual(EvidenceVerifier.verify(dir, head: String(built.headHash.prefix(12))), [])
        XCTAssertEqual(EvidenceVerifier.verify(dir, head: "0123456789ab").count, 1)
        XCTAssertTrue(EvidenceVerifier.isPack(dir))

        // Edit one sampled document (a failure turned into a pass).
        let sampled = try XCTUnwrap(built.files.first { $0.path.hasPrefix("sample/") && $0.path.hasSuffix(".json") }).path
        let path = dir + "/" + sampled
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try text.replacingOccurrences(of: "\"fail\"", with: "\"pass\"").replacingOccurrences(of: "2026", with: "2025").write(
            toFile: path, atomically: true, encoding: .utf8)
        let problems = EvidenceVerifier.verify(dir)
        XCTAssertTrue(problems.contains("\(sampled): changed since the pack was written (SHA-256 differs from the manifest)"), "\(problems)")
        XCTAssertTrue(problems.contains { $0.hasPrefix(sampled + ": not the document run #") }, "\(problems)")

        // A chain entry's recorded fact edited: its hash no longer recomputes.
        let dir2 = Self.scratch() + "/pack2"
        try AtomicFolder.write(to: dir2, replaceable: { _ in false }) { w in for f in built.files { try w(f.path, try bytes(f)) } }
        let chain = try String(contentsOfFile: dir2 + "/chain.json", encoding: .utf8)
        let edited = chain.replacingOccurrences(of: "\"recorded_at\":\"2026", with: "\"recorded_at\":\"2025")
        XCTAssertNotEqual(edited, chain)
        try edited.write(toFile: dir2 + "/chain.json", atomically: true, encoding: .utf8)
        try "notes".write(toFile: dir2 + "/notes.txt", atomically: true, encoding: .utf8)
        let p2 = EvidenceVerifier.verify(dir2)
        XCTAssertTrue(p2.contains { $0.hasPrefix("chain.json: run #") && $0.contains("does not hash") }, "\(p2)")
        XCTAssertTrue(p2.contains("notes.txt: not listed in the manifest"), "\(p2)")
        XCTAssertFalse(EvidenceVerifier.isPack(dir2), "a folder with the user's notes is not replaced")
    }
}
