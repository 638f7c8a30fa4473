import Foundation
import XCTest

/// `gavel collect fleet` against real hosts: five network namespaces made by
/// scripts/testhosts.sh, each with its own sshd (Debian's openssh-server), and its own
/// nginx, PHP-FPM and WordPress configuration in a private mount namespace.
///
/// - gvh1 serves three sites (one of them Debian's packaged WordPress, whose database is a
///   real MariaDB database made here) with nginx and PHP-FPM running;
/// - gvh2 serves one site and is sent the gavel binary (`gavel: copy`);
/// - gvh3 is down (its side of the link is down), gvh4 presents a host key other than the
///   one known_hosts has, gvh5 hangs (its sshd is stopped: connections are accepted by the
///   kernel and never answered).
final class CollectFleetCLITests: XCTestCase {
    nonisolated(unsafe) static var work: String?
    nonisolated(unsafe) static var setupError: String?
    nonisolated(unsafe) static var database: (name: String, user: String)?
    static let script = ProgramRunner.repo + "/scripts/testhosts.sh"

    /// A bash command, run with posix_spawn and waitpid: Foundation's Process waits for its
    /// child through the run loop, which XCTest does not turn during a class's setUp.
    static func sh(_ command: String) -> ProgramRunner.Run {
        let base = NSTemporaryDirectory() + "gavel-sh-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: base + ".out"); try? FileManager.default.removeItem(atPath: base + ".err") }
        let argv = ["/bin/bash", "-c", "exec </dev/null >\(quote(base + ".out")) 2>\(quote(base + ".err")); " + command]
        let cArgs = argv.map { strdup($0) } + [nil]
        defer { for p in cArgs { free(p) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, "/bin/bash", nil, nil, cArgs, environ) == 0 else { return ProgramRunner.Run(code: -1, out: "", err: "cannot run bash") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let read = { (p: String) in (try? String(contentsOfFile: p, encoding: .utf8)) ?? "" }
        return ProgramRunner.Run(code: (status >> 8) & 0xff, out: read(base + ".out"), err: read(base + ".err"))
    }

    static func write(_ path: String, _ text: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    override class func setUp() {
        super.setUp()
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip"), FileManager.default.isExecutableFile(atPath: "/usr/sbin/sshd"),
            FileManager.default.isExecutableFile(atPath: "/usr/sbin/nginx"), sh("ls /usr/sbin/php-fpm*").code == 0
        else {
            setupError = "needs root, iproute2, openssh-server, nginx and php-fpm"
            return
        }
        let w = NSTemporaryDirectory() + "gavel-fleet-\(UUID().uuidString.prefix(8))"
        work = w
        do {
            try FileManager.default.createDirectory(atPath: w, withIntermediateDirectories: true)
            let prep = sh("bash \(script) prepare \(w) 5")
            guard prep.code == 0 else { setupError = "prepare: " + prep.err; return }
            try makeSites(w)
            let start = sh("bash \(script) start \(w)")
            guard start.code == 0 else { setupError = "start: " + start.err; return }
            try installDebianWordPress(w)
            // gvh3 is down, gvh4 has another key than known_hosts says, gvh5 hangs.
            _ = sh("ip netns exec gavel-gvh3 ip link set gvh3-b down")
            _ = sh(
                "ssh-keygen -q -t ed25519 -N '' -f \(w)/other-key && sed -i \"s|^10.213.4.2 .*|10.213.4.2 $(cut -d' ' -f1,2 \(w)/other-key.pub)|\" \(w)/client/known_hosts"
            )
            _ = sh("kill -STOP $(cat \(w)/hosts/gvh5/sshd.pid)")
        } catch {
            setupError = "\(error)"
        }
    }

    override class func tearDown() {
        if let work {
            _ = sh("bash \(script) stop \(work)")
            if let db = database { _ = sh("mariadb -e \"DROP DATABASE \(db.name); DROP USER '\(db.user)'@'localhost';\"") }
            try? FileManager.default.removeItem(atPath: work)
        }
        super.tearDown()
    }

    /// The sites of gvh1 and gvh2.
    static func makeSites(_ w: String) throws {
        let phpv = sh("ls /usr/sbin/php-fpm* | head -1 | sed 's/.*php-fpm//'").out.trimmingCharacters(in: .whitespacesAndNewlines)
        let h1 = w + "/hosts/gvh1/fs", h2 = w + "/hosts/gvh2/fs"
        func pool(_ name: String, listen: String) -> String {
            "[\(name)]\nuser = www-data\ngroup = www-data\nlisten = \(listen)\nlisten.owner = www-data\npm = ondemand\npm.max_children = 2\n"
        }
        try write(h1 + "/etc/php/\(phpv)/fpm/pool.d/shop.conf", pool("shop", listen: "/run/php/shop.sock"))
        try write(h1 + "/etc/php/\(phpv)/fpm/pool.d/blog.conf", pool("blog", listen: "/run/php/blog.sock"))
        try write(h1 + "/etc/php/\(phpv)/fpm/pool.d/api.conf", pool("api", listen: "127.0.0.1:9001"))
        try write(
            h1 + "/etc/nginx/sites-enabled/shop",
            """
            server { listen 80; server_name shop.gvh1.test; root /var/www/shop; server_tokens off;
              location ~ \\.php$ { include snippets/fastcgi-php.conf; fastcgi_pass unix:/run/php/shop.sock; } }
            """)
        try write(
            h1 + "/etc/nginx/sites-enabled/blog",
            """
            server { listen 80; server_name blog.gvh1.test; root /usr/share/wordpress; server_tokens off;
              location ~ \\.php$ { include snippets/fastcgi-php.conf; fastcgi_pass unix:/run/php/blog.sock; } }
            """)
        try write(
            h1 + "/etc/nginx/sites-enabled/api",
            """
            server { listen 8080; server_name api.gvh1.test; root /srv/api;
              location / { include fastcgi_params; fastcgi_pass 127.0.0.1:9001; } }
            """)
        try write(h1 + "/var/www/shop/wp-config.php", "<?php\ndefine('DB_NAME', 'shop');\ndefine('DISALLOW_FILE_EDIT', true);\n$table_prefix = 'wp_';\n")
        try FileManager.default.createDirectory(atPath: h1 + "/srv/api", withIntermediateDirectories: true)

        try write(h2 + "/etc/php/\(phpv)/fpm/pool.d/portal.conf", pool("portal", listen: "/run/php/portal.sock"))
        try write(
            h2 + "/etc/nginx/sites-enabled/portal",
            """
            server { listen 80; server_name portal.gvh2.test; root /var/www/portal;
              location ~ \\.php$ { fastcgi_pass unix:/run/php/portal.sock; } }
            """)
        try FileManager.default.createDirectory(atPath: h2 + "/var/www/portal", withIntermediateDirectories: true)
    }

    /// blog.gvh1.test is Debian's packaged WordPress: /etc/wordpress/config-blog.gvh1.test.php
    /// on gvh1 holds the credentials of a database made here, installed through PHP on gvh1.
    static func installDebianWordPress(_ w: String) throws {
        guard FileManager.default.fileExists(atPath: "/usr/share/wordpress/wp-config.php"), sh("mariadb -e 'SELECT 1'").code == 0 else { return }
        let id = UUID().uuidString.prefix(8).lowercased()
        let db = "gavel_fleet_\(id)", user = "gavel_fleet_\(id)", password = "pw-\(UUID().uuidString)"
        guard
            sh(
                "mariadb -e \"CREATE DATABASE \(db); CREATE USER '\(user)'@'localhost' IDENTIFIED BY '\(password)'; GRANT ALL ON \(db).* TO '\(user)'@'localhost';\""
            ).code == 0
        else { return }
        database = (db, user)
        try write(
            w + "/hosts/gvh1/fs/etc/wordpress/config-blog.gvh1.test.php",
            """
            <?php
            define('DB_NAME', '\(db)');
            define('DB_USER', '\(user)');
            define('DB_PASSWORD', '\(password)');
            define('DB_HOST', 'localhost');
            define('WP_DEBUG', true);
            $table_prefix = 'blog_';
            """)
        let install = """
            $_SERVER['HTTP_HOST'] = 'blog.gvh1.test'; define('WP_INSTALLING', true); require '/usr/share/wordpress/wp-load.php';
            require_once ABSPATH . 'wp-admin/includes/upgrade.php'; wp_install('Blog', 'blog-admin', 'admin@example.invalid', true, '', 'pw-\(id)');
            update_option('users_can_register', 1); echo 'installed';
            """
        let r = sh("ssh -F \(w)/client/ssh_config -o BatchMode=yes gvh1 \(quote("php -r " + quote(install)))")
        if !r.out.hasSuffix("installed") { setupError = "WordPress install on gvh1: " + r.out + r.err }
    }

    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    func ready() throws -> String {
        if let setupError = Self.setupError {
            if ProcessInfo.processInfo.environment["CI"] != nil { XCTFail("the fleet test hosts must run in CI: \(setupError)") }
            throw XCTSkip("fleet test hosts: \(setupError)")
        }
        return Self.work!
    }

    func inventory(_ w: String, _ extra: String = "") throws -> String {
        let path = w + "/fleet.yaml"
        try Self.write(
            path,
            """
            gavel: inventory/v1
            ssh_config: client/ssh_config
            defaults:
              gavel: \(ProgramRunner.gavelBinary.path)
              connect_timeout: 3
              timeout: 120
            groups:
              web:
                hosts: [gvh1, gvh2]
            hosts:
              gvh1: {}
              gvh2:
                gavel: copy
              gvh3: {}
              gvh4: {}
              gvh5: {}
            \(extra)
            """)
        return path
    }

    func json(_ path: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
    }

    func testFleetCollectsEveryHostAndNamesEachFailure() throws {
        let w = try ready()
        let out = w + "/snapshots-\(UUID().uuidString.prefix(6))"
        let before = Set((try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? []).filter { $0.hasPrefix("gavel.") }
        let r = try ProgramRunner.gavel(["collect", "fleet", "--inventory", try inventory(w), "-o", out, "--jobs", "5"])
        XCTAssertEqual(r.code, 1, "some hosts failed: \(r.out)\(r.err)")
        func row(_ host: String) -> String { r.out.split(separator: "\n").first { $0.hasPrefix(host + " ") }.map(String.init) ?? "" }
        XCTAssertTrue(row("gvh1").contains(" ok "), r.out)
        XCTAssertTrue(row("gvh2").contains(" ok "), r.out)
        XCTAssertTrue(row("gvh3").contains("unreachable"), r.out)
        XCTAssertTrue(row("gvh4").contains("host-key-refused"), r.out)
        XCTAssertTrue(row("gvh5").contains("timeout"), r.out)
        XCTAssertTrue(row("gvh5").contains("banner exchange"), r.out)
        XCTAssertFalse(r.err.contains("\r"), "no progress line when stderr is not a terminal")
        XCTAssertTrue(r.err.contains("2 of 5 collected"), r.err)

        // gvh1: three sites, three assets, each with its own server blocks only.
        let assets = try FileManager.default.contentsOfDirectory(atPath: out).filter { !$0.hasPrefix(".") }.sorted()
        XCTAssertEqual(assets, ["api.gvh1.test", "blog.gvh1.test", "gvh3", "gvh4", "gvh5", "portal.gvh2.test", "shop.gvh1.test"])
        for site in ["api.gvh1.test", "blog.gvh1.test", "shop.gvh1.test"] {
            let nginx = try json("\(out)/\(site)/nginx.json")["data"] as! [String: Any]
            XCTAssertEqual(nginx["source"] as? String, "binary", "nginx -T ran on the host")
            let names = (nginx["servers"] as! [[String: Any]]).flatMap { $0["names"] as! [String] }
            XCTAssertEqual(names, [site], "\(site) carries only its own server block")
            XCTAssertEqual((try json("\(out)/\(site)/hosting.json"))["asset"] as? String, site)
        }
        let shopPHP = try json("\(out)/shop.gvh1.test/php.json")["data"] as! [String: Any]
        XCTAssertEqual((shopPHP["fpm_pool"] as? [String: Any])?["name"] as? String, "shop")
        let apiPHP = try json("\(out)/api.gvh1.test/php.json")["data"] as! [String: Any]
        XCTAssertEqual((apiPHP["fpm_pool"] as? [String: Any])?["name"] as? String, "api")
        // The hosts' own listening sockets: gvh1 runs nginx on 80 and 8080, gvh2 on 80 only.
        let listening = { (asset: String) throws -> [Int] in
            ((try self.json("\(out)/\(asset)/hosting.json")["data"] as! [String: Any])["listening"] as? [[String: Any]] ?? []).compactMap { $0["port"] as? Int }
        }
        let gvh1Ports = try listening("shop.gvh1.test")
        XCTAssertTrue(gvh1Ports.contains(8080), "\(gvh1Ports)")
        XCTAssertFalse(try listening("portal.gvh2.test").contains(8080))

        // Debian's packaged WordPress: the site's file in /etc/wordpress was followed and its database read.
        if Self.database != nil {
            let wp = try json("\(out)/blog.gvh1.test/wordpress.json")["data"] as! [String: Any]
            XCTAssertEqual(wp["site_config_file"] as? String, "/etc/wordpress/config-blog.gvh1.test.php")
            XCTAssertEqual(wp["table_prefix"] as? String, "blog_")
            let database = wp["database"] as! [String: Any]
            XCTAssertEqual(database["collected"] as? Bool, true, "\(database)")
            XCTAssertEqual((database["options"] as? [String: Any])?["users_can_register"] as? String, "1")
        } else if ProcessInfo.processInfo.environment["CI"] != nil {
            XCTFail("MariaDB and Debian's wordpress must be there in CI")
        }

        // Failed hosts are assets whose every part is unavailable with the reason.
        let down = try json("\(out)/gvh3/hosting.json")
        XCTAssertEqual((down["collector"] as? [String: Any])?["outcome"] as? String, "unreachable")
        XCTAssertTrue(((down["unavailable"] as? [String: String])?["/sshd"] ?? "").contains("gvh3 was not collected"), "\(down)")

        // Copy mode: the binary went to a private folder on gvh2 and was removed.
        let after = Set((try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? []).filter { $0.hasPrefix("gavel.") }
        XCTAssertEqual(after.subtracting(before), [], "nothing left in the host's /tmp")

        // Evaluated: the failed hosts are errors and the run fails; api alone leaks its version.
        let e = try ProgramRunner.gavel(["eval", "--snapshots", out, "--format", "json", "--fail-on", "critical"])
        XCTAssertEqual(e.code, 1, "errors make eval fail: \(e.err)")
        let results = (try JSONSerialization.jsonObject(with: Data(e.out.utf8)) as! [String: Any])["results"] as! [[String: Any]]
        func verdict(_ rule: String, _ asset: String) -> String? {
            results.first { $0["rule"] as? String == rule && $0["asset"] as? String == asset }?["verdict"] as? String
        }
        XCTAssertEqual(verdict("NGX-TOKENS-001", "api.gvh1.test"), "fail")
        XCTAssertEqual(verdict("NGX-TOKENS-001", "shop.gvh1.test"), "pass")
        XCTAssertEqual(verdict("NGX-TOKENS-001", "portal.gvh2.test"), "fail")
        for host in ["gvh3", "gvh4", "gvh5"] {
            let verdicts = Set(results.filter { $0["asset"] as? String == host }.compactMap { $0["verdict"] as? String })
            XCTAssertTrue(
                verdicts.contains("error") && verdicts.isDisjoint(with: ["pass", "fail"]),
                "\(host): every rule on a host that could not be collected is an error (other kinds' rules do not apply): \(verdicts)")
        }
    }

    /// A host that fails after a good night keeps its assets as failure records pointing at
    /// the last good snapshots, kept byte for byte; the next good night replaces them.
    func testAFailedNightKeepsTheLastGoodSnapshots() throws {
        let w = try ready()
        let out = w + "/stale-\(UUID().uuidString.prefix(6))"
        let inv = try inventory(w)
        XCTAssertEqual(try ProgramRunner.gavel(["collect", "fleet", "--inventory", inv, "-o", out, "--limit", "gvh2"]).code, 0)
        let good = try Data(contentsOf: URL(fileURLWithPath: out + "/portal.gvh2.test/nginx.json"))

        // The host's sshd does not answer for a night.
        let pid = try String(contentsOfFile: w + "/hosts/gvh2/sshd.pid", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        _ = Self.sh("kill -STOP \(pid)")
        let failed = try ProgramRunner.gavel(["collect", "fleet", "--inventory", inv, "-o", out, "--limit", "gvh2"])
        _ = Self.sh("kill -CONT \(pid)")
        XCTAssertEqual(failed.code, 1, failed.out + failed.err)
        let record = try json(out + "/portal.gvh2.test/nginx.json")
        XCTAssertEqual((record["data"] as? [String: Any])?.count, 0, "no data from a night the host was not read")
        let reason = (record["unavailable"] as? [String: String])?["/servers"] ?? ""
        XCTAssertTrue(reason.contains("the last good snapshot (collected 20"), reason)
        XCTAssertTrue(reason.contains(".gavel-previous/portal.gvh2.test/"), reason)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out + "/.gavel-previous/portal.gvh2.test/nginx.json")), good, "kept byte for byte")
        let e = try ProgramRunner.gavel(["eval", "--snapshots", out, "--fail-on", "critical"])
        XCTAssertEqual(e.code, 1, e.out)

        // A second failed night does not push the good snapshot out.
        _ = Self.sh("kill -STOP \(pid)")
        let again = try ProgramRunner.gavel(["collect", "fleet", "--inventory", inv, "-o", out, "--limit", "gvh2"])
        _ = Self.sh("kill -CONT \(pid)")
        XCTAssertEqual(again.code, 1)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out + "/.gavel-previous/portal.gvh2.test/nginx.json")), good)

        // Back: the failure records give way to a good collection.
        let back = try ProgramRunner.gavel(["collect", "fleet", "--inventory", inv, "-o", out, "--limit", "gvh2"])
        XCTAssertEqual(back.code, 0, back.out + back.err)
        XCTAssertNotNil((try json(out + "/portal.gvh2.test/nginx.json")["data"] as? [String: Any])?["servers"])
        XCTAssertEqual(
            try Data(contentsOf: URL(fileURLWithPath: out + "/.gavel-previous/portal.gvh2.test/nginx.json")), good,
            "the failure records were not kept as the previous generation")
    }

    /// The host's total time limit: a collection that takes longer is stopped and named.
    func testATotalTimeoutStopsAHost() throws {
        let w = try ready()
        let inv = w + "/slow.yaml"
        try Self.write(
            inv,
            """
            gavel: inventory/v1
            ssh_config: client/ssh_config
            hosts:
              gvh1:
                gavel: \(ProgramRunner.gavelBinary.path)
                timeout: 0.5
            """)
        let r = try ProgramRunner.gavel(["collect", "fleet", "--inventory", inv, "-o", w + "/slow-out"])
        XCTAssertEqual(r.code, 1)
        XCTAssertTrue(r.out.contains("gvh1") && r.out.contains("timeout") && r.out.contains("no result within"), r.out)
    }

    /// Shopify stores of the inventory are collected from this machine, beside the hosts; a
    /// store whose token cannot be read is recorded as failed, and the token never leaves its file.
    func testFleetCollectsShopifyStoresFromThisMachine() throws {
        let server = try ShopifyTestServer()
        let dir = NSTemporaryDirectory() + "gavel-fleet-shopify-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.write(dir + "/tokens/northwind", ShopifyTestServer.token + "\n")
        try Self.write(
            dir + "/fleet.yaml",
            """
            gavel: inventory/v1
            shopify:
              - asset: northwind
                shop: northwind-telehealth.myshopify.com
                token_file: tokens/northwind
                endpoint: \(server.endpoint)
              - asset: other-store
                shop: other-store.myshopify.com
                token_file: tokens/missing
                endpoint: \(server.endpoint)
            """)
        let out = dir + "/out"
        let r = try ProgramRunner.gavel(["collect", "fleet", "--inventory", dir + "/fleet.yaml", "-o", out])
        XCTAssertEqual(r.code, 1, r.out + r.err)
        XCTAssertTrue(
            r.out.contains("shopify:northwind") && r.out.split(separator: "\n").contains { $0.hasPrefix("shopify:northwind ") && $0.contains(" ok ") }, r.out)
        XCTAssertTrue(
            r.out.split(separator: "\n").contains { $0.hasPrefix("shopify:other-store") && $0.contains("failed") && $0.contains("tokens/missing") }, r.out)
        let snap = try json(out + "/northwind/shopify.json")
        XCTAssertEqual(snap["kind"] as? String, "shopify")
        XCTAssertNil(snap["unavailable"])
        XCTAssertEqual((try json(out + "/other-store/shopify.json")["collector"] as? [String: Any])?["outcome"] as? String, "failed")
        let everything =
            [r.out, r.err]
            + (FileManager.default.enumerator(atPath: out)?.compactMap { $0 as? String } ?? [])
            .compactMap { try? String(contentsOfFile: out + "/" + $0, encoding: .utf8) }
        XCTAssertFalse(everything.contains { $0.contains(ShopifyTestServer.token) }, "the token stays in its file")
    }

    func testABadInventoryIsLocatedAndNothingIsCollected() throws {
        let dir = NSTemporaryDirectory() + "gavel-fleet-inv-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.write(dir + "/fleet.yaml", "gavel: inventory/v1\nhosts:\n  web-1:\n    prot: 22\n")
        let r = try ProgramRunner.gavel(["collect", "fleet", "--inventory", dir + "/fleet.yaml", "-o", dir + "/out"])
        XCTAssertEqual(r.code, 3)
        XCTAssertTrue(r.err.contains("\(dir)/fleet.yaml:4:5: error[unknown-key]: unknown key 'prot' in host 'web-1'; did you mean 'port'?"), r.err)
        XCTAssertTrue(r.err.contains("    prot: 22"), "the source line under the message: \(r.err)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/out"))

        try Self.write(dir + "/fleet.yaml", "gavel: inventory/v1\nhosts:\n  web-1: {}\n")
        let l = try ProgramRunner.gavel(["collect", "fleet", "--inventory", dir + "/fleet.yaml", "-o", dir + "/out", "--limit", "web-2"])
        XCTAssertEqual(l.code, 2)
        XCTAssertTrue(l.err.contains("error[unknown-host]: --limit web-2 selects no host, group or Shopify store"), l.err)
        XCTAssertTrue(l.err.contains("did you mean 'web-1'?"), l.err)
    }

    /// On a terminal, progress (done / total, failures) goes to stderr while the fleet runs;
    /// `script` gives the command one.
    func testProgressIsShownOnATerminal() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { throw XCTSkip("no script(1)") }
        let dir = NSTemporaryDirectory() + "gavel-fleet-tty-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.write(
            dir + "/fleet.yaml",
            "gavel: inventory/v1\nshopify:\n  - {asset: a, shop: a.myshopify.com, token_file: none}\n  - {asset: b, shop: b.myshopify.com, token_file: none}\n")
        let command = [ProgramRunner.gavelBinary.path, "collect", "fleet", "--inventory", dir + "/fleet.yaml", "-o", dir + "/out", "--jobs", "1"]
            .map(Self.quote).joined(separator: " ")
        let r = try ProgramRunner.run(URL(fileURLWithPath: "/usr/bin/script"), ["-qec", command, "/dev/null"])
        XCTAssertTrue(r.out.contains("\r\u{1B}[K[1/2, 1 failed] a: failed"), r.out)
        XCTAssertTrue(r.out.contains("\r\u{1B}[K[2/2, 2 failed] b: failed"), r.out)
    }
}
