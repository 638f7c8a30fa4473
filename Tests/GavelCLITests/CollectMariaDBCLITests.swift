import Foundation
import XCTest

/// `gavel collect mariadb` against Debian's MariaDB (started by .ci/run): accounts and
/// settings the test makes, read back into the snapshot and judged by the shipped rules;
/// no password or hash in the snapshot; a reader without the privileges gets `unavailable`
/// accounts and `error`, never a pass.
extension CLITests {
    func mariadbOrSkip() throws {
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/mariadb"), (try? mariadb("SELECT 1"))?.code == 0 { return }
        if ProcessInfo.processInfo.environment["CI"] != nil { XCTFail("mariadb-server must be installed and running in CI (.ci/run sets it up)") }
        throw XCTSkip("MariaDB is not running")
    }

    func verdicts(_ dir: String, _ snapshot: String) throws -> [String: String] {
        let r = try gavel([
            "eval", "--snapshots", snapshot, "--policies", Self.repo + "/Policies", "--format", "json", "-o", dir + "/r.json", "--fail-on", "none",
        ])
        XCTAssertEqual(r.code, 0, r.err)
        var out: [String: String] = [:]
        for e in try jsonObject(dir + "/r.json")["results"] as! [[String: Any]] { out[e["rule"] as! String] = e["verdict"] as? String }
        return out
    }

    func testCollectMariaDBReadsAccountsAndSettingsAndTheRulesJudgeThem() throws {
        try mariadbOrSkip()
        let id = UUID().uuidString.prefix(6).lowercased()
        let (anyHost, noPass, tls, reader) = ("gvl_any_\(id)", "gvl_nopass_\(id)", "gvl_tls_\(id)", "gvl_ro_\(id)")
        let secret = "test-only-mariadb-pass-\(id)"
        XCTAssertEqual(
            try mariadb(
                """
                CREATE USER '\(anyHost)'@'%' IDENTIFIED BY '\(secret)'; GRANT ALL PRIVILEGES ON *.* TO '\(anyHost)'@'%' WITH GRANT OPTION;
                CREATE USER '\(noPass)'@'localhost';
                CREATE USER '\(tls)'@'10.0.0.%' IDENTIFIED BY '\(secret)' REQUIRE SSL;
                CREATE USER '\(reader)'@'localhost' IDENTIFIED BY '\(secret)';
                GRANT SELECT ON mysql.user TO '\(reader)'@'localhost'; GRANT SELECT ON mysql.global_priv TO '\(reader)'@'localhost';
                """
            ).code, 0)
        defer {
            _ = try? mariadb(
                "DROP USER IF EXISTS '\(anyHost)'@'%', '\(noPass)'@'localhost', '\(tls)'@'10.0.0.%', '\(reader)'@'localhost'; FLUSH PRIVILEGES;")
        }
        let dir = tempDir()
        // As root through the socket (the operating-system user).
        var r = try gavel(["collect", "mariadb", "--asset", "db.example.com", "-o", dir + "/root.json"])
        XCTAssertEqual(r.code, 0, r.err)
        let text = try String(contentsOfFile: dir + "/root.json", encoding: .utf8)
        XCTAssertFalse(text.contains(secret), "no password in the snapshot")
        XCTAssertFalse(text.range(of: "\\*[0-9A-F]{40}", options: .regularExpression) != nil, "no password hash in the snapshot")
        let data = try jsonObject(dir + "/root.json")["data"] as! [String: Any]
        let accounts = Dictionary(uniqueKeysWithValues: (data["accounts"] as! [[String: Any]]).map { ("\($0["user"]!)@\($0["host"]!)", $0) })
        let any = try XCTUnwrap(accounts["\(anyHost)@%"])
        XCTAssertEqual(any["any_host"] as? Bool, true)
        XCTAssertEqual(any["all_privileges"] as? Bool, true)
        XCTAssertEqual(any["grant_option"] as? Bool, true)
        XCTAssertEqual(any["empty_password"] as? Bool, false)
        XCTAssertTrue((any["global_privileges"] as! [String]).contains("SUPER"))
        XCTAssertEqual(accounts["\(noPass)@localhost"]?["empty_password"] as? Bool, true)
        XCTAssertEqual(accounts["\(noPass)@localhost"]?["remote"] as? Bool, false)
        let t = try XCTUnwrap(accounts["\(tls)@10.0.0.%"])
        XCTAssertEqual(t["require_tls"] as? Bool, true)
        XCTAssertEqual(t["remote"] as? Bool, true)
        XCTAssertEqual(t["host_pattern"] as? Bool, true)
        XCTAssertEqual(t["global_privileges"] as? [String], [])
        XCTAssertEqual(
            accounts["root@localhost"]?["identified_via"] as? [String], ["mysql_native_password", "unix_socket"], "Debian's root: password or socket")
        XCTAssertEqual(accounts["mariadb.sys@localhost"]?["locked"] as? Bool, true)
        let vars = data["variables"] as! [String: String]
        XCTAssertNotNil(vars["local_infile"])
        XCTAssertNil(vars["max_password_errors"], "password settings are in password_policy, as numbers")
        XCTAssertNotNil((data["password_policy"] as! [String: Any])["max_errors"] as? Int)
        XCTAssertEqual(
            try program("/usr/bin/python3", [Self.repo + "/scripts/validate-snapshots.py", Self.repo + "/docs/snapshots", dir + "/root.json"]).code, 0)

        // The rules over it: the accounts the test made fail the account rules.
        var v = try verdicts(dir, dir + "/root.json")
        XCTAssertEqual(v["DB-ACCT-002"], "fail", "an account without a password")
        XCTAssertEqual(v["DB-ACCT-003"], "fail", "ALL PRIVILEGES from %")
        XCTAssertEqual(v["DB-TLS-002"], vars["require_secure_transport"] == "ON" ? "pass" : "fail", "\(anyHost)@% does not require TLS")
        // Fixed, they pass.
        XCTAssertEqual(try mariadb("DROP USER '\(anyHost)'@'%'; DROP USER '\(noPass)'@'localhost';").code, 0)
        XCTAssertEqual(try gavel(["collect", "mariadb", "--asset", "db.example.com", "-o", dir + "/fixed.json"]).code, 0)
        v = try verdicts(dir, dir + "/fixed.json")
        XCTAssertEqual(v["DB-ACCT-002"], "pass")
        XCTAssertEqual(v["DB-ACCT-003"], "pass")
        XCTAssertEqual(v["DB-TLS-002"], "pass", "the only remote account left requires TLS")

        // A read-only account, its password from a file (never on the command line).
        try secret.write(toFile: dir + "/pass", atomically: true, encoding: .utf8)
        r = try gavel(["collect", "mariadb", "--asset", "db.example.com", "--user", reader, "--password-file", dir + "/pass", "-o", dir + "/ro.json"])
        XCTAssertEqual(r.code, 0, r.err)
        XCTAssertNotNil((try jsonObject(dir + "/ro.json")["data"] as! [String: Any])["accounts"])
        // The same through an option file of the user's own.
        try "[client]\nuser=\(reader)\npassword=\(secret)\n".write(toFile: dir + "/my.cnf", atomically: true, encoding: .utf8)
        r = try gavel(["collect", "mariadb", "--asset", "db.example.com", "--defaults-file", dir + "/my.cnf", "-o", dir + "/cnf.json"])
        XCTAssertEqual(r.code, 0, r.err)
        XCTAssertFalse(try String(contentsOfFile: dir + "/cnf.json", encoding: .utf8).contains(secret))
        // Without SELECT on the account tables: the accounts are unavailable and their rules err.
        XCTAssertEqual(
            try mariadb("REVOKE SELECT ON mysql.user FROM '\(reader)'@'localhost'; REVOKE SELECT ON mysql.global_priv FROM '\(reader)'@'localhost';").code, 0)
        r = try gavel(["collect", "mariadb", "--asset", "db.example.com", "--user", reader, "--password-file", dir + "/pass", "-o", dir + "/denied.json"])
        XCTAssertEqual(r.code, 0, r.err)
        let denied = try jsonObject(dir + "/denied.json")
        XCTAssertNil((denied["data"] as! [String: Any])["accounts"])
        XCTAssertNotNil((denied["unavailable"] as? [String: String])?["/accounts"])
        v = try verdicts(dir, dir + "/denied.json")
        for rule in ["DB-ACCT-001", "DB-ACCT-002", "DB-ACCT-003", "DB-ACCT-004"] { XCTAssertEqual(v[rule], "error", rule) }
        // A wrong password is an error with the client's words, not a snapshot.
        try "wrong".write(toFile: dir + "/pass", atomically: true, encoding: .utf8)
        r = try gavel(["collect", "mariadb", "--asset", "db.example.com", "--user", reader, "--password-file", dir + "/pass", "-o", dir + "/wrong.json"])
        XCTAssertNotEqual(r.code, 0)
        XCTAssertTrue(r.err.contains("error[db-query]") && r.err.contains("Access denied"), r.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/wrong.json"))
    }

    func testCollectMariaDBSettingsTurnRulesFromFailToPass() throws {
        try mariadbOrSkip()
        let before = try mariadb("SELECT @@GLOBAL.local_infile, @@GLOBAL.max_password_errors").out.split(whereSeparator: \.isNewline).last.map {
            $0.split(separator: "\t").map(String.init)
        }
        let dir = tempDir()
        XCTAssertEqual(try mariadb("SET GLOBAL local_infile = ON; SET GLOBAL max_password_errors = 4294967295;").code, 0)
        defer { if let b = before, b.count == 2 { _ = try? mariadb("SET GLOBAL local_infile = \(b[0]); SET GLOBAL max_password_errors = \(b[1]);") } }
        XCTAssertEqual(try gavel(["collect", "mariadb", "--asset", "db.example.com", "-o", dir + "/a.json"]).code, 0)
        var v = try verdicts(dir, dir + "/a.json")
        XCTAssertEqual(v["DB-NET-001"], "fail")
        XCTAssertEqual(v["DB-PASS-001"], "fail")
        XCTAssertEqual(try mariadb("SET GLOBAL local_infile = OFF; SET GLOBAL max_password_errors = 5;").code, 0)
        XCTAssertEqual(try gavel(["collect", "mariadb", "--asset", "db.example.com", "-o", dir + "/b.json"]).code, 0)
        v = try verdicts(dir, dir + "/b.json")
        XCTAssertEqual(v["DB-NET-001"], "pass")
        XCTAssertEqual(v["DB-PASS-001"], "pass")
    }
}
