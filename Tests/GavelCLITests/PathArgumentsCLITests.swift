import Foundation
import XCTest

/// Paths as users type them. One-character names used to kill gavel with SIGILL inside
/// Foundation's path handling (`gavel check p`, `gavel collect php --ini i`).
extension CLITests {
    /// Every run here must end by itself with an exit code below 128 (no signal, no trap).
    private func assertNoCrash(_ r: Run, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertLessThan(r.code, 128, "\(what) crashed: \(r.err)", file: file, line: line)
        XCTAssertFalse(r.err.contains("Fatal error"), r.err, file: file, line: line)
    }

    func testOneCharacterAndDashPathsAreErrorsNotCrashes() throws {
        let dir = tempDir()
        for args in [["check", "p"], ["check", "-"], ["eval", "--policies", "-"], ["test", "p"], ["eval", "--snapshots", "s"], ["report", "r"]] {
            let r = try gavel(args, cwd: dir)
            assertNoCrash(r, args.joined(separator: " "))
            XCTAssertTrue([2, 3].contains(r.code), "\(args): \(r.code) \(r.err)")
        }
        XCTAssertTrue(try gavel(["check", "p"], cwd: dir).err.contains("policy path p does not exist"))
    }

    func testOneCharacterPolicyFolderAndIniFileAreRead() throws {
        let dir = tempDir()
        try FileManager.default.copyItem(atPath: CLITests.repo + "/Policies", toPath: dir + "/p")
        var r = try gavel(["check", "p"], cwd: dir)
        XCTAssertEqual(r.code, 0, r.err)
        try "session.cookie_secure = On\n".write(toFile: dir + "/i", atomically: true, encoding: .utf8)
        r = try gavel(["collect", "php", "--ini", "i", "--asset", "a", "-o", "o"], cwd: dir)
        XCTAssertEqual(r.code, 0, r.err)
        let snap = try String(contentsOfFile: dir + "/o", encoding: .utf8)
        XCTAssertTrue(snap.contains(#""session.cookie_secure": "1""#), snap)
        XCTAssertTrue(snap.contains(#""/ini/session.cookie_secure": "i:1""#), "provenance names the file as given: \(snap)")
    }

    func testDotDotDotSlashAndTrailingSlashPaths() throws {
        let dir = tempDir()
        try FileManager.default.copyItem(atPath: CLITests.repo + "/Policies", toPath: dir + "/Policies")
        XCTAssertEqual(try gavel(["check", "./"], cwd: dir + "/Policies").code, 0)
        XCTAssertEqual(try gavel(["check", ".."], cwd: dir + "/Policies/php").code, 0)
        XCTAssertEqual(try gavel(["check", "Policies/"], cwd: dir).code, 0)
        XCTAssertEqual(try gavel(["check", "./Policies//"], cwd: dir).code, 0)
        // A single file: its folder is the policy root, even when named with no folder, and the
        // catalogs of the nearest controls/ above it are read.
        let one = try gavel(["check", "session.yaml"], cwd: dir + "/Policies/php")
        assertNoCrash(one, "check session.yaml")
        XCTAssertEqual(one.code, 0, one.err)
        XCTAssertTrue((one.out + one.err).contains("session.yaml: "), one.out + one.err)
    }

    func testNonUTF8PathIsAnErrorNotACrash() throws {
        let dir = tempDir()
        // Foundation's Process takes arguments as Strings; the shell hands over the raw byte.
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "\"$0\" check \"$(printf 'p\\377')\"; echo \"rc=$?\" >&2", gavelBinary.path]
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        let err = Pipe()
        p.standardError = err
        p.standardOutput = Pipe()
        try p.run()
        let e = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertTrue(e.contains("rc=2"), e)
        XCTAssertTrue(e.contains("does not exist"), e)
    }

    func testOutputNamedWithOneCharacter() throws {
        let dir = tempDir()
        let r = try gavel(
            [
                "eval", "--policies", CLITests.repo + "/Policies", "--snapshots", CLITests.repo + "/Snapshots",
                "--format", "json", "-o", "o", "--fail-on", "none",
            ], cwd: dir)
        XCTAssertEqual(r.code, 0, r.err)
        var st = stat()
        XCTAssertEqual(stat(dir + "/o", &st), 0)
        XCTAssertEqual(st.st_mode & 0o777, 0o600, "results hold evidence about weaknesses: owner only")
    }
}
