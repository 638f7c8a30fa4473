import Foundation
import XCTest

/// `gavel collect file` and `collect command`: files of any kind, read as the programs that
/// own them read them (redis-server's CONFIG GET, MariaDB's my_print_defaults), and
/// programs of one's own; then evaluated end to end as kinds no collector makes.
extension CLITests {
    private func snapshotJSON(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    private func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// Every directive of a redis.conf, as read by `--format keyvalue`, equals what the
    /// running redis-server reports for it with CONFIG GET.
    func testKeyValueFilesReadAsRedisReadsThem() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/redis-server") else {
            if ProcessInfo.processInfo.environment["CI"] != nil { XCTFail("redis-server must be installed in CI (setup.sh)") }
            throw XCTSkip("redis-server is not installed")
        }
        let dir = tempDir()
        let port = freePort()
        let password = "pw-" + UUID().uuidString
        let conf = dir + "/redis.conf"
        try """
        # A redis.conf written the way Debian's is: comments, quoted values, repeated keys.
        bind 127.0.0.1 -::1
        port \(port)
        protected-mode yes
        daemonize no
        dir \(dir)
        dbfilename "dump-test.rdb"
        logfile ""
        loglevel notice
        databases 4
        maxclients 100
        timeout 300
        tcp-keepalive 60
        save 900 1
        save 300 10
        appendonly no
        appendfilename "appendonly test.aof"
        requirepass "\(password)"
        rename-command FLUSHALL ""
        rename-command FLUSHDB ""
        maxmemory-policy allkeys-lru
        enable-debug-command no
        enable-module-command no
        lazyfree-lazy-eviction yes
        slowlog-log-slower-than 10000
        """.write(toFile: conf, atomically: true, encoding: .utf8)
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/redis-server")
        server.arguments = [conf]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { server.terminate(); server.waitUntilExit() }
        var reported: [String: String] = [:]
        for _ in 0..<100 {
            let r = try program("/usr/bin/redis-cli", ["-p", String(port), "--no-auth-warning", "-a", password, "CONFIG", "GET", "*"])
            let lines = r.out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if r.code == 0, lines.count > 20 {
                for i in stride(from: 0, to: lines.count - 1, by: 2) { reported[lines[i]] = lines[i + 1] }
                break
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        XCTAssertGreaterThan(reported.count, 100, "CONFIG GET * answered")

        let r = try gavel(["collect", "file", "--kind", "redis", "--asset", "cache-1", "--format", "keyvalue", "--list", "rename-command", conf])
        XCTAssertEqual(r.code, 0, r.err)
        XCTAssertFalse(r.out.contains(password), "the password stays in its file")
        let snap = try snapshotJSON(r.out)
        let data = try XCTUnwrap(snap["data"] as? [String: Any])
        let provenance = try XCTUnwrap(snap["provenance"] as? [String: String])
        var compared = 0
        for (key, value) in data {
            switch key {
            case "rename-command":  // not a configuration parameter: CONFIG GET does not list it
                XCTAssertEqual(value as? [String], ["FLUSHALL \"\"", "FLUSHDB \"\""])
            case "requirepass":
                let secret = try XCTUnwrap(value as? [String: Any])
                XCTAssertEqual(secret["length"] as? Int, reported["requirepass"]?.count)
                compared += 1
            case "save":
                XCTAssertEqual((value as? [String])?.joined(separator: " "), reported["save"], "Redis accumulates save lines")
                compared += 1
            default:
                XCTAssertEqual(value as? String, reported[key], "\(key)")
                compared += 1
            }
            XCTAssertNotNil(provenance["/" + key], "\(key) has its line")
        }
        XCTAssertEqual(compared, data.count - 1)
        XCTAssertEqual(provenance["/save/1"], conf + ":15", "the second save line")
    }

    /// An option file set with !include and !includedir, read with --format ini, gives what
    /// MariaDB's my_print_defaults gives for each group.
    func testINIFilesReadAsMariaDBReadsThem() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/my_print_defaults") else {
            if ProcessInfo.processInfo.environment["CI"] != nil { XCTFail("my_print_defaults (MariaDB) must be installed in CI") }
            throw XCTSkip("my_print_defaults is not installed")
        }
        let dir = tempDir()
        try FileManager.default.createDirectory(atPath: dir + "/conf.d", withIntermediateDirectories: true)
        let password = "pw-" + UUID().uuidString.prefix(12)
        try """
        # MariaDB option file
        [client]
        port = 3306
        password = "\(password)"

        [mysqld]
        bind-address = 127.0.0.1
        local_infile = 0   # no LOAD DATA LOCAL
        skip-name-resolve
        sql_mode = "STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION"
        log_error = '/var/log/mysql/error.log'
        ssl_cert=/etc/mysql/ssl/server-cert.pem
        !include \(dir)/extra.cnf
        !includedir \(dir)/conf.d

        """.write(toFile: dir + "/my.cnf", atomically: true, encoding: .utf8)  // (MariaDB drops a last line's last byte without a newline)
        try "[mysqld]\nrequire_secure_transport = ON\nlocal_infile = 1\n".write(toFile: dir + "/extra.cnf", atomically: true, encoding: .utf8)
        try "[mysqld]\nmax_connections=200\n".write(toFile: dir + "/conf.d/b.cnf", atomically: true, encoding: .utf8)
        try "[mysqld]\nmax_connections=100\ntls_version = TLSv1.2,TLSv1.3\n".write(toFile: dir + "/conf.d/a.cnf", atomically: true, encoding: .utf8)
        try "[mysqld]\nnot_read=1\n".write(toFile: dir + "/conf.d/c.txt", atomically: true, encoding: .utf8)

        let r = try gavel(["collect", "file", "--kind", "mariadb-config", "--asset", "db-1", "--format", "ini", dir + "/my.cnf"])
        XCTAssertEqual(r.code, 0, r.err)
        XCTAssertFalse(r.out.contains(password))
        let snap = try snapshotJSON(r.out)
        let data = try XCTUnwrap(snap["data"] as? [String: [String: Any]])
        for group in ["mysqld", "client"] {
            let run = try program("/usr/bin/my_print_defaults", ["--defaults-file=\(dir)/my.cnf", group])
            XCTAssertEqual(run.code, 0, run.err)
            let printed = run.out
            var expected: [String: String] = [:]
            for line in printed.split(separator: "\n") {
                let option = line.dropFirst(2)
                if let eq = option.firstIndex(of: "=") {
                    expected[String(option[..<eq])] = String(option[option.index(after: eq)...])
                } else {
                    expected[String(option)] = ""
                }
            }
            let ours = try XCTUnwrap(data[group])
            XCTAssertEqual(Set(ours.keys), Set(expected.keys), group)
            for (k, v) in expected {
                if k == "password" { XCTAssertEqual((ours[k] as? [String: Any])?["length"] as? Int, v.count); continue }
                if v.isEmpty { XCTAssertEqual(ours[k] as? Bool, true, "\(group).\(k) is a flag"); continue }
                XCTAssertEqual(ours[k] as? String, v, "\(group).\(k): the last one given, after the includes")
            }
        }
        let provenance = try XCTUnwrap(snap["provenance"] as? [String: String])
        XCTAssertEqual(provenance["/mysqld/max_connections"], dir + "/conf.d/b.cnf:2")
        XCTAssertEqual(provenance["/mysqld/local_infile"], dir + "/extra.cnf:3")
    }

    func testJSONYAMLAndEnvFilesKeepTheirLines() throws {
        let dir = tempDir()
        try "{\n  \"service\": {\n    \"listen\": \"0.0.0.0:8443\",\n    \"tls\": {\"min\": \"1.2\"}\n  },\n  \"api_token\": \"tok-\(UUID().uuidString)\"\n}\n"
            .write(toFile: dir + "/base.json", atomically: true, encoding: .utf8)
        try "{\"service\": {\"tls\": {\"min\": \"1.3\"}}}\n".write(toFile: dir + "/override.json", atomically: true, encoding: .utf8)
        let j = try gavel(["collect", "file", "--kind", "acme", "--asset", "a", "--format", "json", dir + "/base.json", dir + "/override.json"])
        XCTAssertEqual(j.code, 0, j.err)
        let js = try snapshotJSON(j.out)
        let jd = try XCTUnwrap(js["data"] as? [String: Any])
        XCTAssertEqual(((jd["service"] as? [String: Any])?["tls"] as? [String: Any])?["min"] as? String, "1.3", "the later file wins")
        XCTAssertEqual((jd["service"] as? [String: Any])?["listen"] as? String, "0.0.0.0:8443", "objects are merged")
        XCTAssertEqual((jd["api_token"] as? [String: Any])?["set"] as? Bool, true, "a secret by its name")
        let jp = try XCTUnwrap(js["provenance"] as? [String: String])
        XCTAssertEqual(jp["/service/listen"], dir + "/base.json:3")
        XCTAssertEqual(jp["/service/tls/min"], dir + "/override.json:1")

        try "server:\n  port: 8080\n  admin:\n    enabled: true\nusers:\n  - name: alice\n    password: hunter2-\(UUID().uuidString.prefix(6))\n"
            .write(toFile: dir + "/app.yaml", atomically: true, encoding: .utf8)
        let y = try gavel(["collect", "file", "--kind", "acme", "--asset", "a", "--format", "yaml", dir + "/app.yaml"])
        XCTAssertEqual(y.code, 0, y.err)
        XCTAssertFalse(y.out.contains("hunter2"))
        let yp = try XCTUnwrap(try snapshotJSON(y.out)["provenance"] as? [String: String])
        XCTAssertEqual(yp["/server/admin/enabled"], dir + "/app.yaml:4")
        XCTAssertEqual(yp["/users/0/name"], dir + "/app.yaml:6")

        let stripe = "sk_live_" + UUID().uuidString.prefix(12)
        try
            "# app settings\nexport APP_ENV=production\nDB_HOST=db.internal # primary\nSTRIPE_KEY='\(stripe)'\nMAIL_FROM=\"Clinic <no-reply@example.invalid>\"\nFEATURE_X=x1y2z3\n"
            .write(toFile: dir + "/.env", atomically: true, encoding: .utf8)
        let e = try gavel(["collect", "file", "--kind", "app-env", "--asset", "a", "--format", "env", "--secret-key", "feature", dir + "/.env"])
        XCTAssertEqual(e.code, 0, e.err)
        XCTAssertFalse(e.out.contains(stripe))
        let ed = try XCTUnwrap(try snapshotJSON(e.out)["data"] as? [String: Any])
        XCTAssertEqual(ed["APP_ENV"] as? String, "production")
        XCTAssertEqual(ed["DB_HOST"] as? String, "db.internal", "an inline comment is not the value")
        XCTAssertEqual(ed["MAIL_FROM"] as? String, "Clinic <no-reply@example.invalid>")
        XCTAssertEqual((ed["FEATURE_X"] as? [String: Any])?["secret"] as? String, "its name says it is a secret (feature, a word given with --secret-key)")

        // Bad input: located, and no snapshot.
        try "{\"a\": [1, 2,]}".write(toFile: dir + "/bad.json", atomically: true, encoding: .utf8)
        let bad = try gavel(["collect", "file", "--kind", "acme", "--asset", "a", "--format", "json", dir + "/bad.json"])
        XCTAssertEqual(bad.code, 3)
        XCTAssertTrue(bad.err.contains("\(dir)/bad.json:1:") && bad.err.contains("error[config-syntax]"), bad.err)
        XCTAssertEqual(bad.out, "")
        XCTAssertEqual(try gavel(["collect", "file", "--kind", "Acme", "--asset", "a", "--format", "json", dir + "/base.json"]).code, 2)
        let missing = try gavel(["collect", "file", "--kind", "acme", "--asset", "a", "--format", "ini", dir + "/nope.ini"])
        XCTAssertEqual(missing.code, 3)
        XCTAssertTrue(missing.err.contains("error[config-read]: cannot read \(dir)/nope.ini: No such file or directory"), missing.err)
    }

    func testCommandOutputBecomesASnapshot() throws {
        let dir = tempDir()
        let script = dir + "/collector.sh"
        try """
        #!/bin/sh
        case "$1" in
          plain) echo '{"feature": {"mfa": true}, "client_secret": "'"$MY_SECRET"'"}' ;;
          envelope) echo '{"gavel": "collector/v1", "data": {"mfa": false}, "provenance": {"/mfa": "admin console, settings page"}, "unavailable": {"/sso": "needs an admin token"}}' ;;
          fails) echo "cannot reach the API" >&2; exit 4 ;;
          notjson) echo 'mfa=true' ;;
          slow) sleep 30 ;;
        esac
        """.write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        let secret = "s-" + UUID().uuidString
        let plain = try gavel(
            ["collect", "command", "--kind", "idp", "--asset", "tenant-1", "--env", "MY_SECRET", "--", script, "plain"], env: ["MY_SECRET": secret])
        XCTAssertEqual(plain.code, 0, plain.err)
        XCTAssertFalse(plain.out.contains(secret), "a secret the program printed is recorded as set/length only")
        let pd = try XCTUnwrap(try snapshotJSON(plain.out)["data"] as? [String: Any])
        XCTAssertEqual((pd["feature"] as? [String: Any])?["mfa"] as? Bool, true)
        XCTAssertEqual((pd["client_secret"] as? [String: Any])?["length"] as? Int, secret.count)
        let noEnv = try gavel(["collect", "command", "--kind", "idp", "--asset", "t", "--", script, "plain"], env: ["MY_SECRET": secret])
        XCTAssertEqual(((try snapshotJSON(noEnv.out)["data"] as? [String: Any])?["client_secret"] as? String), "", "without --env the program does not see it")

        let env = try gavel(["collect", "command", "--kind", "idp", "--asset", "tenant-1", "--", script, "envelope"])
        let es = try snapshotJSON(env.out)
        XCTAssertEqual((es["provenance"] as? [String: String])?["/mfa"], "admin console, settings page")
        XCTAssertEqual((es["unavailable"] as? [String: String])?["/sso"], "needs an admin token")

        let fails = try gavel(["collect", "command", "--kind", "idp", "--asset", "t", "--", script, "fails"])
        XCTAssertEqual(fails.code, 3)
        XCTAssertTrue(fails.err.contains("error[command-failed]") && fails.err.contains("status 4: cannot reach the API"), fails.err)
        let notJSON = try gavel(["collect", "command", "--kind", "idp", "--asset", "t", "--", script, "notjson"])
        XCTAssertEqual(notJSON.code, 3)
        XCTAssertTrue(notJSON.err.contains("error[command-output]"), notJSON.err)
        let slow = try gavel(["collect", "command", "--kind", "idp", "--asset", "t", "--timeout", "1", "--", script, "slow"])
        XCTAssertEqual(slow.code, 3)
        XCTAssertTrue(slow.err.contains("error[program-timeout]"), slow.err)
        XCTAssertEqual(slow.out, "")
    }

    /// A redis.conf collected as kind redis is evaluated by the shipped Redis rules, with the
    /// file and line of each finding.
    func testAKindOfOneselfEvaluatesEndToEnd() throws {
        let dir = tempDir()
        try "bind 0.0.0.0\nprotected-mode no\nrequirepass foobared\nloglevel notice\n".write(toFile: dir + "/redis.conf", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: dir + "/snapshots/cache-1", withIntermediateDirectories: true)
        let c = try gavel([
            "collect", "file", "--kind", "redis", "--asset", "cache-1", "--format", "keyvalue", "--list", "rename-command",
            dir + "/redis.conf", "-o", dir + "/snapshots/cache-1/redis.json",
        ])
        XCTAssertEqual(c.code, 0, c.err)
        let e = try gavel(["eval", "--snapshots", dir + "/snapshots", "--format", "json", "--fail-on", "none"])
        XCTAssertEqual(e.code, 0, e.err)
        let results = (try JSONSerialization.jsonObject(with: Data(e.out.utf8)) as! [String: Any])["results"] as! [[String: Any]]
        func result(_ rule: String) -> [String: Any]? { results.first { $0["rule"] as? String == rule } }
        XCTAssertEqual(result("REDIS-BIND-001")?["verdict"] as? String, "fail")
        XCTAssertEqual(result("REDIS-PROTECTED-001")?["verdict"] as? String, "fail")
        XCTAssertEqual(result("REDIS-AUTH-002")?["verdict"] as? String, "fail", "foobared is redis.conf's example password")
        XCTAssertEqual(result("REDIS-LOG-001")?["verdict"] as? String, "pass")
        let evidence = (result("REDIS-PROTECTED-001")?["evidence"] as? [[String: Any]])?.first
        XCTAssertEqual(evidence?["source"] as? String, dir + "/redis.conf:2")
        XCTAssertEqual(evidence?["path"] as? String, "redis.protected-mode")
        XCTAssertEqual(result("PHP-EXPOSE-001")?["verdict"] as? String, "not_applicable")
        let text = try gavel(["eval", "--snapshots", dir + "/snapshots", "--fail-on", "none"])
        XCTAssertTrue(text.out.contains("at \(dir)/redis.conf:2 (redis.protected-mode)"), text.out)
        // The reports and the history take the kind like any other.
        let store = dir + "/history.sqlite"
        XCTAssertEqual(
            try gavel(["eval", "--snapshots", dir + "/snapshots", "--store", store, "--fail-on", "none", "--format", "json", "-o", dir + "/r.json"]).code, 0)
        let html = try gavel(["report", dir + "/r.json", "--format", "html", "-o", dir + "/r.html"])
        XCTAssertEqual(html.code, 0, html.err)
        XCTAssertTrue(try String(contentsOfFile: dir + "/r.html", encoding: .utf8).contains("redis.protected-mode"))
        let control = try gavel(["history", "control", "soc2:CC6.6", "--store", store, "--format", "json"])
        XCTAssertEqual(control.code, 0, control.err)
        XCTAssertTrue(control.out.contains("\"verdict\":\"fail\"") || control.out.contains("\"verdict\": \"fail\""), control.out)
    }

    /// A snapshot kind no rule reads, close to a kind rules read and no snapshot has: a
    /// warning names both, and a run that evaluated nothing is still an error.
    func testAMisspeltSnapshotKindIsNamed() throws {
        let dir = tempDir()
        try "protected-mode yes\n".write(toFile: dir + "/redis.conf", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: dir + "/s/cache-1", withIntermediateDirectories: true)
        XCTAssertEqual(
            try gavel([
                "collect", "file", "--kind", "rediss", "--asset", "cache-1", "--format", "keyvalue", dir + "/redis.conf",
                "-o", dir + "/s/cache-1/rediss.json",
            ]).code, 0)
        let e = try gavel(["eval", "--snapshots", dir + "/s"])
        XCTAssertEqual(e.code, 3)
        XCTAssertTrue(
            e.err.contains("warning[unknown-kind]: rules read kind 'redis', which no snapshot has, and no rule reads the snapshots of kind 'rediss'"), e.err)
        XCTAssertTrue(e.err.contains("error[nothing-evaluated]: nothing was evaluated"), e.err)
    }
}
