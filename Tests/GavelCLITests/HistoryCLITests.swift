import Foundation
import XCTest

/// `gavel eval --store` and `gavel history`: a week of nights with one failing, a tampered
/// row, a writer killed inside its transaction, concurrent writers.
extension CLITests {
    /// Runs a shell command; returns stdout (asserting exit 0).
    @discardableResult
    func sh(_ command: String, in dir: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, command)
        return String(decoding: data, as: UTF8.self)
    }

    /// The results of clinic-a on the night of `day` at 02:00 UTC, its certificate with
    /// `daysLeft` days to go, written to `name`. The run's times are set to that night and
    /// the document's own digest recomputed, as if the nightly job had run then.
    func night(_ day: String, daysLeft: Int, _ name: String, in dir: String) throws {
        let hosting = dir + "/Snapshots/clinic-a.example.com/hosting.json"
        let text = try String(contentsOfFile: hosting, encoding: .utf8)
        try text.replacingOccurrences(of: #""days_left": \d+,"#, with: "\"days_left\": \(daysLeft),", options: .regularExpression)
            .write(toFile: hosting, atomically: true, encoding: .utf8)
        let r = try gavel(["eval", "--snapshots", "Snapshots/clinic-a.example.com", "--format", "json", "-o", name, "--fail-on", "none"], cwd: dir)
        XCTAssertEqual(r.code, 0, r.err)
        var doc = try String(contentsOfFile: dir + "/" + name, encoding: .utf8)
        doc = doc.replacingOccurrences(of: #""started_at": "[^"]+""#, with: "\"started_at\": \"\(day)T02:00:00.000Z\"", options: .regularExpression)
        doc = doc.replacingOccurrences(of: #""finished_at": "[^"]+""#, with: "\"finished_at\": \"\(day)T02:00:01.000Z\"", options: .regularExpression)
        doc = doc.replacingOccurrences(of: #""duration_ms": \d+"#, with: "\"duration_ms\": 1000", options: .regularExpression)
        let cut = doc.range(of: "\"document_sha256\"")!.lowerBound
        let head = String(doc[..<cut])
        try head.write(toFile: dir + "/head.tmp", atomically: true, encoding: .utf8)
        let digest = try sh("sha256sum head.tmp | cut -d' ' -f1", in: dir).trimmingCharacters(in: .whitespacesAndNewlines)
        try (head + "\"document_sha256\": \"\(digest)\"\n}\n").write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
    }

    /// A store with five nights, 2026-11-01 to 2026-11-05 (none on the 4th), the
    /// certificate about to expire on the night of the 3rd (soc2:CC6.7 fails).
    func weekOfNights() throws -> String {
        let dir = tempDir()
        for sub in ["Policies", "Snapshots"] { try FileManager.default.copyItem(atPath: CLITests.repo + "/" + sub, toPath: dir + "/" + sub) }
        for (day, left) in [("2026-11-01", 60), ("2026-11-02", 59), ("2026-11-03", 5), ("2026-11-05", 88)] {
            try night(day, daysLeft: left, "\(day).json", in: dir)
            let r = try gavel(["history", "add", "\(day).json", "--store", "h.sqlite"], cwd: dir)
            XCTAssertEqual(r.code, 0, r.err)
        }
        return dir
    }

    func testAHistoryShowsTheNightAControlFailed() throws {
        let dir = try weekOfNights()
        var r = try gavel(["history", "control", "soc2:CC6.7", "--since", "2026-11-01", "--until", "2026-11-05", "--store", "h.sqlite"], cwd: dir)
        XCTAssertEqual(r.code, 0, r.err)
        XCTAssertTrue(r.out.hasPrefix("soc2:CC6.7 from 2026-11-01 to 2026-11-05: 4 runs: 3 pass, 1 fail, 0 error; 1 day without a run\n"), r.out)
        XCTAssertTrue(r.out.contains("  2026-11-02T02:00:00.000Z  #2  pass\n  2026-11-03T02:00:00.000Z  #3  FAIL  clinic-a.example.com\n"), r.out)
        XCTAssertTrue(r.out.contains("days without a run: 2026-11-04\n"), r.out)

        // The same timeline for a workpaper: CSV by day, and JSON.
        r = try gavel(
            [
                "history", "control", "soc2:CC6.7", "--since", "2026-11-01", "--until", "2026-11-05", "--store", "h.sqlite",
                "--format", "csv",
            ], cwd: dir)
        XCTAssertEqual(
            r.out.components(separatedBy: "\r\n").dropLast(),
            [
                "day,run,started_at,verdict,assets_failing",
                "2026-11-01,1,2026-11-01T02:00:00.000Z,pass,",
                "2026-11-02,2,2026-11-02T02:00:00.000Z,pass,",
                "2026-11-03,3,2026-11-03T02:00:00.000Z,fail,clinic-a.example.com",
                "2026-11-04,,,no_run,",
                "2026-11-05,4,2026-11-05T02:00:00.000Z,pass,",
            ])
        r = try gavel(
            [
                "history", "control", "soc2:CC6.7", "--since", "2026-11-01", "--until", "2026-11-05", "--store", "h.sqlite",
                "--format", "json", "-o", "timeline.json",
            ], cwd: dir)
        let timeline = try jsonObject(dir + "/timeline.json")
        XCTAssertEqual(timeline["gavel"] as? String, "timeline/v1")
        XCTAssertEqual((timeline["runs"] as! [[String: Any]]).map { $0["verdict"] as! String }, ["pass", "pass", "fail", "pass"])
        XCTAssertEqual(timeline["days_without_run"] as? [String], ["2026-11-04"])

        r = try gavel(["history", "--store", "h.sqlite"], cwd: dir)
        XCTAssertTrue(r.out.contains("#3  2026-11-03T02:00:00.000Z  1 assets"), r.out)
        XCTAssertTrue(r.out.hasSuffix("4 runs in h.sqlite\n"), r.out)

        // The last two nights: the certificate renewed.
        r = try gavel(["history", "diff", "--store", "h.sqlite"], cwd: dir)
        XCTAssertTrue(r.out.hasPrefix("gavel history diff: run #3 (2026-11-03T02:00:00.000Z) -> run #4 (2026-11-05T02:00:00.000Z)"), r.out)
        XCTAssertTrue(r.out.contains("HOST-CERT-001  clinic-a.example.com  fail -> pass"), r.out)
        r = try gavel(["history", "diff", "2", "3", "--store", "h.sqlite", "--format", "json"], cwd: dir)
        XCTAssertTrue(r.out.contains("\"change\": \"newly_failing\""), r.out)
        XCTAssertEqual(try gavel(["history", "diff", "2", "9", "--store", "h.sqlite"], cwd: dir).code, 3)

        // The report of the last night lists the fix, taken from the history.
        r = try gavel(["report", "2026-11-05.json", "--format", "markdown", "--store", "h.sqlite"], cwd: dir)
        XCTAssertTrue(r.out.contains("Compared with the run started 2026-11-03T02:00:00.000Z: 1 verdict changed."), r.out)
        r = try gavel(["report", "2026-11-01.json", "--format", "markdown", "--store", "h.sqlite"], cwd: dir)
        XCTAssertTrue(r.out.contains("h.sqlite holds no run before this one."), "the first night has nothing to compare with")

        r = try gavel(["history", "control", "soc2:CC6.77", "--store", "h.sqlite"], cwd: dir)
        XCTAssertEqual(r.code, 2)
        XCTAssertTrue(r.err.contains("did you mean 'soc2:CC6.7'?"), r.err)
        XCTAssertEqual(try gavel(["history", "--store", "nowhere.sqlite"], cwd: dir).code, 3)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/nowhere.sqlite"), "reading never creates a store")
    }

    func testHistoryVerifyCatchesATamperedRowAndAMissingHead() throws {
        let dir = try weekOfNights()
        var r = try gavel(["history", "verify", "--store", "h.sqlite"], cwd: dir)
        XCTAssertEqual(r.code, 0, r.out + r.err)
        XCTAssertTrue(r.out.hasPrefix("verified: 4 runs, chain intact; head "), r.out)
        let head = String(r.out.split(separator: " ").last!).trimmingCharacters(in: .whitespacesAndNewlines)
        // Someone marks the failing night as passing, in the summary and the control index.
        try sh(
            "/usr/bin/python3 -c \"import sqlite3; c = sqlite3.connect('h.sqlite'); "
                + "c.execute(\\\"UPDATE control_verdicts SET verdict = 'pass', assets_failing = '' WHERE run = 3 AND control = 'soc2:CC6.7'\\\"); c.commit()\"",
            in: dir)
        r = try gavel(["history", "verify", "--store", "h.sqlite"], cwd: dir)
        XCTAssertEqual(r.code, 1)
        XCTAssertTrue(r.out.contains("CHANGED  run #3: its entry hash does not match its recorded facts"), r.out)
        r = try gavel(["history", "verify", "--deep", "--store", "h.sqlite"], cwd: dir)
        XCTAssertEqual(r.code, 1)
        XCTAssertTrue(
            r.out.contains("CHANGED  run #3: its per-control verdicts differ from its document's (soc2:CC6.7: recorded pass, document says fail)"), r.out)
        // Or removes the newest run entirely: only the head kept elsewhere shows it.
        try sh(
            "/usr/bin/python3 -c \"import sqlite3; c = sqlite3.connect('h.sqlite'); "
                + "c.execute(\\\"UPDATE control_verdicts SET verdict = 'fail', assets_failing = 'clinic-a.example.com' WHERE run = 3 AND control = 'soc2:CC6.7'\\\"); "
                + "c.execute('DELETE FROM control_verdicts WHERE run = 4'); c.execute('DELETE FROM runs WHERE id = 4'); c.commit()\"", in: dir)
        XCTAssertEqual(try gavel(["history", "verify", "--store", "h.sqlite"], cwd: dir).code, 0)
        XCTAssertEqual(try gavel(["history", "verify", "--store", "h.sqlite", "--head", "abc"], cwd: dir).code, 2, "too short to mean anything")
        r = try gavel(["history", "verify", "--store", "h.sqlite", "--head", String(head.prefix(16))], cwd: dir)
        XCTAssertEqual(r.code, 1)
        XCTAssertTrue(r.out.contains("the chain no longer contains the head"), r.out)
    }

    func testEvalRecordsEachRunAndRefusesAnEditedDocument() throws {
        let dir = try evaluatedCopy()
        var r = try gavel(["eval", "--store", "h.sqlite", "--fail-on", "high"], cwd: dir)
        XCTAssertEqual(r.code, 1, "a failing night is still recorded")
        XCTAssertTrue(r.err.contains("recorded run #1 in h.sqlite"), r.err)
        r = try gavel(["eval", "--store", "h.sqlite", "--fail-on", "none", "--format", "html", "-o", "report.html"], cwd: dir)
        XCTAssertEqual(r.code, 0, r.err)
        let html = try String(contentsOfFile: dir + "/report.html", encoding: .utf8)
        XCTAssertTrue(html.contains("0 new failures, 0 fixed, 0 new errors"), "the previous run came from the store")
        XCTAssertEqual(try gavel(["eval", "--keep-days", "30", "--fail-on", "none"], cwd: dir).code, 2, "--keep-days needs --store")
        // With --format json -o, the file written is exactly the document stored.
        r = try gavel(["eval", "--store", "h.sqlite", "--fail-on", "none", "--format", "json", "-o", "night.json"], cwd: dir)
        XCTAssertEqual(r.code, 0, r.err)
        XCTAssertTrue(r.err.contains("recorded run #3"), r.err)
        r = try gavel(["history", "add", "night.json", "--store", "h.sqlite"], cwd: dir)
        XCTAssertTrue(r.err.contains("already recorded as run #3"), r.err)
        XCTAssertEqual(try gavel(["verify", "night.json"], cwd: dir).code, 0)
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: dir).contains { $0.contains(".pending-") }, "no temporary file is left")

        let text = try String(contentsOfFile: dir + "/results.json", encoding: .utf8)
        try text.replacingOccurrences(of: #""verdict":"fail""#, with: #""verdict":"pass""#).write(
            toFile: dir + "/edited.json", atomically: true, encoding: .utf8)
        r = try gavel(["history", "add", "edited.json", "--store", "h.sqlite"], cwd: dir)
        XCTAssertEqual(r.code, 3)
        XCTAssertTrue(r.err.contains("edited.json was edited after Gavel wrote it; not recorded"), r.err)
        XCTAssertEqual(try gavel(["history", "add", "results.json", "--store", "h.sqlite"], cwd: dir).code, 0)
        XCTAssertEqual(try gavel(["history", "add", "results.json", "--store", "h.sqlite"], cwd: dir).code, 3, "not twice")
        XCTAssertTrue(try gavel(["history", "--store", "h.sqlite"], cwd: dir).out.hasSuffix("4 runs in h.sqlite\n"))

        // A report written over the store, or its log, would destroy the history.
        let store = try Data(contentsOf: URL(fileURLWithPath: dir + "/h.sqlite"))
        for cmd in [["history", "diff"], ["history", "control", "soc2:CC6.1"]] {
            for target in ["h.sqlite", "./h.sqlite-wal"] {
                r = try gavel(cmd + ["--store", "h.sqlite", "-o", target], cwd: dir)
                XCTAssertEqual(r.code, 2, cmd.joined(separator: " "))
                XCTAssertTrue(r.err.contains("--output \(target) is an input of this command"), r.err)
            }
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: dir + "/h.sqlite")), store)
        XCTAssertEqual(try gavel(["history", "verify", "--store", "h.sqlite"], cwd: dir).code, 0)
    }

    /// `history add FILE --store STORE` started with the test hook that stops it inside its
    /// write transaction (for `seconds`, or a minute for "1"), returned once it says so.
    func stalledWriter(_ file: String, store: String, in dir: String, seconds: String = "1", env: [String: String] = [:]) throws -> (Process, Pipe) {
        let p = Process()
        p.executableURL = gavelBinary
        p.arguments = ["history", "add", file, "--store", store]
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        p.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }.merging(["GAVEL_TEST_HISTORY_STALL": seconds]) { $1 }
        let err = Pipe()
        p.standardError = err
        try p.run()
        var said = ""
        while !said.contains("stalled") {
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            said += String(decoding: chunk, as: UTF8.self)
        }
        XCTAssertTrue(said.contains("stalled in the write transaction"), said)
        return (p, err)
    }

    func testAWriterKilledInsideItsTransactionLeavesTheStoreAsItWas() throws {
        let dir = try weekOfNights()
        try night("2026-11-06", daysLeft: 87, "n6.json", in: dir)
        // Wait until it has written the run's row inside the open transaction, then kill it.
        let (p, _) = try stalledWriter("n6.json", store: "h.sqlite", in: dir)
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationReason, .uncaughtSignal)

        var r = try gavel(["history", "verify", "--store", "h.sqlite"], cwd: dir)
        XCTAssertEqual(r.code, 0, r.out)
        XCTAssertTrue(r.out.hasPrefix("verified: 4 runs"), "the killed run left nothing: \(r.out)")
        r = try gavel(["history", "add", "n6.json", "--store", "h.sqlite"], cwd: dir)
        XCTAssertEqual(r.code, 0, r.err)
        XCTAssertTrue(r.err.contains("recorded run #5"), r.err)
        XCTAssertEqual(try gavel(["history", "verify", "--store", "h.sqlite"], cwd: dir).code, 0)

        // Killed at whatever point it has reached: each time the run is either all there or
        // not there at all, and the chain verifies.
        var runs = 5
        for i in 0..<6 {
            let name = "k\(i).json"
            try night("2026-11-\(10 + i)", daysLeft: 70 - i, name, in: dir)
            let k = Process()
            k.executableURL = gavelBinary
            k.arguments = ["history", "add", name, "--store", "h.sqlite"]
            k.currentDirectoryURL = URL(fileURLWithPath: dir)
            k.standardError = FileHandle.nullDevice
            try k.run()
            usleep(useconds_t(i * 15_000))
            kill(k.processIdentifier, SIGKILL)
            k.waitUntilExit()
            let v = try gavel(["history", "verify", "--store", "h.sqlite"], cwd: dir)
            XCTAssertEqual(v.code, 0, v.out)
            let now = Int(v.out.split(separator: " ")[1])!
            XCTAssertTrue(now == runs || now == runs + 1, "\(runs) -> \(now)")
            runs = now
        }
    }

    /// `gavel history add` of each of `files` into `store`, all started at once; their exit codes.
    func addAtOnce(_ files: [String], store: String, in dir: String, env: [String: String] = [:]) throws -> [Int32] {
        let procs = files.map { f -> Process in
            let p = Process()
            p.executableURL = gavelBinary
            p.arguments = ["history", "add", f, "--store", store]
            p.currentDirectoryURL = URL(fileURLWithPath: dir)
            p.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
            p.standardError = FileHandle.nullDevice
            return p
        }
        for p in procs { try p.run() }
        for p in procs { p.waitUntilExit() }
        return procs.map(\.terminationStatus)
    }

    func testConcurrentRunsAllLandInOneChain() throws {
        let dir = try weekOfNights()
        let days = ["2026-11-06", "2026-11-07", "2026-11-08", "2026-11-09"]
        for (i, d) in days.enumerated() { try night(d, daysLeft: 80 - i, "\(d).json", in: dir) }
        XCTAssertEqual(try addAtOnce(days.map { "\($0).json" }, store: "h.sqlite", in: dir), [0, 0, 0, 0])
        let r = try gavel(["history", "verify", "--store", "h.sqlite"], cwd: dir)
        XCTAssertEqual(r.code, 0, r.out)
        XCTAssertTrue(r.out.hasPrefix("verified: 8 runs, chain intact"), r.out)
    }

    func testPruneKeepsTheChainVerifiable() throws {
        let dir = try weekOfNights()
        // Every night is more than a day old by now (2026-11 and later): all but none kept.
        var r = try gavel(["history", "prune", "--keep-days", "36500", "--store", "h.sqlite"], cwd: dir)
        XCTAssertEqual(r.out, "pruned 0 runs that started more than 36500 days ago\n")
        r = try gavel(["history", "prune", "--keep-days", "1", "--store", "h.sqlite"], cwd: dir)
        XCTAssertEqual(r.out, "pruned 4 runs that started more than 1 days ago\n")
        r = try gavel(["history", "--store", "h.sqlite"], cwd: dir)
        XCTAssertTrue(r.out.contains("pruned 4 runs through #4"), r.out)
        XCTAssertEqual(try gavel(["eval", "--snapshots", "Snapshots/clinic-a.example.com", "--store", "h.sqlite", "--fail-on", "none"], cwd: dir).code, 0)
        r = try gavel(["history", "verify", "--store", "h.sqlite"], cwd: dir)
        XCTAssertEqual(r.code, 0, r.out)
        XCTAssertTrue(r.out.hasPrefix("verified: 1 run, chain intact"), r.out)
        XCTAssertEqual(try gavel(["history", "prune", "--keep-days", "0", "--store", "h.sqlite"], cwd: dir).code, 2)
    }
}
