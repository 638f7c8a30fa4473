import Foundation
import XCTest

/// `gavel collect host` on this machine reads the local MariaDB server (started by .ci/run)
/// through its socket, as the OS user, and gives every asset of the host its snapshot; a
/// socket it cannot read gives a snapshot whose parts are unavailable, never no snapshot.
extension CLITests {
    func testCollectHostReadsTheLocalMariaDB() throws {
        try mariadbOrSkip()
        guard getuid() == 0, FileManager.default.fileExists(atPath: "/run/mysqld/mysqld.sock") else {
            if ProcessInfo.processInfo.environment["CI"] != nil { XCTFail("CI runs as root with MariaDB on /run/mysqld/mysqld.sock") }
            throw XCTSkip("needs root and MariaDB's default socket")
        }
        // No nginx configuration: the host is one asset, named after the host.
        let base = ["collect", "host", "--host-name", "db-1", "--nginx-config", "/nonexistent/nginx.conf"]
        let out = tempDir() + "/snapshots"
        let r = try gavel(base + ["-o", out])
        XCTAssertEqual(r.code, 0, r.err)
        XCTAssertTrue(r.err.contains("found    mariadb at /run/mysqld/mysqld.sock"), r.err)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out + "/db-1").sorted(), ["hosting.json", "mariadb.json"])
        let doc = try jsonObject(out + "/db-1/mariadb.json")
        XCTAssertEqual(doc["asset"] as? String, "db-1")
        let data = try XCTUnwrap(doc["data"] as? [String: Any])
        XCTAssertNotNil((data["server"] as? [String: Any])?["version"] as? String)
        XCTAssertFalse((data["accounts"] as? [Any] ?? []).isEmpty, "root reads mysql.user")
        let v = try verdicts(tempDir(), out)
        XCTAssertNotEqual(v["DB-ACCT-001"], "error")
        XCTAssertNotNil(v["DB-ACCT-001"])

        // A socket nobody listens on: the snapshot is there, with every part unavailable.
        let bad = tempDir() + "/bad"
        let b = try gavel(base + ["--mariadb-socket", tempDir() + "/none.sock", "-o", bad])
        XCTAssertEqual(b.code, 0, b.err)
        XCTAssertTrue(b.err.contains("skipped  mariadb at"), b.err)
        XCTAssertEqual(try verdicts(tempDir(), bad)["DB-ACCT-001"], "error")

        let none = tempDir() + "/none"
        XCTAssertEqual(try gavel(base + ["--no-mariadb", "-o", none]).code, 0)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: none + "/db-1"), ["hosting.json"])

        let image = try gavel(["collect", "host", "--root", tempDir(), "--mariadb-socket", "/run/mysqld/mysqld.sock", "-o", tempDir() + "/x"])
        XCTAssertEqual(image.code, 2)
        XCTAssertTrue(image.err.contains("with --root only files are read"), image.err)
    }
}
