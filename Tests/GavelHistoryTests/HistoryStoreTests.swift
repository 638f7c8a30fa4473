import Foundation
import GavelCompression
import GavelCore
import GavelEngine
import GavelResults
import GavelSQLite
import XCTest

@testable import GavelHistory

/// The history store: the chain it builds, what `HistoryVerifier` catches when a row is
/// edited behind its back, pruning that keeps the chain verifiable, and timelines.
final class HistoryStoreTests: XCTestCase {
    /// One rule (R: php.ini.x equals "1") mapped to t:C1; asset `a` has x = `x` that night.
    static let program: Program = {
        let dir = scratch()
        write(
            dir + "/p/p.yaml",
            """
            gavel: policy/v1
            id: p
            kind: php
            rules:
              - { id: R, title: r, severity: high, controls: [t:C1], check: { path: php.ini.x, equals: "1" } }
            """)
        write(dir + "/p/controls.yaml", "gavel: controls/v1\nframework: t\ntitle: T\ncontrols:\n  - { id: C1, title: First }\n")
        return Compiler.compile(path: dir + "/p").program!
    }()

    static func scratch() -> String {
        let d = NSTemporaryDirectory() + "gavel-history-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    static func write(_ path: String, _ text: String) {
        try! FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try! text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// The results document of the night `day` (02:00 UTC) with x = `x` on asset a.
    func night(_ day: String, x: String) -> (bytes: [UInt8], doc: ResultsDocument) {
        let dir = Self.scratch()
        Self.write(dir + "/a/php.json", #"{"gavel": "snapshot/v1", "asset": "a", "kind": "php", "data": {"ini": {"x": "\#(x)"}}}"#)
        var doc = ResultsDocument(run: Runner.run(Self.program, SnapshotPlan.make([dir]), jobs: 1), failOn: .info)
        doc.startedAt = Timestamp.parse(day + "T02:00:00Z")!
        doc.finishedAt = doc.startedAt.addingTimeInterval(1)
        let bytes = Array(doc.json().utf8)
        return (bytes, try! ResultsDocument.read(bytes: bytes, file: "night"))
    }

    func store(nights: [(String, String)]) throws -> HistoryStore {
        let s = try HistoryStore(path: Self.scratch() + "/h.sqlite", create: true)
        for (day, x) in nights {
            let n = night(day, x: x)
            _ = try s.append(bytes: n.bytes, doc: n.doc, now: n.doc.finishedAt)
        }
        return s
    }

    /// Edits the store file directly, as someone with file access could.
    func tamper(_ s: HistoryStore, _ sql: String) throws {
        let db = try Database(path: s.path, create: false)
        try db.exec(sql)
    }

    func pieceCount(_ s: HistoryStore) throws -> Int {
        let q = try Database(path: s.path, create: false).prepare("SELECT COUNT(*) FROM pieces")
        _ = try q.step()
        return Int(q.int(0))
    }

    func problems(_ s: HistoryStore, deep: Bool = false) throws -> [String] { try HistoryVerifier(s, deep: deep).problems.map(\.description) }

    let factsEdited = "its entry hash does not match its recorded facts (times, counts, control verdicts, policy or document digest edited)"

    let week = [("2026-11-01", "1"), ("2026-11-02", "1"), ("2026-11-03", "0"), ("2026-11-04", "1"), ("2026-11-06", "1")]

    func testRunsFormAChainThatVerifies() throws {
        let s = try store(nights: week)
        let runs = try s.runs()
        XCTAssertEqual(runs.map(\.id), [1, 2, 3, 4, 5])
        XCTAssertEqual(runs[0].previousHash, HistoryStore.genesis)
        for i in 1..<runs.count { XCTAssertEqual(runs[i].previousHash, runs[i - 1].entryHash) }
        XCTAssertEqual(runs.map(\.fail), [0, 0, 1, 0, 0])
        let v = try HistoryVerifier(s, deep: true)
        XCTAssertTrue(v.ok, "\(v.problems)")
        XCTAssertEqual(v.head, runs[4].entryHash)
        XCTAssertEqual(try s.document(3).entries.map(\.verdict), [.fail], "the stored document reads back")
    }

    func testADocumentRecordedFromAFileIsStoredByteForByte() throws {
        let s = try store(nights: [("2026-11-01", "1")])
        let n = night("2026-11-02", x: "0")
        let file = Self.scratch() + "/night.json"
        try Data(n.bytes).write(to: URL(fileURLWithPath: file))
        let run = try s.append(file: file, doc: n.doc)
        XCTAssertEqual(run.id, 2)
        XCTAssertEqual(try s.documentBytes(2), n.bytes)
        XCTAssertEqual(run.documentSHA256, SHA256.hex(n.bytes))
        XCTAssertTrue(try HistoryVerifier(s, deep: true).ok)
        XCTAssertThrowsError(try s.append(bytes: n.bytes, doc: n.doc), "the same document from memory is a duplicate too")
    }

    func testTheSameDocumentIsNotRecordedTwice() throws {
        let s = try store(nights: [])
        let n = night("2026-11-01", x: "1")
        _ = try s.append(bytes: n.bytes, doc: n.doc)
        XCTAssertThrowsError(try s.append(bytes: n.bytes, doc: n.doc)) { XCTAssertTrue("\($0)".contains("already recorded as run #1"), "\($0)") }
        XCTAssertEqual(try s.runs().count, 1)
    }

    func testAnEditedSummaryOrControlRowIsCaught() throws {
        let s = try store(nights: week)
        try tamper(s, "UPDATE runs SET fail = 0 WHERE id = 3")
        XCTAssertEqual(try problems(s), ["run #3: " + factsEdited], "the entry hash covers the counts")
        XCTAssertEqual(try problems(s, deep: true), ["run #3: " + factsEdited, "run #3: its summary counts differ from its document's"])
        try tamper(s, "UPDATE runs SET fail = 1 WHERE id = 3; UPDATE control_verdicts SET verdict = 'pass', assets_failing = '' WHERE run = 3")
        XCTAssertEqual(try problems(s), ["run #3: " + factsEdited], "and the control rows")
        XCTAssertEqual(
            try problems(s, deep: true).last, "run #3: its per-control verdicts differ from its document's (t:C1: recorded pass, document says fail)")
        try tamper(s, "UPDATE control_verdicts SET verdict = 'fail', assets_failing = 'a' WHERE run = 3")
        XCTAssertEqual(try problems(s, deep: true), [], "restored")
    }

    func testAnEditedDocumentIsCaughtEvenWithItsDigestsRecomputed() throws {
        let s = try store(nights: week)
        // A verdict flipped inside the stored piece: the piece no longer has its SHA-256.
        let original = try s.documentBytes(3)
        let edited = Array(String(decoding: original, as: UTF8.self).replacingOccurrences(of: #""verdict":"fail""#, with: #""verdict":"pass""#).utf8)
        XCTAssertNotEqual(edited, original)
        let (manifest, _) = try XCTUnwrap(try s.manifest(3))
        XCTAssertEqual(manifest.count, 1, "a small document is one piece")
        let db = try Database(path: s.path, create: false)
        let packed = try edited.withUnsafeBytes { try Zstandard.compress($0) }
        try db.prepare("UPDATE pieces SET size = ?, data = ? WHERE sha256 = ?").run([.int(Int64(edited.count)), .blob(packed), .blob(Array(manifest.hash(0)))])
        let afterEdit = try problems(s)
        XCTAssertTrue(afterEdit.contains { $0.hasPrefix("run #3: piece ") && $0.contains("of its document was edited") }, "\(afterEdit)")
        XCTAssertThrowsError(try s.documentBytes(3), "an edited piece is never handed on as the document")
        // The piece stored under its new SHA-256, the run's list of pieces, its digest, the
        // document's digest and the entry hash all rewritten to match: the next run's link breaks.
        let hash = edited.withUnsafeBytes { SHA256.digest($0) }
        try db.prepare("INSERT INTO pieces (sha256, size, data) VALUES (?, ?, ?)").run([.blob(hash), .int(Int64(edited.count)), .blob(packed)])
        try db.prepare("UPDATE run_pieces SET manifest = ?, manifest_sha256 = ? WHERE run = 3").run([.blob(hash), .text(SHA256.hex(hash))])
        var r = try s.runs()[2]
        r.documentSHA256 = SHA256.hex(edited)
        let entry = HistoryStore.entryHash(r, controlsDigest: HistoryStore.controlsDigest(try s.recordedControlRows(3)))
        try db.prepare("UPDATE runs SET document_sha256 = ?, entry_hash = ? WHERE id = 3").run([.text(r.documentSHA256), .text(entry)])
        let found = try problems(s)
        XCTAssertTrue(found.contains { $0.hasPrefix("run #4: its link to the previous run does not match") }, "\(found)")
        XCTAssertFalse(found.contains { $0.hasPrefix("run #3") }, "run #3 itself is consistent now: \(found)")
        XCTAssertTrue(try problems(s, deep: true).contains("run #3: its results document does not match its own document_sha256"))
    }

    /// A list of pieces edited (a piece swapped for another run's) without its digest: caught
    /// without reading any document.
    func testAnEditedListOfPiecesIsCaught() throws {
        let s = try store(nights: week)
        let (other, _) = try XCTUnwrap(try s.manifest(1))
        try tamper(s, "UPDATE run_pieces SET manifest = (SELECT manifest FROM run_pieces WHERE run = 1) WHERE run = 3")
        XCTAssertNotEqual(try s.manifest(3)?.0.hashes, nil)
        XCTAssertEqual(try s.manifest(3)?.0.hashes, other.hashes)
        XCTAssertEqual(try problems(s), ["run #3: its list of pieces was edited: it no longer matches its recorded SHA-256"])
        try tamper(s, "UPDATE run_pieces SET manifest_sha256 = (SELECT manifest_sha256 FROM run_pieces WHERE run = 1) WHERE run = 3")
        XCTAssertEqual(try problems(s), ["run #3: " + factsEdited], "the list's digest is in the entry hash")
        try tamper(s, "DELETE FROM run_pieces WHERE run = 2")
        XCTAssertTrue(try problems(s).contains("run #2: " + factsEdited), "a run stripped of its pieces")
    }

    /// Nights that share most of a large document share its pieces: the second night stores
    /// only the pieces around what changed, and every night reads back byte for byte.
    func testNightsShareTheirUnchangedPieces() throws {
        let s = try HistoryStore(path: Self.scratch() + "/h.sqlite", create: true)
        var rng = SplitMix64(seed: 3)
        // A document of about 1 MB: a header that changes, and 12,000 lines of which a few do.
        var lines = (0..<12000).map { i in "{\"asset\": \"host-\(i)\", \"evidence\": \"\((0..<40).map { _ in String(rng.int(10)) }.joined())\"}," }
        let n = night("2026-11-01", x: "1")
        func document(_ night: Int) -> [UInt8] { Array("{\"night\": \(night),\n\(lines.joined(separator: "\n"))\n}".utf8) }
        var stored: [[UInt8]] = []
        for night in 0..<3 {
            if night > 0 { for k in [17, 6000, 11999] { lines[k] = "{\"asset\": \"host-\(k)\", \"changed\": \(night)}," } }
            let bytes = document(night)
            stored.append(bytes)
            _ = try s.append(bytes: bytes, doc: n.doc, now: Date())
        }
        let db = try Database(path: s.path, create: false)
        let count = try db.prepare("SELECT COUNT(*), SUM(size) FROM pieces")
        _ = try count.step()
        let (first, _) = try XCTUnwrap(try s.manifest(1))
        XCTAssertGreaterThan(first.count, 20, "a large document is many pieces")
        // Each later night changes 3 lines and the header: at most 4 new pieces each.
        XCTAssertLessThanOrEqual(Int(count.int(0)), first.count + 2 * 4, "pieces stored once")
        for id in 1...3 { XCTAssertEqual(try s.documentBytes(Int64(id)), stored[id - 1], "night \(id) byte for byte") }
        XCTAssertTrue(try HistoryVerifier(s, deep: false).ok)
    }

    /// A store written by the format that kept each document whole: still read and verified,
    /// and a writer that opens it records new runs in pieces, the chain going on across.
    func testAStoreOfTheFirstFormatIsReadAndContinued() throws {
        let path = Self.scratch() + "/old.sqlite"
        let old = try Database(path: path, create: true)
        try old.exec(
            """
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            INSERT INTO meta (key, value) VALUES ('schema', 'gavel-history/v1');
            CREATE TABLE runs (
              id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, finished_at TEXT NOT NULL, recorded_at TEXT NOT NULL,
              policy_digest TEXT NOT NULL, assets INTEGER NOT NULL, evaluations INTEGER NOT NULL, pass INTEGER NOT NULL,
              fail INTEGER NOT NULL, error INTEGER NOT NULL, waived INTEGER NOT NULL, controls_failing INTEGER NOT NULL,
              document_sha256 TEXT NOT NULL UNIQUE, previous_hash TEXT NOT NULL, entry_hash TEXT NOT NULL,
              document BLOB NOT NULL);
            CREATE TABLE control_verdicts (
              run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE, control TEXT NOT NULL, verdict TEXT NOT NULL,
              assets_failing TEXT NOT NULL, PRIMARY KEY (run, control));
            CREATE TABLE prunes (
              id INTEGER PRIMARY KEY, pruned_at TEXT NOT NULL, keep_days INTEGER NOT NULL, through_run INTEGER NOT NULL,
              runs INTEGER NOT NULL, chain_hash TEXT NOT NULL);
            """)
        let first = night("2026-11-01", x: "0")
        let rows = HistoryStore.controlRows(first.doc)
        var r = HistoryRun(
            id: 1, startedAt: Timestamp.string(first.doc.startedAt), finishedAt: Timestamp.string(first.doc.finishedAt),
            recordedAt: "2026-11-01T02:00:02.000Z", policyDigest: first.doc.policyDigest, assets: 1, evaluations: 1, pass: 0, fail: 1,
            error: 0, waived: 0, controlsFailing: 1, documentSHA256: SHA256.hex(first.bytes), previousHash: HistoryStore.genesis, entryHash: "")
        r.entryHash = HistoryStore.entryHash(r, controlsDigest: HistoryStore.controlsDigest(rows))
        try old.prepare("INSERT INTO runs VALUES (1, ?, ?, ?, ?, 1, 1, 0, 1, 0, 0, 1, ?, ?, ?, ?)").run([
            .text(r.startedAt), .text(r.finishedAt), .text(r.recordedAt), .text(r.policyDigest), .text(r.documentSHA256),
            .text(r.previousHash), .text(r.entryHash), .blob(first.bytes),
        ])
        for c in rows { try old.prepare("INSERT INTO control_verdicts VALUES (1, ?, ?, ?)").run([.text(c.control), .text(c.verdict), .text(c.assets)]) }

        let reader = try HistoryStore(path: path, create: false)
        XCTAssertEqual(try reader.runs().map(\.piecesDigest), [nil])
        XCTAssertTrue(try HistoryVerifier(reader, deep: true).ok)
        XCTAssertEqual(try reader.documentBytes(1), first.bytes)

        let writer = try HistoryStore(path: path, create: true)
        let second = night("2026-11-02", x: "1")
        let run2 = try writer.append(bytes: second.bytes, doc: second.doc)
        XCTAssertEqual(run2.previousHash, r.entryHash, "the chain goes on across the formats")
        XCTAssertNotNil(run2.piecesDigest)
        let v = try HistoryVerifier(writer, deep: true)
        XCTAssertTrue(v.ok, "\(v.problems)")
        XCTAssertEqual(try writer.documentBytes(1), first.bytes)
        XCTAssertEqual(try writer.documentBytes(2), second.bytes)
        try tamper(writer, "UPDATE runs SET document = x'00' WHERE id = 1")
        XCTAssertEqual(try problems(writer), ["run #1: its results document was edited: its SHA-256 no longer matches the recorded one"])
    }

    func testARemovedRunIsCaught() throws {
        let s = try store(nights: week)
        try tamper(s, "DELETE FROM runs WHERE id = 2")
        let found = try problems(s)
        XCTAssertTrue(found.contains("run #3: expected run #2 here: runs are missing from the chain"), "\(found)")
        XCTAssertTrue(found.contains { $0.hasPrefix("run #3: its link to the previous run does not match") }, "\(found)")
    }

    func testPruningRemovesTheOldestRunsAndTheChainStillVerifies() throws {
        let s = try store(nights: week)
        // Runs from 2026-11-04 on are within 3 days of 2026-11-07.
        XCTAssertEqual(try pieceCount(s), 5, "each night's small document is a piece of its own")
        XCTAssertEqual(try s.prune(keepDays: 3, now: Timestamp.parse("2026-11-07T12:00:00Z")!), 3)
        XCTAssertEqual(try s.runs().map(\.id), [4, 5])
        XCTAssertEqual(try pieceCount(s), 2, "the pruned runs' pieces went with them")
        XCTAssertTrue(try HistoryVerifier(s).ok)
        XCTAssertEqual(try s.prunes().map(\.runs), [3])
        // The chain goes on from where it was.
        let n = night("2026-11-07", x: "1")
        XCTAssertEqual(try s.append(bytes: n.bytes, doc: n.doc).id, 6)
        XCTAssertTrue(try HistoryVerifier(s).ok)
        XCTAssertEqual(try s.prune(keepDays: 3, now: Timestamp.parse("2026-11-07T12:00:00Z")!), 0, "nothing more to prune")
        // Removing a kept run by hand is still caught.
        try tamper(s, "DELETE FROM runs WHERE id = 4")
        XCTAssertTrue(try problems(s).contains("run #5: expected run #4 here: runs are missing from the chain"))
    }

    func testPruningEverythingKeepsTheChainsEnd() throws {
        let s = try store(nights: week)
        XCTAssertEqual(try s.prune(keepDays: 1, now: Timestamp.parse("2026-12-31T00:00:00Z")!), 5)
        XCTAssertEqual(try s.runs().count, 0)
        let n = night("2026-12-31", x: "1")
        let run = try s.append(bytes: n.bytes, doc: n.doc)
        XCTAssertEqual(run.id, 6)
        XCTAssertEqual(run.previousHash, try s.prunes().last?.chainHash)
        XCTAssertTrue(try HistoryVerifier(s).ok)
    }

    func testATimelineShowsTheNightTheControlFailedAndTheNightsWithoutARun() throws {
        let s = try store(nights: week)
        let t = try s.timeline(control: "t:C1", since: Day("2026-11-01")!, until: Day("2026-11-07")!)
        XCTAssertEqual(t.points.map(\.verdict), [.pass, .pass, .fail, .pass, .pass])
        XCTAssertEqual(t.points[2].assetsFailing, ["a"])
        XCTAssertEqual(t.points[2].run.startedAt, "2026-11-03T02:00:00.000Z")
        XCTAssertEqual(t.daysWithoutRun.map(\.description), ["2026-11-05", "2026-11-07"])
        let part = try s.timeline(control: "t:C1", since: Day("2026-11-03")!, until: Day("2026-11-03")!)
        XCTAssertEqual(part.points.map(\.run.id), [3])
        XCTAssertEqual(try s.knownControls(), ["t:C1"])
    }

    func testAFileThatIsNotAStoreIsRefused() throws {
        let dir = Self.scratch()
        XCTAssertThrowsError(try HistoryStore(path: dir + "/missing.sqlite", create: false)) {
            XCTAssertEqual(($0 as? Diagnostic)?.code, .noHistoryStore)
            XCTAssertTrue(($0 as? Diagnostic)?.message.hasPrefix("no history store at") == true, "\($0)")
        }
        Self.write(dir + "/notes.txt", "not a database at all, just some text that is long enough to be a header\n")
        XCTAssertThrowsError(try HistoryStore(path: dir + "/notes.txt", create: false)) { XCTAssertEqual(($0 as? Diagnostic)?.code, .notAHistoryStore) }
        let other = try Database(path: dir + "/other.sqlite", create: true)
        try other.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO meta VALUES ('schema', 'something-else')")
        XCTAssertThrowsError(try HistoryStore(path: dir + "/other.sqlite", create: false)) {
            XCTAssertTrue("\($0)".contains("is not a Gavel history store"), "\($0)")
        }
    }
}

/// The chain's central property: a run cannot be rewritten without rewriting every run after
/// it up to the head, because each entry hash covers the previous run's hash.
extension HistoryStoreTests {
    func testARewrittenRunWhoseSuccessorsLinkIsFixedUpIsStillCaught() throws {
        let s = try store(nights: week)
        let headBefore = try HistoryVerifier(s).head
        // Run #3 (the failing night) rewritten as a pass, its entry hash recomputed, and run
        // #4's link fixed up to the new hash.
        try tamper(s, "UPDATE runs SET fail = 0, pass = 1 WHERE id = 3")
        var r3 = try s.runs()[2]
        r3.entryHash = HistoryStore.entryHash(r3, controlsDigest: HistoryStore.controlsDigest(try s.recordedControlRows(3)))
        try tamper(s, "UPDATE runs SET entry_hash = '\(r3.entryHash)' WHERE id = 3; UPDATE runs SET previous_hash = '\(r3.entryHash)' WHERE id = 4")
        let found = try problems(s)
        XCTAssertFalse(found.contains { $0.hasPrefix("run #3") }, "run #3 is consistent in itself: \(found)")
        XCTAssertEqual(found, ["run #4: " + factsEdited], "run #4's entry hash covered its old link")
        // Rewriting every later run too makes a chain that verifies, but with another head:
        // what an auditor compares with the head they were given (history verify prints it).
        for id in 4...5 {
            var r = try s.runs()[id - 1]
            let previous = try s.runs()[id - 2].entryHash
            r.previousHash = previous
            r.entryHash = HistoryStore.entryHash(r, controlsDigest: HistoryStore.controlsDigest(try s.recordedControlRows(Int64(id))))
            try tamper(s, "UPDATE runs SET previous_hash = '\(previous)', entry_hash = '\(r.entryHash)' WHERE id = \(id)")
        }
        let v = try HistoryVerifier(s)
        XCTAssertTrue(v.ok, "\(v.problems)")
        XCTAssertNotEqual(v.head, headBefore, "a rewritten history has a different head")
    }

    func testEveryRecordedFactIsInTheEntryHash() throws {
        let s = try store(nights: week)
        let r = try s.runs()[2]
        let digest = HistoryStore.controlsDigest(try s.recordedControlRows(3))
        let base = HistoryStore.entryHash(r, controlsDigest: digest)
        XCTAssertEqual(base, r.entryHash)
        var edits: [(String, HistoryRun)] = []
        func edit(_ name: String, _ change: (inout HistoryRun) -> Void) { var c = r; change(&c); edits.append((name, c)) }
        edit("id") { $0.id += 1 }
        edit("started_at") { $0.startedAt += "x" }
        edit("finished_at") { $0.finishedAt += "x" }
        edit("recorded_at") { $0.recordedAt += "x" }
        edit("policy_digest") { $0.policyDigest += "x" }
        edit("assets") { $0.assets += 1 }
        edit("evaluations") { $0.evaluations += 1 }
        edit("pass") { $0.pass += 1 }
        edit("fail") { $0.fail += 1 }
        edit("error") { $0.error += 1 }
        edit("waived") { $0.waived += 1 }
        edit("controls_failing") { $0.controlsFailing += 1 }
        edit("document_sha256") { $0.documentSHA256 += "x" }
        edit("previous_hash") { $0.previousHash += "x" }
        for (name, c) in edits {
            XCTAssertNotEqual(HistoryStore.entryHash(c, controlsDigest: digest), base, "\(name) is not covered by the entry hash")
        }
        XCTAssertNotEqual(HistoryStore.entryHash(r, controlsDigest: digest + "x"), base, "the control rows are covered")
    }
}
