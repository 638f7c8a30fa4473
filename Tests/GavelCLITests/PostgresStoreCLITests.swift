import Foundation
import XCTest

/// The history in a team's PostgreSQL (Debian's server, started by `scripts/testpg.sh` in a
/// folder of its own, reached over TCP with a password from a pgpass file): the same
/// commands and chain as SQLite, several writers at once, a writer killed or cut off inside
/// its transaction, the BI views, and a SQLite store migrated into it.
extension CLITests {
    /// A server for this test (stopped when the test ends) and a fresh database in it.
    private func postgres() throws -> (url: String, env: [String: String], dir: String) {
        guard FileManager.default.fileExists(atPath: "/usr/lib/postgresql") else {
            throw XCTSkip("PostgreSQL is not installed (scripts/setup.sh --integration installs it)")
        }
        let dir = NSTemporaryDirectory() + "gavel-pg-\(UUID().uuidString.prefix(8))"
        let port = 56000 + Int.random(in: 0..<2000)
        let start = try ProgramRunner.run(URL(fileURLWithPath: "/bin/bash"), [Self.repo + "/scripts/testpg.sh", "start", dir, String(port)])
        XCTAssertEqual(start.code, 0, start.err)
        addTeardownBlock { _ = try? ProgramRunner.run(URL(fileURLWithPath: "/bin/bash"), [Self.repo + "/scripts/testpg.sh", "stop", dir]) }
        try sql(dir, "CREATE DATABASE history OWNER gavel")
        return ("postgresql://gavel@127.0.0.1:\(port)/history", ["PGPASSFILE": dir + "/pgpass", "PGCONNECT_TIMEOUT": "10"], dir)
    }

    @discardableResult
    private func sql(_ dir: String, _ statement: String, database: String = "postgres") throws -> String {
        let r = try ProgramRunner.run(URL(fileURLWithPath: "/bin/bash"), [Self.repo + "/scripts/testpg.sh", "sql", dir, "-d", database, statement])
        XCTAssertEqual(r.code, 0, "\(statement): \(r.err)")
        return r.out
    }

    func testAPostgresStoreKeepsTheSameChainAsSQLite() throws {
        let pg = try postgres()
        let work = tempDir()
        for day in ["2026-12-01", "2026-12-02", "2026-12-03"] {
            let r = try gavel(
                [
                    "eval", "--snapshots", Self.repo + "/Snapshots", "--policies", Self.repo + "/Policies", "--store", pg.url, "--fail-on", "none", "--as-of",
                    day,
                ], env: pg.env, cwd: work)
            XCTAssertEqual(r.code, 0, r.err)
            XCTAssertTrue(r.err.contains("recorded run #"), r.err)
        }
        let list = try gavel(["history", "--store", pg.url], env: pg.env)
        XCTAssertTrue(list.out.contains("3 runs in \(pg.url)"), list.out)
        let verify = try gavel(["history", "verify", "--store", pg.url, "--deep"], env: pg.env)
        XCTAssertEqual(verify.code, 0, verify.out + verify.err)
        XCTAssertTrue(verify.out.hasPrefix("verified: 3 runs, chain intact"), verify.out)
        let control = try gavel(["history", "control", "soc2:CC6.1", "--since", "2026-11-01", "--store", pg.url, "--format", "csv"], env: pg.env)
        XCTAssertEqual(control.code, 0, control.err)
        XCTAssertEqual(control.out.split(whereSeparator: \.isNewline).filter { $0.contains("Z,fail,") }.count, 3, control.out)
        XCTAssertEqual(try gavel(["history", "diff", "--store", pg.url], env: pg.env).code, 0)
        let doc = try gavel([
            "eval", "--snapshots", Self.repo + "/Snapshots", "--policies", Self.repo + "/Policies", "--format", "json", "-o", work + "/r.json", "--fail-on",
            "none",
        ])
        XCTAssertEqual(doc.code, 0)
        XCTAssertEqual(try gavel(["report", work + "/r.json", "--store", pg.url, "-o", work + "/report.html"], env: pg.env).code, 0)

        // The views an auditor's BI tool reads.
        let nights = try sql(pg.dir, "SELECT night, verdict FROM control_nights WHERE control = 'soc2:CC6.1' ORDER BY run", database: "history")
        XCTAssertEqual(nights.split(separator: "\n").count, 3, nights)
        XCTAssertTrue(nights.contains("|fail"), nights)
        XCTAssertEqual(try sql(pg.dir, "SELECT COUNT(*) FROM run_summaries", database: "history").trimmingCharacters(in: .whitespacesAndNewlines), "3")

        // An edited row is caught, as in SQLite.
        try sql(pg.dir, "UPDATE runs SET fail = 0 WHERE id = 2", database: "history")
        let tampered = try gavel(["history", "verify", "--store", pg.url], env: pg.env)
        XCTAssertEqual(tampered.code, 1)
        XCTAssertTrue(tampered.out.contains("run #2: its entry hash does not match"), tampered.out)

        // A password on the command line is refused before anything connects.
        let password = try gavel(["history", "--store", pg.url.replacingOccurrences(of: "gavel@", with: "gavel:secret@")], env: pg.env)
        XCTAssertEqual(password.code, 3)
        XCTAssertTrue(password.err.contains("error[store-password]"), password.err)
        // No store in an empty database; a wrong password says what the server said.
        try sql(pg.dir, "CREATE DATABASE empty OWNER gavel")
        let empty = try gavel(["history", "--store", pg.url.replacingOccurrences(of: "/history", with: "/empty")], env: pg.env)
        XCTAssertTrue(empty.err.contains("error[no-history-store]"), empty.err)
        let denied = try gavel(["history", "--store", pg.url], env: ["PGPASSFILE": "/dev/null", "PGPASSWORD": "wrong"])
        XCTAssertEqual(denied.code, 3)
        XCTAssertTrue(denied.err.contains("password authentication failed"), denied.err)
        // A database where the role may not create tables (its public schema, PostgreSQL 15 on)
        // says so, rather than that the store is not Gavel's.
        let noCreate = try gavel(
            [
                "eval", "--snapshots", Self.repo + "/Snapshots", "--policies", Self.repo + "/Policies", "--store",
                pg.url.replacingOccurrences(of: "/history", with: "/postgres"), "--fail-on", "none",
            ],
            env: pg.env, cwd: work)
        XCTAssertEqual(noCreate.code, 3)
        XCTAssertTrue(noCreate.err.contains("error[history-store]") && noCreate.err.contains("the role cannot create the store's tables"), noCreate.err)
    }

    func testPostgresWritersQueueSurviveAKilledWriterAndADroppedConnection() throws {
        let pg = try postgres()
        let dir = try weekOfNights()
        let days = ["2026-11-06", "2026-11-07", "2026-11-08", "2026-11-09"]
        for (i, d) in days.enumerated() { try night(d, daysLeft: 80 - i, "\(d).json", in: dir) }
        // Four writers at once land one after the other in one chain.
        XCTAssertEqual(try addAtOnce(days.map { "\($0).json" }, store: pg.url, in: dir, env: pg.env), [0, 0, 0, 0])
        var v = try gavel(["history", "verify", "--store", pg.url], env: pg.env)
        XCTAssertTrue(v.out.hasPrefix("verified: 4 runs, chain intact"), v.out)

        func stalled(_ file: String, seconds: String) throws -> (Process, Pipe) {
            try stalledWriter(file, store: pg.url, in: dir, seconds: seconds, env: pg.env)
        }
        // Killed inside its transaction: the server rolls it back; the lock is free again.
        try night("2026-11-10", daysLeft: 70, "k.json", in: dir)
        let (killed, _) = try stalled("k.json", seconds: "1")
        kill(killed.processIdentifier, SIGKILL)
        killed.waitUntilExit()
        v = try gavel(["history", "verify", "--store", pg.url], env: pg.env)
        XCTAssertTrue(v.out.hasPrefix("verified: 4 runs, chain intact"), "the killed run left nothing: \(v.out)")
        // Its connection ended by the server while it holds the lock: it fails, exit 3, and
        // leaves nothing.
        let (cut, err) = try stalled("k.json", seconds: "4")
        try sql(pg.dir, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'history' AND pid <> pg_backend_pid()")
        cut.waitUntilExit()
        let said = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(cut.terminationStatus, 3, said)
        XCTAssertTrue(said.contains("error[history-store]"), said)
        v = try gavel(["history", "verify", "--store", pg.url], env: pg.env)
        XCTAssertTrue(v.out.hasPrefix("verified: 4 runs, chain intact"), v.out)
        let again = try gavel(["history", "add", "k.json", "--store", pg.url], env: pg.env, cwd: dir)
        XCTAssertEqual(again.code, 0, again.err)
        XCTAssertTrue(again.err.contains("recorded run #5"), again.err)
    }

    func testASQLiteStoreMigratesIntoPostgresAndVerifiesOnArrival() throws {
        let pg = try postgres()
        let dir = try weekOfNights()
        let before = try gavel(["history", "verify", "--store", "h.sqlite"], cwd: dir)
        let head = try XCTUnwrap(before.out.split(separator: " ").last).trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(try gavel(["history", "prune", "--keep-days", "36500", "--store", "h.sqlite"], cwd: dir).code, 0)
        let m = try gavel(["history", "migrate", "--from", "h.sqlite", "--store", pg.url], env: pg.env, cwd: dir)
        XCTAssertEqual(m.code, 0, m.err)
        XCTAssertTrue(m.out.contains("the chain verifies, head \(head)"), m.out)
        let list = { (store: String) throws -> [String] in
            try self.gavel(["history", "--store", store], env: pg.env, cwd: dir).out.split(separator: "\n").filter { $0.hasPrefix("#") }.map(String.init)
        }
        XCTAssertEqual(try list(pg.url), try list("h.sqlite"), "the same runs, numbers and chain hashes")
        let v = try gavel(["history", "verify", "--store", pg.url, "--head", head], env: pg.env)
        XCTAssertEqual(v.code, 0, v.out)
        let twice = try gavel(["history", "migrate", "--from", "h.sqlite", "--store", pg.url], env: pg.env, cwd: dir)
        XCTAssertEqual(twice.code, 3)
        XCTAssertTrue(twice.err.contains("already holds runs"), twice.err)
    }
}
