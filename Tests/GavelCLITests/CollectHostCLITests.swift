import Foundation
import XCTest

/// `gavel collect host` on a machine image with several sites: one asset per site, each with
/// only its own server blocks, the PHP-FPM pool its fastcgi_pass leads to, and the
/// application under its root.
extension CLITests {
    private func write(_ root: String, _ path: String, _ text: String) throws {
        let full = root + path
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: full, atomically: true, encoding: .utf8)
    }

    private func threeSiteHost() throws -> String {
        let root = tempDir() + "/root"
        try write(root, "/etc/os-release", "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n")
        try write(root, "/etc/nginx/nginx.conf", "events {}\nhttp {\n  server_tokens off;\n  include /etc/nginx/sites-enabled/*;\n}\n")
        try write(
            root, "/etc/nginx/sites-enabled/shop",
            """
            server { listen 443 ssl; server_name shop.example.com www.shop.example.com; root /var/www/shop;
              ssl_protocols TLSv1.2 TLSv1.3;
              location ~ \\.php$ { fastcgi_pass unix:/run/php/php8.2-fpm-shop.sock; } }
            server { listen 80; server_name shop.example.com; return 301 https://$host$request_uri; }
            """)
        try write(
            root, "/etc/nginx/sites-enabled/api",
            """
            server { listen 443 ssl; server_name api.example.com; root /srv/api/pub;
              ssl_protocols TLSv1 TLSv1.2;
              location / { fastcgi_pass 127.0.0.1:9001; } }
            """)
        try write(
            root, "/etc/nginx/sites-enabled/legacy",
            """
            server { listen 8080; server_name legacy.example.com; root /var/www/legacy;
              location / { fastcgi_pass unix:/run/php/gone.sock; } }
            """)
        try write(root, "/etc/php/8.2/fpm/php.ini", "expose_php = Off\nsession.cookie_secure = On\n")
        try write(root, "/etc/php/8.2/fpm/pool.d/shop.conf", "[shop]\nuser = shop\nlisten = /run/php/php8.2-fpm-shop.sock\n")
        try write(root, "/etc/php/8.1/fpm/php.ini", "expose_php = On\n")
        try write(root, "/etc/php/8.1/fpm/pool.d/api.conf", "[api]\nuser = api\nlisten = 9001\n")
        try write(
            root, "/var/www/shop/wp-config.php",
            "<?php\ndefine( 'DB_NAME', 'shop' );\ndefine( 'DB_PASSWORD', 'not-a-real-one' );\ndefine( 'DISALLOW_FILE_EDIT', true );\n$table_prefix = 'wp_';\n")
        try write(
            root, "/srv/api/app/etc/env.php",
            "<?php\nreturn ['backend' => ['frontName' => 'admin'], 'db' => ['connection' => ['default' => ['host' => 'localhost', 'dbname' => 'm', 'username' => 'm', 'password' => 'x']]]];\n"
        )
        try write(root, "/srv/api/app/etc/config.php", "<?php\nreturn ['modules' => ['Magento_Backend' => 1]];\n")
        return root
    }

    private func snapshot(_ dir: String, _ asset: String, _ kind: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(dir)/\(asset)/\(kind).json"))) as! [String: Any]
    }

    func testCollectHostMakesOneAssetPerSite() throws {
        let root = try threeSiteHost()
        let out = tempDir() + "/snapshots"
        let r = try gavel(["collect", "host", "--root", root, "--host-name", "web-1", "-o", out])
        XCTAssertEqual(r.code, 0, r.err)
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: out).filter { !$0.hasPrefix(".") }.sorted(),
            ["api.example.com", "legacy.example.com", "shop.example.com"])
        XCTAssertTrue(r.err.contains("skipped  legacy.example.com: php: no PHP-FPM pool found listening on unix:/run/php/gone.sock"), r.err)

        // Each site's nginx snapshot holds its own server blocks only.
        let shopNginx = try snapshot(out, "shop.example.com", "nginx")
        let shopServers = (shopNginx["data"] as! [String: Any])["servers"] as! [[String: Any]]
        XCTAssertEqual(shopServers.count, 2, "the HTTPS block and its redirect")
        XCTAssertEqual(shopServers.map { ($0["names"] as! [String])[0] }, ["shop.example.com", "shop.example.com"])
        XCTAssertEqual(
            (shopNginx["provenance"] as! [String: String])["/servers/1"], "/etc/nginx/sites-enabled/shop:4", "provenance follows the renumbered blocks")
        let apiServers = ((try snapshot(out, "api.example.com", "nginx"))["data"] as! [String: Any])["servers"] as! [[String: Any]]
        XCTAssertEqual(apiServers.count, 1)
        XCTAssertEqual(apiServers[0]["ssl_protocols"] as? [String], ["TLSv1", "TLSv1.2"])

        // PHP: the pool each fastcgi_pass leads to, with its version's php.ini.
        let shopPHP = (try snapshot(out, "shop.example.com", "php"))["data"] as! [String: Any]
        XCTAssertEqual((shopPHP["fpm_pool"] as? [String: Any])?["name"] as? String, "shop")
        XCTAssertEqual((shopPHP["ini"] as? [String: Any])?["expose_php"] as? String, "")
        let apiPHP = (try snapshot(out, "api.example.com", "php"))["data"] as! [String: Any]
        XCTAssertEqual((apiPHP["fpm_pool"] as? [String: Any])?["name"] as? String, "api", "a pool on port 9001 serves 127.0.0.1:9001")
        XCTAssertEqual((apiPHP["ini"] as? [String: Any])?["expose_php"] as? String, "1", "PHP 8.1's php.ini")
        let legacyPHP = try snapshot(out, "legacy.example.com", "php")
        XCTAssertNotNil((legacyPHP["unavailable"] as? [String: String])?["/ini"], "no pool: recorded as unavailable")

        // The applications under the roots: WordPress at the root, Magento above pub/.
        XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/shop.example.com/wordpress.json"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/api.example.com/magento.json"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/legacy.example.com/wordpress.json"))
        XCTAssertFalse(try String(contentsOfFile: out + "/shop.example.com/wordpress.json", encoding: .utf8).contains("not-a-real-one"))

        // Evaluated: the legacy site's PHP rules are errors, never passes; TLS 1.0 on the API only.
        let e = try gavel(["eval", "--snapshots", out, "--format", "json", "--fail-on", "none"])
        XCTAssertEqual(e.code, 0, e.err)
        let results = (try JSONSerialization.jsonObject(with: Data(e.out.utf8)) as! [String: Any])["results"] as! [[String: Any]]
        func verdict(_ rule: String, _ asset: String) -> String? {
            results.first { $0["rule"] as? String == rule && $0["asset"] as? String == asset }?["verdict"] as? String
        }
        XCTAssertEqual(verdict("PHP-EXPOSE-001", "legacy.example.com"), "error")
        XCTAssertEqual(verdict("NGX-TLS-001", "api.example.com"), "fail")
        XCTAssertEqual(verdict("NGX-TLS-001", "shop.example.com"), "pass")
    }

    func testCollectHostWithoutNginxIsOneAssetNamedAfterTheHost() throws {
        let root = tempDir() + "/root"
        try write(root, "/etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n")
        let out = tempDir() + "/snapshots"
        let r = try gavel(["collect", "host", "--root", root, "--host-name", "db-1", "-o", out])
        XCTAssertEqual(r.code, 0, r.err)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out + "/db-1"), ["hosting.json"])
        XCTAssertTrue(r.err.contains("skipped  nginx: no /etc/nginx/nginx.conf"), r.err)
    }

    func testCollectHostWritesJSONLinesThatEvalReads() throws {
        let root = try threeSiteHost()
        let r = try gavel(["collect", "host", "--root", root, "--host-name", "web-1", "--asset-name", "{host}.{site}", "-o", "-"])
        XCTAssertEqual(r.code, 0, r.err)
        let lines = r.out.split(separator: "\n")
        let docs = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        XCTAssertEqual(Set(docs.map { $0["asset"] as! String }), ["web-1.shop.example.com", "web-1.api.example.com", "web-1.legacy.example.com"])
        XCTAssertEqual(
            docs.filter { $0["asset"] as? String == "web-1.shop.example.com" }.map { $0["kind"] as! String }.sorted(),
            ["hosting", "nginx", "php", "wordpress"])
        let e = try gavel(["eval", "--snapshots", "-", "--format", "json", "--fail-on", "none"], stdin: r.out)
        XCTAssertEqual(e.code, 0, e.err)
        let results = (try JSONSerialization.jsonObject(with: Data(e.out.utf8)) as! [String: Any])["results"] as! [[String: Any]]
        XCTAssertEqual(
            results.first { $0["rule"] as? String == "NGX-TLS-001" && $0["asset"] as? String == "web-1.api.example.com" }?["verdict"] as? String, "fail")
    }

    func testCollectHostRejectsABadAssetNameTemplate() throws {
        for (template, why) in [("{host}", "lacks {site}"), ("{site}/{host}", "folder name"), ("{sight}", "unknown placeholder {sight}")] {
            let r = try gavel(["collect", "host", "--root", tempDir(), "--asset-name", template, "-o", tempDir() + "/o"])
            XCTAssertEqual(r.code, 2, template)
            XCTAssertTrue(r.err.contains(why), r.err)
        }
    }

    /// A second run replaces each asset folder whole, keeps the one it replaced, and retires
    /// a site that left nginx; a folder another writer put there is left alone.
    func testCollectHostReplacesAssetsWholeAndRetiresRemovedSites() throws {
        let root = try threeSiteHost()
        let out = tempDir() + "/snapshots"
        XCTAssertEqual(try gavel(["collect", "host", "--root", root, "--host-name", "web-1", "-o", out]).code, 0)
        try FileManager.default.createDirectory(atPath: out + "/store.example", withIntermediateDirectories: true)
        try "{}".write(toFile: out + "/store.example/shopify.json", atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(atPath: root + "/etc/nginx/sites-enabled/legacy")
        try FileManager.default.removeItem(atPath: root + "/var/www/shop/wp-config.php")
        let r = try gavel(["collect", "host", "--root", root, "--host-name", "web-1", "-o", out])
        XCTAssertEqual(r.code, 0, r.err)
        let listed = try FileManager.default.contentsOfDirectory(atPath: out).filter { !$0.hasPrefix(".") }.sorted()
        XCTAssertEqual(listed, ["api.example.com", "shop.example.com", "store.example"], "legacy retired; another writer's asset kept")
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: out + "/shop.example.com").sorted(), ["hosting.json", "nginx.json", "php.json"],
            "no stale wordpress.json left beside the new snapshots")
        XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/.gavel-previous/shop.example.com/wordpress.json"), "the replaced folder is kept")
        XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/.gavel-previous/legacy.example.com/nginx.json"))
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: out).contains { $0.hasPrefix(".gavel-staging") })
        let owners = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/.gavel-owners/web-1.json"))) as! [String: Any]
        XCTAssertEqual((owners["assets"] as? [String])?.sorted(), ["api.example.com", "shop.example.com"])
    }

    /// With nginx installed and / as the root, the configuration is nginx's own `nginx -T`
    /// dump; a configuration nginx rejects is read from the files, and the summary says why.
    func testCollectHostReadsNginxThroughItsOwnDump() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/nginx") else {
            if ProcessInfo.processInfo.environment["CI"] != nil { XCTFail("nginx must be installed in CI") }
            throw XCTSkip("nginx is not installed")
        }
        let dir = tempDir()
        try write(
            dir, "/nginx.conf", "pid \(dir)/nginx.pid;\nerror_log \(dir)/error.log;\nevents {}\nhttp {\n  access_log off;\n  include \(dir)/sites/*.conf;\n}\n")
        try write(dir, "/sites/a.conf", "server { listen 8443; server_name a.example.test; server_tokens off; }\n")
        let out = dir + "/out"
        let r = try gavel(["collect", "host", "--nginx-config", dir + "/nginx.conf", "--host-name", "t", "-o", out])
        XCTAssertEqual(r.code, 0, r.err)
        XCTAssertTrue(r.err.contains("nginx: 1 server block (from nginx -T)"), r.err)
        let nginx = try snapshot(out, "a.example.test", "nginx")
        XCTAssertEqual((nginx["data"] as? [String: Any])?["source"] as? String, "binary")

        try write(dir, "/sites/b.conf", "server { listen 8444; server_name b.example.test; no_such_directive on; }\n")
        let r2 = try gavel(["collect", "host", "--nginx-config", dir + "/nginx.conf", "--host-name", "t", "-o", out])
        XCTAssertEqual(r2.code, 0, r2.err)
        XCTAssertTrue(r2.err.contains("skipped  nginx -T (/usr/sbin/nginx):"), r2.err)
        XCTAssertTrue(r2.err.contains("unknown directive"), r2.err)
        XCTAssertTrue(r2.err.contains("nginx: 2 server blocks (from the files)"), r2.err)
        XCTAssertEqual(((try snapshot(out, "b.example.test", "nginx"))["data"] as? [String: Any])?["source"] as? String, "config")
    }

    /// A site's application that is there but cannot be read gives a snapshot whose parts
    /// are unavailable, so its rules are errors rather than not applicable.
    func testAnUnreadableApplicationIsRecordedNotDropped() throws {
        let root = try threeSiteHost()
        try FileManager.default.removeItem(atPath: root + "/var/www/shop/wp-config.php")
        try FileManager.default.createDirectory(atPath: root + "/var/www/shop/wp-config.php", withIntermediateDirectories: true)
        let out = tempDir() + "/snapshots"
        let r = try gavel(["collect", "host", "--root", root, "--host-name", "web-1", "-o", out])
        XCTAssertEqual(r.code, 0, r.err)
        XCTAssertTrue(r.err.contains("skipped  shop.example.com: wordpress at"), r.err)
        let wp = try snapshot(out, "shop.example.com", "wordpress")
        XCTAssertEqual((wp["data"] as? [String: Any])?.count, 0)
        XCTAssertTrue(((wp["unavailable"] as? [String: String])?["/constants"] ?? "").contains("could not be read"), "\(wp)")
        let e = try gavel(["eval", "--snapshots", out, "--format", "json", "--fail-on", "none"])
        let results = (try JSONSerialization.jsonObject(with: Data(e.out.utf8)) as! [String: Any])["results"] as! [[String: Any]]
        XCTAssertEqual(
            results.first { $0["rule"] as? String == "WP-DEBUG-001" && $0["asset"] as? String == "shop.example.com" }?["verdict"] as? String, "error")
    }

    /// Extra installs nginx does not lead to are assets of their own.
    func testExtraApplicationsBecomeAssets() throws {
        let root = try threeSiteHost()
        try write(root, "/srv/intranet/wp-config.php", "<?php\ndefine('DB_NAME', 'intranet');\n")
        let out = tempDir() + "/snapshots"
        let r = try gavel([
            "collect", "host", "--root", root, "--host-name", "web-1", "--wordpress", "/srv/intranet", "--wordpress", "/var/www/shop", "-o", out,
        ])
        XCTAssertEqual(r.code, 0, r.err)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out + "/web-1-intranet").sorted(), ["hosting.json", "wordpress.json"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/web-1-shop"), "an install a site already has is not collected twice")
    }

    /// The exported schemas (docs/snapshots/KIND.schema.json) accept what the collectors write,
    /// checked by python3-jsonschema as an editor would; `gavel schema` prints the same files.
    func testSnapshotsValidateAgainstTheExportedSchemas() throws {
        guard (try? program("/usr/bin/python3", ["-c", "import jsonschema"]))?.code == 0 else {
            if ProcessInfo.processInfo.environment["CI"] != nil { XCTFail("python3-jsonschema must be installed in CI") }
            throw XCTSkip("python3-jsonschema is not installed")
        }
        let out = tempDir() + "/snapshots"
        XCTAssertEqual(try gavel(["collect", "host", "--root", try threeSiteHost(), "--host-name", "web-1", "-o", out]).code, 0)
        let collected = FileManager.default.enumerator(atPath: out)!.compactMap { $0 as? String }.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.map {
            out + "/" + $0
        }
        let shipped = FileManager.default.enumerator(atPath: CLITests.repo + "/Snapshots")!.compactMap { $0 as? String }.filter { $0.hasSuffix(".json") }
            .map { CLITests.repo + "/Snapshots/" + $0 }
        XCTAssertGreaterThan(collected.count, 8)
        let r = try program("/usr/bin/python3", [CLITests.repo + "/scripts/validate-snapshots.py", CLITests.repo + "/docs/snapshots"] + collected + shipped)
        XCTAssertEqual(r.code, 0, r.out + r.err)
        XCTAssertEqual(r.out.split(separator: "\n").filter { $0.hasSuffix(": valid") }.count, collected.count + shipped.count, r.out)
        // An invalid one is caught.
        let broken = tempDir() + "/php.json"
        try #"{"gavel": "snapshot/v1", "asset": "a", "kind": "php", "data": {"ini": {"x": ["not", "a", "string"]}}}"#.write(
            toFile: broken, atomically: true, encoding: .utf8)
        XCTAssertEqual(try program("/usr/bin/python3", [CLITests.repo + "/scripts/validate-snapshots.py", CLITests.repo + "/docs/snapshots", broken]).code, 1)
        for kind in ["php", "shopify"] {
            XCTAssertEqual(try gavel(["schema", kind]).out, try String(contentsOfFile: CLITests.repo + "/docs/snapshots/\(kind).schema.json", encoding: .utf8))
        }
        XCTAssertEqual(try gavel(["schema", "redis"]).code, 2)
    }
}
