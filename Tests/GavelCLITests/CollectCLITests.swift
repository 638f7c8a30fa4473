import Foundation
import XCTest

extension CLITests {
    func testCollectPHPFromIniFeedsEval() throws {
        let dir = tempDir()
        try
            "[PHP]\nexpose_php = Off\ndisplay_errors = Off\nlog_errors = On\nallow_url_include = Off\nsession.cookie_secure = 1\nsession.cookie_httponly = 1\nsession.use_strict_mode = 1\n"
            .write(toFile: dir + "/php.ini", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: dir + "/snaps/site.example.com", withIntermediateDirectories: true)
        let out = dir + "/snaps/site.example.com/php.json"
        let r = try gavel([
            "collect", "php", "--asset", "site.example.com", "--ini", dir + "/php.ini", "--php-version", "8.2.7", "--sapi", "fpm-fcgi", "-o", out,
        ])
        XCTAssertEqual(r.code, 0, r.err)
        let snap = try String(contentsOfFile: out, encoding: .utf8)
        XCTAssertTrue(snap.contains(#""kind": "php""#))
        XCTAssertTrue(snap.contains(#""/ini/expose_php": "\#(dir)/php.ini:2""#), snap)
        // The shipped policies read this shape: the PHP rules are evaluated, not skipped.
        let e = try gavel(["eval", "--snapshots", dir + "/snaps", "--format", "json"])
        XCTAssertTrue(e.out.contains(#""rule":"PHP-SESS-001","asset":"site.example.com","verdict":"pass""#), e.out.prefix(400) + e.err)
        XCTAssertFalse(e.out.contains(#""verdict":"error""#), "no rule errors on a collected snapshot")
    }

    /// A collector replaces its own snapshot, never a file that is not one (such as the
    /// configuration it reads), and refuses an output it could not write before reading.
    func testCollectReplacesOnlyASnapshot() throws {
        let dir = tempDir()
        let ini = "[PHP]\nexpose_php = Off\n"
        try ini.write(toFile: dir + "/php.ini", atomically: true, encoding: .utf8)
        var r = try gavel(["collect", "php", "--asset", "a", "--ini", "php.ini", "-o", "php.ini"], cwd: dir)
        XCTAssertEqual(r.code, 2)
        XCTAssertTrue(r.err.contains("--output php.ini exists and is not a Gavel snapshot"), r.err)
        XCTAssertEqual(try String(contentsOfFile: dir + "/php.ini", encoding: .utf8), ini)
        for _ in 0..<2 {
            r = try gavel(["collect", "php", "--asset", "a", "--ini", "php.ini", "-o", "php.json"], cwd: dir)
            XCTAssertEqual(r.code, 0, "a snapshot is replaced, night after night: \(r.err)")
        }
        r = try gavel(["collect", "php", "--asset", "a", "--ini", "php.ini", "-o", "missing/php.json"], cwd: dir)
        XCTAssertEqual(r.code, 2)
        XCTAssertTrue(r.err.contains("the folder \(dir)/missing does not exist") || r.err.contains("missing does not exist"), r.err)
        r = try gavel(["collect", "php", "--asset", "a", "--ini", "php.ini", "-o", dir], cwd: dir)
        XCTAssertEqual(r.code, 2)
        XCTAssertTrue(r.err.contains("is a folder"), r.err)
    }

    func testCollectPHPSyntaxErrorExitsThreeWithPosition() throws {
        let dir = tempDir()
        try "a = 1\nb = \"open\n".write(toFile: dir + "/bad.ini", atomically: true, encoding: .utf8)
        let r = try gavel(["collect", "php", "--asset", "x", "--ini", dir + "/bad.ini", "--no-scan-dir"])
        XCTAssertEqual(r.code, 3)
        XCTAssertTrue(r.err.contains("\(dir)/bad.ini:2:5: error[php-ini-syntax]"), r.err)
        XCTAssertEqual(r.out, "", "nothing written on failure")
    }

    func testCollectPHPNeedsASource() throws {
        let r = try gavel(["collect", "php", "--asset", "x"])
        XCTAssertEqual(r.code, 2)
        XCTAssertTrue(r.err.contains("--ini FILE or --binary PATH"), r.err)
    }
}

extension CLITests {
    /// --root reads a copy of a machine (here the example fleet) and keeps the machine's paths.
    func testCollectUnderRootKeepsTheMachinesPaths() throws {
        let root = CLITests.repo + "/examples/fleet/clinic-a.example.com/root"
        let php = try gavel([
            "collect", "php", "--asset", "a", "--root", root, "--ini", "/etc/php/8.2/fpm/php.ini",
            "--fpm-pool", "/etc/php/8.2/fpm/pool.d/www.conf", "--php-version", "8.2.26",
        ])
        XCTAssertEqual(php.code, 0, php.err)
        XCTAssertTrue(
            php.out.contains(#""/etc/php/8.2/fpm/php.ini","#) && php.out.contains(#""/etc/php/8.2/fpm/conf.d/10-opcache.ini""#), php.out.prefix(600) + "")
        XCTAssertTrue(php.out.contains(#""/ini/expose_php": "/etc/php/8.2/fpm/php.ini:4""#))
        XCTAssertFalse(php.out.contains("examples/fleet"), "the image's location is not the machine's path")
        XCTAssertTrue(php.out.contains(#""/fpm_pool/settings/user": "/etc/php/8.2/fpm/pool.d/www.conf:2""#))
        let nginx = try gavel(["collect", "nginx", "--asset", "a", "--root", root, "--config", "/etc/nginx/nginx.conf"])
        XCTAssertEqual(nginx.code, 0, nginx.err)
        XCTAssertTrue(nginx.out.contains(#""/servers/0/headers/strict-transport-security": "/etc/nginx/snippets/security-headers.conf:1""#))
        XCTAssertFalse(nginx.out.contains("examples/fleet"))
        let relative = try gavel(["collect", "nginx", "--asset", "a", "--root", root, "--config", "etc/nginx/nginx.conf"])
        XCTAssertEqual(relative.code, 2, "with --root the config path is the machine's absolute path")
    }
}

extension CLITests {
    func testCollectWordPressReportsWpConfigSyntaxErrorsWithPosition() throws {
        let dir = tempDir()
        try "<?php\ndefine('DB_NAME', 'x');\ndefine('WP_DEBUG' true);\n".write(toFile: dir + "/wp-config.php", atomically: true, encoding: .utf8)
        let r = try gavel(["collect", "wordpress", "--asset", "wp", "--path", dir])
        XCTAssertEqual(r.code, 3)
        XCTAssertTrue(r.err.contains("\(dir)/wp-config.php:3:19: error[php-source-syntax]"), r.err)
        let none = try gavel(["collect", "wordpress", "--asset", "wp", "--path", dir + "/nope"])
        XCTAssertEqual(none.code, 3)
        XCTAssertTrue(none.err.contains("error[wordpress-path]"), none.err)
        let badFile = try gavel(["collect", "wordpress", "--asset", "wp", "--path", dir, "--db-password-file", dir + "/missing"])
        XCTAssertEqual(badFile.code, 3, "a password file the user named but that cannot be read is an input error")
        XCTAssertTrue(badFile.err.contains("error[wordpress-db-password-file]"), badFile.err)
    }
}
