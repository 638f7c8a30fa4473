import Foundation
import XCTest

/// `gavel collect hosting` on the machine running the tests, asserting on facts the test
/// sets up: certificates made by openssl (compared with openssl's own reading), a file mode
/// it set, a TCP port it listens on.
extension CLITests {
    func openssl(_ args: [String]) throws -> String {
        let r = try program("/usr/bin/openssl", args)
        XCTAssertEqual(r.code, 0, r.err)
        return r.out
    }

    func testCollectHostingOnThisMachine() throws {
        try nginxOrSkip()  // needs openssl
        let dir = tempDir()
        _ = try openssl([
            "req", "-x509", "-newkey", "rsa:3072", "-nodes", "-days", "30", "-subj", "/CN=rsa.example.com/O=Gavel Test",
            "-addext", "subjectAltName=DNS:rsa.example.com,DNS:www.example.com", "-keyout", dir + "/rsa.key", "-out", dir + "/rsa.pem",
        ])
        _ = try openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:secp384r1", "-nodes", "-days", "400", "-sha384",
            "-subj", "/CN=ec.example.com", "-keyout", dir + "/ec.key", "-out", dir + "/ec.pem",
        ])
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: dir + "/rsa.key")

        // A listening socket owned by this test process.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        XCTAssertGreaterThanOrEqual(fd, 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        XCTAssertEqual(bound, 0)
        XCTAssertEqual(listen(fd, 4), 0)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        let port = Int(UInt16(bigEndian: addr.sin_port))

        let r = try gavel([
            "collect", "hosting", "--asset", "ci-host", "--cert", dir + "/rsa.pem", "--cert", dir + "/ec.pem",
            "--file", dir + "/rsa.key", "--file", "/etc/passwd",
        ])
        XCTAssertEqual(r.code, 0, r.err)
        let doc = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        XCTAssertEqual(doc["kind"] as? String, "hosting")
        let data = try XCTUnwrap(doc["data"] as? [String: Any])

        let listening = try XCTUnwrap(data["listening"] as? [[String: Any]])
        let mine = listening.first { $0["port"] as? Int == port }
        XCTAssertEqual(mine?["address"] as? String, "127.0.0.1", "port \(port) in \(listening)")
        XCTAssertEqual(mine?["public"] as? Bool, false)

        let files = try XCTUnwrap(data["files"] as? [[String: Any]])
        XCTAssertEqual(files[0]["mode"] as? String, "0600")
        XCTAssertEqual(files[1]["mode"] as? String, "0644")

        // Pending updates as apt itself lists them.
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/apt") {
            let listed = try program("/usr/bin/apt", ["list", "--upgradable"]).out.split(separator: "\n").filter { $0.contains("[upgradable from:") }
            let updates = try XCTUnwrap(data["updates"] as? [String: Any])
            XCTAssertEqual(updates["pending"] as? Int, listed.count)
            let security = listed.filter { $0.split(separator: " ")[0].contains("-security") }
            XCTAssertEqual(updates["pending_security"] as? Int, security.count)
            XCTAssertEqual(updates["security_packages"] as? [String], security.map { String($0.prefix { $0 != "/" }) })
        }

        let certs = try XCTUnwrap(data["certificates"] as? [[String: Any]])
        let rsa = certs[0], ec = certs[1]
        XCTAssertEqual(rsa["key_type"] as? String, "RSA")
        XCTAssertEqual(rsa["key_bits"] as? Int, 3072)
        XCTAssertEqual(rsa["subject"] as? String, "O=Gavel Test,CN=rsa.example.com", "RFC 4514: most specific part first")
        XCTAssertEqual(rsa["self_signed"] as? Bool, true)
        XCTAssertEqual(rsa["dns_names"] as? [String], ["rsa.example.com", "www.example.com"])
        XCTAssertEqual(rsa["holds_private_key"] as? Bool, false)
        XCTAssertTrue((29...30).contains(rsa["days_left"] as? Int ?? -1), "\(rsa["days_left"] ?? "nil")")
        XCTAssertEqual(ec["key_type"] as? String, "EC")
        XCTAssertEqual(ec["curve"] as? String, "secp384r1")
        XCTAssertEqual(ec["key_bits"] as? Int, 384)
        XCTAssertEqual(ec["signature_algorithm"] as? String, "ecdsa-with-SHA384")

        // openssl's reading of the same certificates is the oracle.
        for (cert, path) in [(rsa, dir + "/rsa.pem"), (ec, dir + "/ec.pem")] {
            let text = try openssl(["x509", "-in", path, "-noout", "-text", "-enddate", "-fingerprint", "-sha256", "-serial"])
            XCTAssertTrue(text.contains("Signature Algorithm: \(cert["signature_algorithm"] as? String ?? "?")"), text)
            let fingerprint = text.split(separator: "\n").first { $0.hasPrefix("sha256 Fingerprint=") || $0.hasPrefix("SHA256 Fingerprint=") }
            XCTAssertEqual(fingerprint.map { $0.split(separator: "=")[1].replacingOccurrences(of: ":", with: "").lowercased() }, cert["sha256"] as? String)
            let serial = text.split(separator: "\n").first { $0.hasPrefix("serial=") }.map { String($0.dropFirst(7)) }
            XCTAssertEqual(serial?.uppercased().drop { $0 == "0" }.description, (cert["serial"] as? String)?.drop { $0 == "0" }.description)
            let enddate = try XCTUnwrap(text.split(separator: "\n").first { $0.hasPrefix("notAfter=") }).dropFirst(9)
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.timeZone = TimeZone(identifier: "GMT")
            f.dateFormat = "MMM d HH:mm:ss yyyy 'GMT'"
            let expected = try XCTUnwrap(f.date(from: enddate.replacingOccurrences(of: "  ", with: " ")), String(enddate))
            XCTAssertEqual(cert["not_after"] as? String, ISO8601DateFormatter().string(from: expected))
        }
        XCTAssertFalse(r.out.contains("PRIVATE KEY"), "no key material in the snapshot")
        let os = try XCTUnwrap(data["os"] as? [String: Any])
        XCTAssertNotNil(os["id"] as? String)
    }
}
