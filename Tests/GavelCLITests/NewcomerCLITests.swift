import Foundation
import XCTest

/// What a newcomer met in the first fifteen minutes, each now as documented.
extension CLITests {
    func testAShippedPolicyFileCompilesOnItsOwn() throws {
        // Its rules map to frameworks whose catalogs are in Policies/controls/: they are read.
        for file in ["Policies/nginx/tls.yaml", "Policies/redis/redis.yaml", "Policies/php/session.yaml"]
        where FileManager.default.fileExists(atPath: CLITests.repo + "/" + file) {
            let r = try gavel(["check", file])
            XCTAssertEqual(r.code, 0, "\(file): \(r.err)")
        }
        let dir = tempDir()
        try
            "gavel: policy/v1\nid: p\nkind: php\nrules:\n  - { id: R1, title: t, severity: low, controls: [soc2:CC6.1], check: { path: php.version, exists: true }, remediation: x }\n"
            .write(toFile: dir + "/p.yaml", atomically: true, encoding: .utf8)
        let alone = try gavel(["check", dir + "/p.yaml"])
        XCTAssertEqual(alone.code, 2)
        XCTAssertTrue(alone.err.contains("put a 'gavel: controls/v1' file for 'soc2' in a controls/ folder beside or above this file"), alone.err)
    }

    func testTheBracketAdviceIsItselfValid() throws {
        let dir = tempDir()
        try
            "gavel: policy/v1\nid: p\nkind: nginx\nrules:\n  - { id: R1, title: t, severity: low, check: { path: nginx.servers[0].ssl, equals: true }, remediation: x }\n"
            .write(toFile: dir + "/p.yaml", atomically: true, encoding: .utf8)
        let bad = try gavel(["check", dir + "/p.yaml"])
        XCTAssertTrue(bad.err.contains("error[yaml-flow-brackets]"), bad.err)
        let advice = try XCTUnwrap(bad.err.range(of: "e.g. ").map { String(bad.err[$0.upperBound...].prefix { $0 != "\n" }) })
        try "gavel: policy/v1\nid: p\nkind: nginx\nrules:\n  - { id: R1, title: t, severity: low, check: \(advice), remediation: x }\n"
            .write(toFile: dir + "/p.yaml", atomically: true, encoding: .utf8)
        XCTAssertEqual(try gavel(["check", dir + "/p.yaml"]).code, 0, "the error's own example compiles: \(advice)")
    }

    func testAWrongHostingRootIsAnError() throws {
        let r = try gavel(["collect", "hosting", "--asset", "x", "--root", tempDir()])
        XCTAssertEqual(r.code, 3)
        XCTAssertTrue(r.err.contains("error[hosting-root]") && r.err.contains("does not look like a machine's root"), r.err)
        XCTAssertEqual(r.out, "")
    }

    func testEitherOrOptionsAndMissingTokensAreUsageErrors() throws {
        let m = try gavel(["collect", "magento", "--asset", "m", "--path", tempDir(), "--no-database", "--config-export", "/dev/null"])
        XCTAssertEqual(m.code, 2)
        XCTAssertTrue(m.err.contains("either-or"), m.err)
        let s = try gavel(["collect", "shopify", "--asset", "s", "--shop", "a.myshopify.com"], env: ["SHOPIFY_ADMIN_TOKEN": ""])
        XCTAssertEqual(s.code, 2)
        XCTAssertTrue(s.err.contains("error[shopify-token]: no access token"), s.err)
        XCTAssertFalse(s.err.contains("SUBCOMMANDS"), "not the top-level usage: \(s.err)")
    }

    func testAGarbageMagentoExportIsNotReadAsEmpty() throws {
        let root = tempDir()
        try FileManager.default.createDirectory(atPath: root + "/app/etc", withIntermediateDirectories: true)
        try "<?php\nreturn ['backend' => ['frontName' => 'admin']];\n".write(toFile: root + "/app/etc/env.php", atomically: true, encoding: .utf8)
        try "this is not an export\n".write(toFile: root + "/ccd.tsv", atomically: true, encoding: .utf8)
        let r = try gavel(["collect", "magento", "--asset", "m", "--path", root, "--config-export", root + "/ccd.tsv"])
        XCTAssertEqual(r.code, 3)
        XCTAssertTrue(r.err.contains("error[magento-export]") && r.err.contains("is not an export of core_config_data"), r.err)
    }

    func testDisablingAnUnknownRuleIsOneError() throws {
        let dir = tempDir()
        try FileManager.default.copyItem(atPath: CLITests.repo + "/Policies", toPath: dir + "/Policies")
        try "gavel: tailoring/v1\ndisable: [NGX-NOPE-001]\nreasons:\n  NGX-NOPE-001: handled by the CDN\n"
            .write(toFile: dir + "/Policies/tailoring.yaml", atomically: true, encoding: .utf8)
        let r = try gavel(["check", dir + "/Policies"])
        XCTAssertEqual(r.code, 2)
        XCTAssertEqual(r.err.components(separatedBy: "error[").count - 1, 1, r.err)
        XCTAssertTrue(r.err.contains("error[unknown-rule]: cannot disable unknown rule 'NGX-NOPE-001'"), r.err)
    }
}

extension CLITests {
    /// With --root, an error names the file actually read, not only the machine's path.
    func testRootedErrorsNameTheFileRead() throws {
        let root = tempDir()
        let php = try gavel(["collect", "php", "--asset", "a", "--root", root, "--ini", "/etc/php/8.2/fpm/php.ini"])
        XCTAssertEqual(php.code, 3)
        XCTAssertTrue(php.err.contains("cannot read /etc/php/8.2/fpm/php.ini (read as \(root)/etc/php/8.2/fpm/php.ini, under --root \(root))"), php.err)
        let nginx = try gavel(["collect", "nginx", "--asset", "a", "--root", root, "--config", "/etc/nginx/nginx.conf"])
        XCTAssertEqual(nginx.code, 3)
        XCTAssertTrue(nginx.err.contains("(under --root \(root))"), nginx.err)
    }
}
