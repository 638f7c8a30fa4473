import Foundation
import GavelCore
import XCTest

@testable import GavelCollectors

/// The programs collectors run see none of Gavel's environment, are ended when they
/// overrun, and cannot make Gavel hold unbounded output.
final class SubprocessTests: XCTestCase {
    func testChildSeesOnlyTheMinimalEnvironment() throws {
        setenv("SHOPIFY_ADMIN_TOKEN", "shpat_planted_for_this_test", 1)
        setenv("GAVEL_TEST_DB_PASSWORD", "planted-password", 1)
        defer { unsetenv("SHOPIFY_ADMIN_TOKEN"); unsetenv("GAVEL_TEST_DB_PASSWORD") }
        let r = try Subprocess.run("/usr/bin/env", [])
        XCTAssertEqual(r.status, 0)
        let names = Set(r.stdout.split(separator: "\n").map { String($0.split(separator: "=", maxSplits: 1)[0]) })
        XCTAssertEqual(names, ["PATH", "LC_ALL"], r.stdout)
        XCTAssertFalse(r.stdout.contains("planted"))
    }

    func testProgramIgnoringSIGTERMIsKilled() throws {
        // The shell ignores SIGTERM and loops itself (no child holding the pipes): only
        // SIGKILL ends it.
        XCTAssertThrowsError(try Subprocess.run("/bin/sh", ["-c", "trap '' TERM; while :; do :; done"], timeout: 0.5)) { e in
            XCTAssertEqual((e as? Diagnostic)?.id, "program-timeout", "\(e)")
        }
    }

    func testOutputPastTheLimitIsRefused() throws {
        XCTAssertThrowsError(try Subprocess.run("/bin/sh", ["-c", "yes gavel"], outputLimit: 1 << 20)) { e in
            XCTAssertEqual((e as? Diagnostic)?.id, "program-output", "\(e)")
        }
        let small = try Subprocess.run("/bin/sh", ["-c", "printf 'x%.0s' $(seq 1000)"], outputLimit: 1 << 20)
        XCTAssertEqual(small.stdout.count, 1000, "output under the limit is read whole")
    }
}

extension SubprocessTests {
    func testProgramsStartedByTheProgramEndWithIt() throws {
        // The shell forks `sleep`, which holds the output pipe: only killing the group ends
        // the run before sleep would.
        let started = Date()
        XCTAssertThrowsError(try Subprocess.run("/bin/sh", ["-c", "sleep 120; :"], timeout: 0.5)) { e in
            XCTAssertEqual((e as? Diagnostic)?.id, "program-timeout", "\(e)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 60, "the run ended long before sleep would have")
    }

    func testExitStatusAndBothStreams() throws {
        let r = try Subprocess.run("/bin/sh", ["-c", "echo out; echo err >&2; exit 3"])
        XCTAssertEqual(r.status, 3)
        XCTAssertEqual(r.stdout, "out\n")
        XCTAssertEqual(r.stderr, "err\n")
    }
}
