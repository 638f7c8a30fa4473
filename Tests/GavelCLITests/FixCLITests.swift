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
        let was = try verdicts(dir, dir + "/snaps")
        let r = try gavel(["fix", "--snapshots", "snaps", "--root", "root", "-o", "fixes"], cwd: dir)
        XCTAssertEqual(r.code, 1, "failing rules without a machine fix remain: \(r.err)")
        let fixed = [
            "PHP-ERR-001", "PHP-EXPOSE-001", "PHP-SESS-001", "PHP-SESS-002", "PHP-SESS-003", "PHP-SESS-004", "PHP-SESS-006", "PHP-URL-002",
            "HOST-SSH-001", "HOST-SSH-002", "HOST-SSH-004", "HOST-SSH-005", "HOST-SSH-006", "PHP-UPLOAD-001",
            "NGX-AUTOINDEX-001", "NGX-BODY-001", "NGX-HDR-001", "NGX-HDR-003", "NGX-HSTS-001", "NGX-HTTPS-001", "NGX-LOG-001", "NGX-TLS-001",
            "NGX-TLS-003", "NGX-TLS-004", "NGX-TOKENS-001", "NGX-XFO-001",
        ]
        for rule in fixed { XCTAssertTrue(r.out.contains("  fixed     \(rule)\n"), "\(rule): \(r.out)") }
        XCTAssertTrue(
            r.out.contains(
                "  patch     clinic-b.example.com.patch: /etc/php/7.4/fpm/php.ini, /etc/ssh/sshd_config, /etc/nginx/nginx.conf, /etc/nginx/sites-enabled/clinic-b.conf\n"
            ), r.out)
        XCTAssertTrue(r.out.contains("  no fix    PHP-FPM-001  the rule declares no machine fix"), r.out)
        XCTAssertEqual(try String(contentsOfFile: ini, encoding: .utf8), before, "the files under --root are never touched")
        let patch = try String(contentsOfFile: dir + "/fixes/clinic-b.example.com.patch", encoding: .utf8)
        XCTAssertTrue(patch.hasPrefix("--- etc/php/7.4/fpm/php.ini\n+++ etc/php/7.4/fpm/php.ini\n"), patch)
        XCTAssertTrue(patch.contains("-expose_php = On\n+expose_php = Off\n"), patch)
        XCTAssertTrue(patch.contains("+session.cookie_samesite = Lax\n"), "a directive nothing set is added: \(patch)")
        // nginx: the http block's line is changed where provenance points; the portal location,
        // which has its own add_header, gets the headers it lost beside it; the server, whose
        // locations inherit its headers, gets the missing one; `access_log off` goes.
        XCTAssertTrue(patch.contains("-    ssl_protocols TLSv1 TLSv1.1 TLSv1.2;\n") && patch.contains("+    ssl_protocols TLSv1.2 TLSv1.3;\n"), patch)
        XCTAssertTrue(patch.contains("+    client_max_body_size 100m;\n"), "the policy's max_body parameter: \(patch)")
        XCTAssertTrue(
            patch.contains(
                "     location /patient-portal/ {\n+        add_header Strict-Transport-Security \"max-age=63072000; includeSubDomains\" always;\n"
                    + "+        add_header X-Frame-Options SAMEORIGIN always;\n+        add_header X-Content-Type-Options nosniff always;\n"), patch)
        XCTAssertTrue(patch.contains(" server {\n+    add_header X-Frame-Options SAMEORIGIN always;\n"), patch)
        XCTAssertTrue(patch.contains("-    access_log off;\n"), patch)
        XCTAssertFalse(patch.contains("+        add_header X-Frame-Options SAMEORIGIN always;\n     }"), "not in locations that inherit the server's")
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
        let n = try gavel(
            [
                "collect", "nginx", "--asset", "clinic-b.example.com", "--root", "root", "--config", "/etc/nginx/nginx.conf", "--nginx-version", "1.14.2", "-o",
                "snaps/clinic-b.example.com/nginx.json",
            ], cwd: dir)
        XCTAssertEqual(n.code, 0, n.err)
        if FileManager.default.isExecutableFile(atPath: "/usr/sbin/nginx") {
            let t = try nginxTest(dir + "/root/etc/nginx")
            XCTAssertEqual(t.code, 0, "nginx accepts the patched configuration: \(t.err)")
        }
        let after = try verdicts(dir, dir + "/snaps")
        for rule in fixed { XCTAssertEqual(after[rule], "pass", rule) }
        XCTAssertEqual(after["PHP-FPM-001"], "fail", "what has no fix still fails")
        let rank = ["pass": 0, "not_applicable": 0, "fail": 1, "error": 2]
        for (rule, verdict) in was {
            XCTAssertLessThanOrEqual(rank[after[rule] ?? "error"]!, rank[verdict]!, "\(rule) got worse: \(verdict) -> \(after[rule] ?? "none")")
        }
        XCTAssertEqual(Set(after.keys), Set(was.keys), "the same rules judged the asset")

        // Run again on the fixed copy: nothing left to fix in PHP.
        let again = try gavel(["fix", "--snapshots", "snaps", "--root", "root", "--rule", "PHP-EXPOSE-001", "--rule", "HOST-SSH-001", "-o", "fixes"], cwd: dir)
        XCTAssertEqual(again.code, 0, again.out + again.err)
        XCTAssertTrue(again.out.contains("gavel fix: 0 fixed in 0 patches, 0 withheld, 0 failing without a machine fix"), again.out)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/fixes/clinic-b.example.com.patch"), "the folder is replaced whole")
    }

    /// `nginx -t` on a copy of an nginx folder whose certificates are a throwaway pair (the
    /// example host ships no key) and whose logs go to the copy.
    func nginxTest(_ folder: String) throws -> Run {
        let copy = tempDir()
        XCTAssertEqual(try program("/bin/cp", ["-r", folder, copy + "/nginx"]).code, 0)
        XCTAssertEqual(
            try program(
                "/usr/bin/openssl",
                ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=test", "-keyout", copy + "/k.pem", "-out", copy + "/c.pem"]
            ).code, 0)
        for file in (FileManager.default.enumerator(atPath: copy + "/nginx")?.allObjects as? [String] ?? []) where file.hasSuffix(".conf") {
            var t = try String(contentsOfFile: copy + "/nginx/" + file, encoding: .utf8)
            t = t.replacingOccurrences(of: #"ssl_certificate_key\s+[^;]+;"#, with: "ssl_certificate_key \(copy)/k.pem;", options: .regularExpression)
            t = t.replacingOccurrences(of: #"ssl_certificate\s+[^;]+;"#, with: "ssl_certificate \(copy)/c.pem;", options: .regularExpression)
            try t.write(toFile: copy + "/nginx/" + file, atomically: true, encoding: .utf8)
        }
        return try program("/usr/sbin/nginx", ["-t", "-e", copy + "/error.log", "-g", "error_log \(copy)/error.log;", "-c", copy + "/nginx/nginx.conf"])
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

extension CLITests {
    func testAnNginxFixThatNginxRejectsOrThatMeetsAChangedFileIsWithheld() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/nginx") else {
            if ProcessInfo.processInfo.environment["CI"] != nil { XCTFail("nginx is installed in CI") }
            throw XCTSkip("nginx is not installed")
        }
        let dir = try fixWorkspace()
        // A value nginx does not know: the re-evaluation would not even be reached.
        let tls = dir + "/Policies/nginx/tls.yaml"
        let policy = try String(contentsOfFile: tls, encoding: .utf8)
        try policy.replacingOccurrences(of: #"value: "TLSv1.2 TLSv1.3""#, with: #"value: "TLSv1.2 TLSv9""#).write(
            toFile: tls, atomically: true, encoding: .utf8)
        let rejected = try gavel(["fix", "--snapshots", "snaps", "--root", "root", "--rule", "NGX-TLS-001", "-o", "f1"], cwd: dir)
        XCTAssertEqual(rejected.code, 1)
        XCTAssertTrue(rejected.out.contains("  withheld  NGX-TLS-001  nginx -t rejects the patched configuration: "), rejected.out)
        XCTAssertTrue(rejected.out.contains("TLSv9"), rejected.out)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/f1/clinic-b.example.com.patch"))
        try policy.write(toFile: tls, atomically: true, encoding: .utf8)

        // The site file edited since the snapshot: the autoindex line moved.
        let site = dir + "/root/etc/nginx/sites-enabled/clinic-b.conf"
        let original = try String(contentsOfFile: site, encoding: .utf8)
        try ("# moved\n" + original).write(toFile: site, atomically: true, encoding: .utf8)
        let stale = try gavel(["fix", "--snapshots", "snaps", "--root", "root", "--rule", "NGX-AUTOINDEX-001", "-o", "f2"], cwd: dir)
        XCTAssertTrue(
            stale.out.contains(
                "  withheld  NGX-AUTOINDEX-001  /etc/nginx/sites-enabled/clinic-b.conf changed since the snapshot (line 16 no longer sets autoindex)"),
            stale.out)

        // A credential beside the changed line: the patch carries no context rather than the
        // credential (a test-only value, not a real token).
        let token = "test-only-\(UUID().uuidString.prefix(8))"
        try original.replacingOccurrences(
            of: "        autoindex on;\n", with: "        autoindex on;\n        proxy_set_header Authorization \"Bearer \(token)\";\n"
        )
        .write(toFile: site, atomically: true, encoding: .utf8)
        let collect = [
            "collect", "nginx", "--asset", "clinic-b.example.com", "--root", "root", "--config", "/etc/nginx/nginx.conf", "--nginx-version", "1.14.2", "-o",
            "snaps/clinic-b.example.com/nginx.json",
        ]
        XCTAssertEqual(try gavel(collect, cwd: dir).code, 0)
        let secret = try gavel(["fix", "--snapshots", "snaps", "--root", "root", "--rule", "NGX-AUTOINDEX-001", "-o", "f3"], cwd: dir)
        XCTAssertEqual(secret.code, 0, secret.out + secret.err)
        let patch = try String(contentsOfFile: dir + "/f3/clinic-b.example.com.patch", encoding: .utf8)
        XCTAssertFalse(patch.contains(token), patch)
        XCTAssertEqual(
            patch,
            "--- etc/nginx/sites-enabled/clinic-b.conf\n+++ etc/nginx/sites-enabled/clinic-b.conf\n@@ -16 +16 @@\n-        autoindex on;\n+        autoindex off;\n"
        )
        XCTAssertEqual(try sh("patch -p0 < ../f3/clinic-b.example.com.patch", in: dir + "/root").isEmpty, false)
        XCTAssertTrue(try String(contentsOfFile: site, encoding: .utf8).contains("        autoindex off;\n        proxy_set_header Authorization"))

        // Debian's layout: sites-enabled holds an absolute link into sites-available. Read
        // under --root, the link is followed inside the copy; the patch names the file itself
        // (patch refuses to write through a link).
        let available = dir + "/root/etc/nginx/sites-available"
        try FileManager.default.createDirectory(atPath: available, withIntermediateDirectories: true)
        try original.write(toFile: available + "/clinic-b.conf", atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(atPath: site)
        try FileManager.default.createSymbolicLink(atPath: site, withDestinationPath: "/etc/nginx/sites-available/clinic-b.conf")
        XCTAssertEqual(try gavel(collect, cwd: dir).code, 0)
        let linked = try gavel(["fix", "--snapshots", "snaps", "--root", "root", "--rule", "NGX-AUTOINDEX-001", "-o", "f4"], cwd: dir)
        XCTAssertTrue(linked.out.contains("  patch     clinic-b.example.com.patch: /etc/nginx/sites-available/clinic-b.conf\n"), linked.out)
        XCTAssertEqual(try sh("patch -p0 < ../f4/clinic-b.example.com.patch", in: dir + "/root").isEmpty, false)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: site), "/etc/nginx/sites-available/clinic-b.conf")
        XCTAssertTrue(try String(contentsOfFile: available + "/clinic-b.conf", encoding: .utf8).contains("        autoindex off;\n"))
    }

    /// WordPress's own wp-config-sample.php (CRLF line ends and all), badly configured: the
    /// defines are replaced where they are and added before "stop editing", PHP parses the
    /// result, the site collected again passes, and DB_PASSWORD never reaches the patch.
    func testWordPressDefinesArePatchedAndProvenWithPHP() throws {
        let sample = "/usr/share/wordpress/wp-config-sample.php"
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/php"), FileManager.default.fileExists(atPath: sample) else {
            if ProcessInfo.processInfo.environment["CI"] != nil { XCTFail("php and Debian's wordpress are installed in CI") }
            throw XCTSkip("php or wordpress is not installed")
        }
        let dir = tempDir()
        let site = dir + "/root/var/www/shop"
        try FileManager.default.createDirectory(atPath: site + "/wp-includes", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/snaps/shop", withIntermediateDirectories: true)
        let password = "test-only-pw-\(UUID().uuidString.prefix(8))"
        var config = try String(contentsOfFile: sample, encoding: .utf8)
        XCTAssertTrue(config.contains("\r\n"), "the sample's CRLF line ends are part of the test")
        config = config.replacingOccurrences(
            of: "define( 'WP_DEBUG', false );", with: "define( 'WP_DEBUG', true );\r\ndefine( 'DB_USER_PASSWORD_HINT', '\(password)' );")
        config = config.replacingOccurrences(of: "'password_here'", with: "'\(password)'")
        try config.write(toFile: site + "/wp-config.php", atomically: true, encoding: .utf8)
        XCTAssertEqual(try program("/bin/cp", ["/usr/share/wordpress/wp-includes/version.php", site + "/wp-includes/"]).code, 0)
        let collect = ["collect", "wordpress", "--asset", "shop", "--path", site, "--no-database", "-o", dir + "/snaps/shop/wordpress.json"]
        XCTAssertEqual(try gavel(collect, cwd: dir).code, 0)
        let r = try gavel(["fix", "--policies", CLITests.repo + "/Policies", "--snapshots", "snaps", "--root", "root", "-o", "fixes"], cwd: dir)
        for rule in ["WP-DEBUG-001", "WP-EDIT-001", "WP-UNFILTERED-002"] { XCTAssertTrue(r.out.contains("  fixed     \(rule)\n"), "\(rule): \(r.out)") }
        let patch = try String(contentsOfFile: dir + "/fixes/shop.patch", encoding: .utf8)
        XCTAssertTrue(patch.hasPrefix("--- var/www/shop/wp-config.php\n"), patch)
        XCTAssertTrue(patch.contains("-define( 'WP_DEBUG', true );\r\n") && patch.contains("+define( 'WP_DEBUG', false );\r\n"), patch)
        XCTAssertTrue(patch.contains("+define( 'DISALLOW_FILE_EDIT', true );\r\n"), patch)
        XCTAssertFalse(patch.contains(password), "no secret, not even as context: \(patch)")
        XCTAssertFalse(r.out.contains(password))

        XCTAssertEqual(try sh("patch -p0 < ../fixes/shop.patch", in: dir + "/root").isEmpty, false)
        let lint = try program("/usr/bin/php", ["-n", "-l", site + "/wp-config.php"])
        XCTAssertEqual(lint.code, 0, lint.out + lint.err)
        XCTAssertEqual(try gavel(collect, cwd: dir).code, 0)
        let after = try verdicts(dir, dir + "/snaps")
        for rule in ["WP-DEBUG-001", "WP-EDIT-001", "WP-UNFILTERED-002"] { XCTAssertEqual(after[rule], "pass", rule) }
    }
}

extension CLITests {
    /// Magento: settings locked in app/etc/env.php (Magento's own generated layout), in the
    /// section that exists or as the nested arrays that do not; a setting the environment
    /// overrides cannot be fixed in env.php and is withheld alone; secrets stay out.
    func testMagentoSettingsAreLockedInEnvPHPAndProven() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/php") else {
            if ProcessInfo.processInfo.environment["CI"] != nil { XCTFail("php is installed in CI") }
            throw XCTSkip("php is not installed")
        }
        let dir = tempDir()
        let site = dir + "/root/var/www/pharmacy"
        try FileManager.default.createDirectory(atPath: site + "/app/etc", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/snaps/pharmacy", withIntermediateDirectories: true)
        let key = "test-only-crypt-\(UUID().uuidString.prefix(8))"
        let env = """
            <?php
            return [
                'backend' => [
                    'frontName' => 'admin_q7x'
                ],
                'crypt' => [
                    'key' => '\(key)'
                ],
                'MAGE_MODE' => 'production',
                'system' => [
                    'default' => [
                        'admin' => [
                            'security' => [
                                'session_lifetime' => '86400'
                            ]
                        ]
                    ]
                ]
            ];

            """
        try env.write(toFile: site + "/app/etc/env.php", atomically: true, encoding: .utf8)
        try "<?php\nreturn ['modules' => ['Magento_TwoFactorAuth' => 1]];\n".write(toFile: site + "/app/etc/config.php", atomically: true, encoding: .utf8)
        try """
        scope\tscope_id\tpath\tvalue
        default\t0\tadmin/security/lockout_failures\t0
        default\t0\tdev/debug/template_hints_storefront\t1

        """.write(toFile: dir + "/core_config_data.tsv", atomically: true, encoding: .utf8)
        try "CONFIG__DEFAULT__WEB__COOKIE__COOKIE_HTTPONLY=0\n".write(toFile: dir + "/fpm.env", atomically: true, encoding: .utf8)
        let collect = [
            "collect", "magento", "--asset", "pharmacy", "--path", site, "--config-export", "core_config_data.tsv", "--env-file", "fpm.env", "-o",
            "snaps/pharmacy/magento.json",
        ]
        XCTAssertEqual(try gavel(collect, cwd: dir).code, 0)
        let before = try verdicts(dir, dir + "/snaps")
        for rule in ["M2-SESSION-001", "M2-LOCKOUT-001", "M2-HINTS-001", "M2-COOKIE-001"] { XCTAssertEqual(before[rule], "fail", rule) }

        let r = try gavel(["fix", "--policies", CLITests.repo + "/Policies", "--snapshots", "snaps", "--root", "root", "-o", "fixes"], cwd: dir)
        XCTAssertEqual(r.code, 1)
        for rule in ["M2-SESSION-001", "M2-LOCKOUT-001", "M2-HINTS-001"] { XCTAssertTrue(r.out.contains("  fixed     \(rule)\n"), "\(rule): \(r.out)") }
        XCTAssertTrue(
            r.out.contains("  withheld  M2-COOKIE-001  after the patch, M2-COOKIE-001 is fail: the patch does not fix what it claims"),
            "the environment variable wins over env.php: \(r.out)")
        let patch = try String(contentsOfFile: dir + "/fixes/pharmacy.patch", encoding: .utf8)
        XCTAssertTrue(patch.hasPrefix("--- var/www/pharmacy/app/etc/env.php\n"), patch)
        XCTAssertTrue(patch.contains("-                    'session_lifetime' => '86400'\n+                    'session_lifetime' => '900',\n"), patch)
        XCTAssertTrue(patch.contains("+                    'lockout_failures' => '6'\n"), "beside it, in the security group that exists: \(patch)")
        XCTAssertTrue(
            patch.contains(
                "+            ],\n+            'dev' => [\n+                'debug' => [\n+                    'template_hints_storefront' => '0'\n"),
            "a group that does not exist is added whole: \(patch)")
        XCTAssertFalse(patch.contains(key), patch)

        XCTAssertEqual(try sh("patch -p0 < ../fixes/pharmacy.patch", in: dir + "/root").isEmpty, false)
        let lint = try program("/usr/bin/php", ["-n", "-l", site + "/app/etc/env.php"])
        XCTAssertEqual(lint.code, 0, lint.out + lint.err)
        XCTAssertEqual(try gavel(collect, cwd: dir).code, 0)
        let after = try verdicts(dir, dir + "/snaps")
        for rule in ["M2-SESSION-001", "M2-LOCKOUT-001", "M2-HINTS-001"] { XCTAssertEqual(after[rule], "pass", rule) }
        XCTAssertEqual(after["M2-COOKIE-001"], "fail")
    }
}

extension CLITests {
    func testAnUnreadableSnapshotIsAnInputErrorWhileTheOtherAssetsAreStillFixed() throws {
        let dir = try fixWorkspace()
        try FileManager.default.createDirectory(atPath: dir + "/snaps/broken.example.com", withIntermediateDirectories: true)
        try "{\"gavel\": \"snapshot/v1\",".write(toFile: dir + "/snaps/broken.example.com/php.json", atomically: true, encoding: .utf8)
        let r = try gavel(["fix", "--snapshots", "snaps", "--root", "root", "--rule", "PHP-EXPOSE-001", "-o", "fixes"], cwd: dir)
        XCTAssertEqual(r.code, 3, r.out + r.err)
        XCTAssertTrue(r.err.contains("snaps/broken.example.com/php.json:1:24: error[bad-json]"), r.err)
        XCTAssertTrue(r.out.contains("  fixed     PHP-EXPOSE-001\n"), r.out)
        let missing = try gavel(["fix", "--snapshots", "nowhere", "-o", "f2"], cwd: dir)
        XCTAssertEqual(missing.code, 3)
        XCTAssertTrue(missing.err.contains("nowhere: error[unreadable]"), missing.err)
        let typo = try gavel(["fix", "--snapshots", "snaps", "--asset", "clinic-c*", "-o", "f3"], cwd: dir)
        XCTAssertEqual(typo.code, 3)
        XCTAssertTrue(typo.err.contains("error[nothing-evaluated]: no asset folder in snaps matches --asset clinic-c*"), typo.err)
    }
}

extension CLITests {
    /// Debian's packaged WordPress: the master /usr/share/wordpress/wp-config.php requires the
    /// site's /etc/wordpress/config-HOST.php first. The define is replaced in the site's file
    /// and a new one is appended there, PHP parses it, and the site read again passes.
    func testDebianWordPressSiteFilesArePatched() throws {
        let master = "/usr/share/wordpress/wp-config.php"
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/php"), FileManager.default.fileExists(atPath: master),
            FileManager.default.isWritableFile(atPath: "/etc/wordpress")
        else {
            if ProcessInfo.processInfo.environment["CI"] != nil { XCTFail("php and Debian's wordpress are installed in CI, as root") }
            throw XCTSkip("php or Debian's wordpress is not installed, or /etc/wordpress is not writable")
        }
        let dir = tempDir()
        let name = "fix-\(UUID().uuidString.prefix(8).lowercased()).example.invalid"
        let siteFile = "/etc/wordpress/config-\(name).php"
        let password = "test-only-pw-\(UUID().uuidString.prefix(6))"
        try """
        <?php
        define('DB_NAME', 'wordpress');
        define('DB_USER', 'wordpress');
        define('DB_PASSWORD', '\(password)');
        define('DB_HOST', 'localhost');
        define('WP_DEBUG', true);
        define('WP_CONTENT_DIR', '/var/lib/wordpress/wp-content');
        ?>

        """.write(toFile: siteFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: siteFile) }
        try FileManager.default.createDirectory(atPath: dir + "/snaps/" + name, withIntermediateDirectories: true)
        let collect = [
            "collect", "wordpress", "--asset", name, "--path", "/usr/share/wordpress", "--site-name", name, "--no-database", "-o",
            "snaps/\(name)/wordpress.json",
        ]
        XCTAssertEqual(try gavel(collect, cwd: dir).code, 0)
        let before = try String(contentsOfFile: siteFile, encoding: .utf8)
        let r = try gavel(
            ["fix", "--policies", CLITests.repo + "/Policies", "--snapshots", "snaps", "--rule", "WP-DEBUG-001", "--rule", "WP-EDIT-001", "-o", "fixes"],
            cwd: dir)
        XCTAssertEqual(r.code, 0, r.out + r.err)
        XCTAssertTrue(r.out.contains("  patch     \(name).patch: \(siteFile)\n"), r.out)
        XCTAssertEqual(try String(contentsOfFile: siteFile, encoding: .utf8), before, "proven on a copy, never the live file")
        let patch = try String(contentsOfFile: dir + "/fixes/\(name).patch", encoding: .utf8)
        XCTAssertTrue(patch.contains("-define('WP_DEBUG', true);\n+define( 'WP_DEBUG', false );\n"), patch)
        XCTAssertTrue(patch.contains("+define( 'DISALLOW_FILE_EDIT', true );\n"), patch)
        XCTAssertFalse(patch.contains(password), patch)
        XCTAssertEqual(try sh("patch -p0 < \(dir)/fixes/\(name).patch", in: "/").isEmpty, false)
        XCTAssertEqual(try program("/usr/bin/php", ["-n", "-l", siteFile]).code, 0)
        XCTAssertTrue(
            try String(contentsOfFile: siteFile, encoding: .utf8).hasSuffix("define( 'DISALLOW_FILE_EDIT', true );\n?>\n"), "appended before the closing tag")
        XCTAssertEqual(try gavel(collect, cwd: dir).code, 0)
        let after = try verdicts(dir, dir + "/snaps")
        XCTAssertEqual(after["WP-DEBUG-001"], "pass")
        XCTAssertEqual(after["WP-EDIT-001"], "pass")
    }
}

extension CLITests {
    /// Two sites of one host share php.ini and nginx.conf: the second asset's patch is made on
    /// top of the first's, so the two apply one after the other and no hunk is written twice.
    func testAssetsOfOneHostGetPatchesThatApplyInTurn() throws {
        let dir = try fixWorkspace()
        // A second site on the same machine, with the same configuration.
        let twin = dir + "/snaps/clinic-b-shop.example.com"
        try FileManager.default.createDirectory(atPath: twin, withIntermediateDirectories: true)
        for kind in ["php", "nginx", "hosting"] {
            let text = try String(contentsOfFile: dir + "/snaps/clinic-b.example.com/\(kind).json", encoding: .utf8)
            try text.replacingOccurrences(of: "\"asset\": \"clinic-b.example.com\"", with: "\"asset\": \"clinic-b-shop.example.com\"")
                .write(toFile: twin + "/\(kind).json", atomically: true, encoding: .utf8)
        }
        let r = try gavel(["fix", "--snapshots", "snaps", "--root", "root", "--rule", "PHP-EXPOSE-001", "--rule", "NGX-TLS-001", "-o", "fixes"], cwd: dir)
        XCTAssertEqual(r.code, 0, r.out + r.err)
        XCTAssertTrue(
            r.out.contains("clinic-b-shop.example.com\n  patch     clinic-b-shop.example.com.patch"), "the first in order carries the hunks: \(r.out)")
        XCTAssertTrue(
            r.out.contains(
                "clinic-b.example.com\n  fixed     PHP-EXPOSE-001\n  fixed     NGX-TLS-001\n  note      PHP-EXPOSE-001: the patches of the assets before this one already fix them"
            ), r.out)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/fixes/clinic-b.example.com.patch"), "no hunk twice")
        XCTAssertEqual(try sh("patch -p0 < ../fixes/clinic-b-shop.example.com.patch", in: dir + "/root").isEmpty, false)
        XCTAssertTrue(try String(contentsOfFile: dir + "/root/etc/php/7.4/fpm/php.ini", encoding: .utf8).contains("expose_php = Off\n"))
    }
}
