import Foundation
import XCTest

/// `gavel evidence` over nights recorded with their real past dates (`history add` of
/// archived results, oldest first), and `gavel evidence verify` of the pack it writes.
extension CLITests {
    func testHistoryAddRefusesToGoBackInTime() throws {
        let dir = try weekOfNights()
        try night("2026-10-31", daysLeft: 61, "late.json", in: dir)
        let r = try gavel(["history", "add", "late.json", "--in-time-order", "--store", "h.sqlite"], cwd: dir)
        XCTAssertEqual(r.code, 3, r.err)
        XCTAssertTrue(r.err.contains("error[history-out-of-order]: this run started at 2026-10-31T02:00:00.000Z, before run #4"), r.err)
        XCTAssertEqual(try gavel(["history", "verify", "--store", "h.sqlite"], cwd: dir).code, 0, "the chain is untouched")
        // Without the flag a document is recorded whenever it arrives (several writers).
        XCTAssertEqual(try gavel(["history", "add", "late.json", "--store", "h.sqlite"], cwd: dir).code, 0)
    }

    func testEvidencePackOfAPeriodAndItsOfflineVerification() throws {
        let dir = try weekOfNights()
        try "2026-11-03\n# the auditor's pick\n2026-11-01\n".write(toFile: dir + "/dates.txt", atomically: true, encoding: .utf8)
        let args = ["evidence", "--store", "h.sqlite", "--period", "2026-11-01..2026-11-05", "--framework", "soc2", "--dates", "dates.txt", "-o", "pack"]
        let r = try gavel(args, cwd: dir)
        XCTAssertEqual(r.code, 0, r.err)
        XCTAssertTrue(r.err.contains("5 expected nights, 1 missed"), r.err)
        let summary = try String(contentsOfFile: dir + "/pack/summary.csv", encoding: .utf8)
        XCTAssertTrue(summary.contains("soc2:CC6.7,"), summary)
        let cc67 = try XCTUnwrap(summary.components(separatedBy: "\r\n").first { $0.hasPrefix("soc2:CC6.7,") })
        XCTAssertTrue(cc67.hasSuffix(",no,5,4,3,1,0,0,0,1,0,2,no"), cc67)
        let exceptions = try String(contentsOfFile: dir + "/pack/exceptions.csv", encoding: .utf8)
        XCTAssertTrue(exceptions.contains("soc2:CC6.7,fail,2026-11-03,2026-11-03,1,clinic-a.example.com,HOST-CERT-001,,2026-11-05,2\r\n"), exceptions)
        XCTAssertTrue(exceptions.contains("soc2:CC6.7,missing,2026-11-04,2026-11-04,1,,,,2026-11-05,1\r\n"), exceptions)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir + "/pack/sample").sorted()
        XCTAssertEqual(files, ["2026-11-01-run1.json", "2026-11-03-run3.json", "selection.csv"])

        // Offline: the pack against its manifest and chain, a sampled document on its own,
        // and the store against the pack's head.
        let manifest = try jsonObject(dir + "/pack/manifest.json")
        let head = try XCTUnwrap(manifest["head"] as? String)
        XCTAssertEqual(try gavel(["evidence", "verify", "pack", "--head", String(head.prefix(16))], cwd: dir).code, 0)
        // On its own a sampled document checks its digest (and the inputs it read, which the
        // later nights changed: the certificate was renewed).
        let alone = try gavel(["verify", "pack/sample/2026-11-03-run3.json"], cwd: dir)
        XCTAssertTrue(alone.out.hasPrefix("ok        document pack/sample/2026-11-03-run3.json\n"), alone.out)
        XCTAssertEqual(try gavel(["history", "verify", "--store", "h.sqlite", "--head", head], cwd: dir).code, 0)

        // The same inputs give the same bytes; the pack replaces its own earlier copy.
        let before = try Data(contentsOf: URL(fileURLWithPath: dir + "/pack/manifest.json"))
        let again = try gavel(args, cwd: dir)
        XCTAssertEqual(again.code, 0, again.err)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: dir + "/pack/manifest.json")), before)

        // An edited sampled document is named.
        let sampled = dir + "/pack/sample/2026-11-03-run3.json"
        let text = try String(contentsOfFile: sampled, encoding: .utf8)
        let edited = text.replacingOccurrences(of: "clinic-a.example.com", with: "clinic-z.example.com")
        XCTAssertNotEqual(edited, text)
        try edited.write(toFile: sampled, atomically: true, encoding: .utf8)
        let v = try gavel(["evidence", "verify", "pack"], cwd: dir)
        XCTAssertEqual(v.code, 1)
        XCTAssertTrue(v.out.contains("CHANGED  sample/2026-11-03-run3.json: changed since the pack was written"), v.out)
        XCTAssertTrue(v.out.contains("CHANGED  sample/2026-11-03-run3.json: not the document run #3 recorded"), v.out)

        // Mistakes are usage errors; an empty period is no evidence at all.
        let unknown = try gavel(["evidence", "--store", "h.sqlite", "--period", "2026-11-01..2026-11-05", "--control", "soc2:CC6.77", "-o", "x"], cwd: dir)
        XCTAssertEqual(unknown.code, 2, unknown.err)
        XCTAssertTrue(unknown.err.contains("error[unknown-control]") && unknown.err.contains("did you mean soc2:CC6.7?"), unknown.err)
        let empty = try gavel(["evidence", "--store", "h.sqlite", "--period", "2025-01-01..2025-01-31", "-o", "y"], cwd: dir)
        XCTAssertEqual(empty.code, 3, empty.err)
        XCTAssertTrue(empty.err.contains("error[no-such-run]"), empty.err)
        XCTAssertEqual(try gavel(["evidence", "--store", "h.sqlite", "--period", "2026-11-05..2026-11-01", "-o", "z"], cwd: dir).code, 2)
        XCTAssertEqual(try gavel(["evidence", "--store", "h.sqlite", "--period", "2026-11-01..2026-11-05", "--sample", "3", "-o", "z"], cwd: dir).code, 2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/x") || FileManager.default.fileExists(atPath: dir + "/y"))
        // The user's own folder is never replaced.
        try FileManager.default.createDirectory(atPath: dir + "/mine", withIntermediateDirectories: true)
        try "keep".write(toFile: dir + "/mine/notes.txt", atomically: true, encoding: .utf8)
        XCTAssertNotEqual(
            try gavel(["evidence", "--store", "h.sqlite", "--period", "2026-11-01..2026-11-05", "-o", "mine"], cwd: dir).code, 0)
        XCTAssertEqual(try String(contentsOfFile: dir + "/mine/notes.txt", encoding: .utf8), "keep")
    }
}
