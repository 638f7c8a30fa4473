import Foundation
import XCTest

/// `gavel fix` on a copy of the badly configured clinic-b: the patch, applied with
/// `patch -p0`, turns the fixed rules from fail to pass when the host is collected again,
/// PHP accepts the result and nothing else gets worse; a fix that does not fix, or that PHP
/// rejects, is withheld; the live files are never touched.
extension CLITests {
    func fixWorkspace() throws -> String {
        let dir = tempDir()
        XCTAssertEqual(try program("/bin/cp", ["-r", CLITests.repo + "/examples/fleet/clinic-b.example.com/root", dir + "/root"]).code, 0)
        try FileManager.default.createDirectory(atPath: dir + "/snaps", withIntermediateDirectories: true)
        XCTAssertEqual(try program("/bin/cp", ["-r", CLITests.repo + "/Snapshots/clinic-b.example.com", dir + "/snaps/"]).code, 0)
        XCTAssertEqual(try program("/bin/cp", ["-r", CLITests.repo + "/Policies", dir + "/Policies"]).code, 0)
        return dir
    }

    func testFixWritesAProvenPatchThatTurnsFailuresIntoPasses() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/php"), FileManager.default.isExecutableFile(atPath: "/usr/bin/patch") else {
            if ProcessInfo.processInfo.environment["CI"] != nil { XCTFail("php and patch are installed in CI") }
            throw XCTSkip("php or patch is not installed")
        }
        let dir = try fixWorkspace()
        let ini = dir + "/root/etc/php/7.4/fpm/php.ini"
        // A secret directive below the last setting: it would be a context line of the patch.
        let secret = "test-only-mysqli-pw-\(UUID().uuidString.prefix(6))"
        try (try String(contentsOfFile: ini, encoding: .utf8) + "mysqli.default_pw = \(secret)\n").write(toFile: ini, atomically: true, encoding: .utf8)
        let before = try String(contentsOfFile: ini, encoding: .utf8)
        let r = try gavel(["fix", "--snapshots", "snaps", "--root", "root", "-o", "fixes"], cwd: dir)
        XCTAssertEqual(r.code, 1, "failing rules without a machine fix remain: \(r.err)")
        let fixed = [
            "PHP-ERR-001", "PHP-EXPOSE-001", "PHP-SESS-001", "PHP-SESS-002", "PHP-SESS-003", "PHP-SESS-004", "PHP-SESS-006", "PHP-URL-002",
            "HOST-SSH-001", "HOST-SSH-002", "HOST-SSH-004", "HOST-SSH-005", "HOST-SSH-006", "PHP-UPLOAD-001",
        ]
        for rule in fixed { XCTAssertTrue(r.out.contains("  fixed     \(rule)\n"), "\(rule): \(r.out)") }
        XCTAssertTrue(r.out.contains("  patch     clinic-b.example.com.patch: /etc/php/7.4/fpm/php.ini, /etc/ssh/sshd_config\n"), r.out)
        XCTAssertTrue(r.out.contains("  no fix    PHP-FPM-001  the rule declares no machine fix"), r.out)
        XCTAssertEqual(try String(contentsOfFile: ini, encoding: .utf8), before, "the files under --root are never touched")
        let patch = try String(contentsOfFile: dir + "/fixes/clinic-b.example.com.patch", encoding: .utf8)
        XCTAssertTrue(patch.hasPrefix("--- etc/php/7.4/fpm/php.ini\n+++ etc/php/7.4/fpm/php.ini\n"), patch)
        XCTAssertTrue(patch.contains("-expose_php = On\n+expose_php = Off\n"), patch)
        XCTAssertTrue(patch.contains("+session.cookie_samesite = Lax\n"), "a directive nothing set is added: \(patch)")
        XCTAssertFalse(patch.contains(secret), "no secret in a patch, not even as context")
        XCTAssertFalse(r.out.contains(secret))

        // Applied as the user would, collected and evaluated again.
        XCTAssertEqual(try sh("patch -p0 < ../fixes/clinic-b.example.com.patch", in: dir + "/root").isEmpty, false)
        let php = try program("/usr/bin/php", ["-n", "-c", ini, "-r", "echo ini_get('expose_php') === '' ? 'off' : 'on';"])
        XCTAssertEqual(php.out, "off", php.err)
        XCTAssertFalse(php.err.contains("Warning"), php.err)
        let c = try gavel(
            [
                "collect", "php", "--asset", "clinic-b.example.com", "--root", "root", "--ini", "/etc/php/7.4/fpm/php.ini", "--fpm-pool",
                "/etc/php/7.4/fpm/pool.d/www.conf", "--php-version", "7.4.33", "-o", "snaps/clinic-b.example.com/php.json",
            ], cwd: dir)
        XCTAssertEqual(c.code, 0, c.err)
        XCTAssertTrue(try String(contentsOfFile: dir + "/root/etc/ssh/sshd_config", encoding: .utf8).hasPrefix("ClientAliveInterval 300\n"))
        if FileManager.default.isExecutableFile(atPath: "/usr/sbin/sshd") {
            let t = try program("/usr/sbin/sshd", ["-t", "-f", dir + "/root/etc/ssh/sshd_config"])
            XCTAssertEqual(t.code, 0, "sshd accepts the patched file: \(t.err)")
        }
        let h = try gavel(
            [
                "collect", "hosting", "--asset", "clinic-b.example.com", "--root", "root", "--as-of", "2026-11-22T22:24:14Z", "--cert",
                "/etc/ssl/certs/clinic-b.example.com.pem", "-o", "snaps/clinic-b.example.com/hosting.json",
            ], cwd: dir)
        XCTAssertEqual(h.code, 0, h.err)
        let after = try verdicts(dir, dir + "/snaps")
        for rule in fixed { XCTAssertEqual(after[rule], "pass", rule) }
        XCTAssertEqual(after["PHP-FPM-001"], "fail", "what has no fix still fails")

        // Run again on the fixed copy: nothing left to fix in PHP.
        let again = try gavel(["fix", "--snapshots", "snaps", "--root", "root", "--rule", "PHP-EXPOSE-001", "--rule", "HOST-SSH-001", "-o", "fixes"], cwd: dir)
        XCTAssertEqual(again.code, 0, again.out + again.err)
        XCTAssertTrue(again.out.contains("gavel fix: 0 fixed in 0 patches, 0 withheld, 0 failing without a machine fix"), again.out)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/fixes/clinic-b.example.com.patch"), "the folder is replaced whole")
    }

    func testAFixThatDoesNotFixOrThatPHPRejectsIsWithheld() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/php") else {
            if ProcessInfo.processInfo.environment["CI"] != nil { XCTFail("php is installed in CI") }
            throw XCTSkip("php is not installed")
        }
        let dir = try fixWorkspace()
        let runtime = dir + "/Policies/php/runtime.yaml"
        var text = try String(contentsOfFile: runtime, encoding: .utf8)
        text = text.replacingOccurrences(of: #"fix: [{ ini: { key: expose_php, value: "Off" } }]"#, with: #"fix: [{ ini: { key: expose_php, value: "On" } }]"#)
        try text.write(toFile: runtime, atomically: true, encoding: .utf8)

        let no = try gavel(["fix", "--snapshots", "snaps", "--root", "root", "--rule", "PHP-EXPOSE-001", "-o", "f1"], cwd: dir)
        XCTAssertEqual(no.code, 1)
        XCTAssertTrue(no.out.contains("  withheld  PHP-EXPOSE-001  after the patch, PHP-EXPOSE-001 is fail: the patch does not fix what it claims"), no.out)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir + "/f1"), ["summary.txt"], "no patch is written")

        // A file edited since the snapshot: the line the evidence names sets something else.
        let pool = dir + "/root/etc/php/7.4/fpm/php.ini"
        let original = try String(contentsOfFile: pool, encoding: .utf8)
        try ("; a comment added on top\n" + original).write(toFile: pool, atomically: true, encoding: .utf8)
        let stale = try gavel(["fix", "--snapshots", "snaps", "--root", "root", "--rule", "PHP-URL-002", "-o", "f3"], cwd: dir)
        XCTAssertTrue(
            stale.out.contains("  withheld  PHP-URL-002  /etc/php/7.4/fpm/php.ini changed since the snapshot (line 7 no longer sets allow_url_fopen)"),
            stale.out)
        try original.write(toFile: pool, atomically: true, encoding: .utf8)

        // Someone broke php.ini since the snapshot: PHP refuses the patched file, so no patch.
        let ini = dir + "/root/etc/php/7.4/fpm/php.ini"
        try (try String(contentsOfFile: ini, encoding: .utf8) + "broken = \"${\n").write(toFile: ini, atomically: true, encoding: .utf8)
        let rejected = try gavel(["fix", "--snapshots", "snaps", "--root", "root", "--rule", "PHP-SESS-006", "-o", "f2"], cwd: dir)
        XCTAssertEqual(rejected.code, 1)
        XCTAssertTrue(
            rejected.out.contains("  withheld  PHP-SESS-006  php -n -c rejects the patched /etc/php/7.4/fpm/php.ini: PHP:  syntax error"), rejected.out)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/f2/clinic-b.example.com.patch"))
    }

    func testCheckValidatesFixesLikeChecks() throws {
        let dir = tempDir()
        try FileManager.default.createDirectory(atPath: dir + "/p", withIntermediateDirectories: true)
        try """
        gavel: policy/v1
        id: p
        kind: php
        rules:
          - id: A
            title: a
            severity: low
            check: { path: php.ini.x, equals: "1" }
            fix: { inii: { key: x, value: "1" } }
            remediation: fix it
          - id: B
            title: b
            severity: low
            kind: nginx
            check: { path: nginx.version, equals: "1" }
            fix: { ini: { key: x, value: "1" } }
            remediation: fix it
          - id: C
            title: c
            severity: low
            check: { path: php.ini.x, equals: "1" }
            fix: [{ ini: { key: x, value: "a;b" } }]
            remediation: fix it
        """.write(toFile: dir + "/p/p.yaml", atomically: true, encoding: .utf8)
        let r = try gavel(["check", dir + "/p"])
        XCTAssertEqual(r.code, 2)
        XCTAssertTrue(
            r.out.contains("p.yaml:9:12: error[bad-fix]: unknown fix action 'inii'; did you mean 'ini'?")
                || r.err.contains("p.yaml:9:12: error[bad-fix]: unknown fix action 'inii'; did you mean 'ini'?"), r.out + r.err)
        XCTAssertTrue((r.out + r.err).contains("error[bad-fix]: an ini fix edits the files of a 'php' snapshot, which this rule does not read"), r.out + r.err)
        XCTAssertTrue((r.out + r.err).contains("error[bad-fix]: the ini fix for 'x' has ';' in its value"), r.out + r.err)
    }
}
