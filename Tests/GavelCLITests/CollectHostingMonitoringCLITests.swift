import Foundation
import XCTest

/// auditd, AIDE and fail2ban as Debian installs them (.ci/run installs the packages without
/// starting them): their files copied into a test root, collected with `--root`, judged by
/// the shipped rules; then the changes an operator makes turn the rules from fail to pass.
extension CLITests {
    func testHostingReadsDebiansAuditdAIDEAndFail2Ban() throws {
        let installed = ["/sbin/auditd", "/usr/bin/aide", "/usr/bin/fail2ban-server", "/etc/aide/aide.conf", "/etc/fail2ban/jail.conf"]
        if !installed.allSatisfy(FileManager.default.fileExists) {
            if ProcessInfo.processInfo.environment["CI"] != nil { XCTFail("auditd, aide, aide-common and fail2ban must be installed in CI (.ci/run)") }
            throw XCTSkip("auditd, AIDE or fail2ban is not installed")
        }
        let dir = tempDir()
        let root = dir + "/root"
        let copy = [
            "/etc/os-release", "/sbin/auditd", "/etc/audit/rules.d", "/usr/bin/aide", "/etc/aide", "/etc/cron.daily/aide", "/usr/bin/fail2ban-server",
            "/etc/fail2ban/jail.conf", "/etc/fail2ban/jail.d",
        ]
        for path in copy {
            try FileManager.default.createDirectory(atPath: root + (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            XCTAssertEqual(try program("/bin/cp", ["-rL", path, root + path]).code, 0, path)
        }
        func collect() throws -> [String: String] {
            try FileManager.default.createDirectory(atPath: dir + "/snaps/host", withIntermediateDirectories: true)
            let r = try gavel(["collect", "hosting", "--asset", "host", "--root", root, "-o", dir + "/snaps/host/hosting.json"])
            XCTAssertEqual(r.code, 0, r.err)
            return try verdicts(dir, dir + "/snaps/host/hosting.json")
        }
        var v = try collect()
        let data = try XCTUnwrap(jsonObject(dir + "/snaps/host/hosting.json")["data"] as? [String: Any])
        XCTAssertEqual((data["audit"] as? [String: Any])?["installed"] as? Bool, true)
        XCTAssertEqual((data["audit"] as? [String: Any])?["watched_paths"] as? [String], [], "Debian's audit.rules sets buffers, watches nothing")
        XCTAssertEqual((data["fail2ban"] as? [String: Any])?["enabled_jails"] as? [String], ["sshd"], "defaults-debian.conf enables sshd")
        XCTAssertEqual((data["integrity"] as? [String: Any])?["database_initialised"] as? Bool, false, "aideinit has not run")
        XCTAssertEqual((data["integrity"] as? [String: Any])?["scheduled"] as? Bool, true, "aide-common's daily cron job")
        XCTAssertEqual(v["HOST-AUDIT-001"], "fail")
        XCTAssertEqual(v["HOST-FIM-001"], "fail")
        XCTAssertEqual(v["HOST-F2B-001"], "pass")

        // The operator watches the patient data and builds AIDE's baseline.
        try "-w /var/lib/mysql -p rwa -k phi\n-a always,exit -F arch=b64 -S openat -F dir=/var/www -F perm=wa -k phi\n".write(
            toFile: root + "/etc/audit/rules.d/50-phi.rules", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: root + "/var/lib/aide", withIntermediateDirectories: true)
        try "baseline".write(toFile: root + "/var/lib/aide/aide.db", atomically: true, encoding: .utf8)
        v = try collect()
        XCTAssertEqual(v["HOST-AUDIT-001"], "pass")
        XCTAssertEqual(v["HOST-FIM-001"], "pass")

        // --as-of reads an image as of a past time; it needs --root.
        let asOf = try gavel(["collect", "hosting", "--asset", "host", "--root", root, "--as-of", "2026-01-31T12:00:00Z"])
        XCTAssertEqual(asOf.code, 0, asOf.err)
        XCTAssertTrue(asOf.out.contains(#""collected_at": "2026-01-31T12:00:00Z""#), asOf.out)
        let live = try gavel(["collect", "hosting", "--asset", "host", "--as-of", "2026-01-31T12:00:00Z"])
        XCTAssertEqual(live.code, 2)
        XCTAssertTrue(live.err.contains("--as-of needs --root"), live.err)
    }
}
