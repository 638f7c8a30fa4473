import Foundation
import GavelCore
import XCTest

@testable import GavelCollectors

/// The hosting collector against a fixture root (`--root`): each file format read as its
/// program reads it, nothing run.
final class HostingCollectorTests: XCTestCase {
    var root = ""

    override func setUpWithError() throws {
        root = NSTemporaryDirectory() + "gavel-host-\(UUID().uuidString)"
        let files: [String: String] = [
            "/etc/os-release": "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n",
            "/etc/ssh/sshd_config": """
            # comment
            Include /etc/ssh/sshd_config.d/*.conf
            PermitRootLogin yes
            PasswordAuthentication=yes
            Port 22
            Port 2222
            AllowUsers alice bob
            Match User backup
                PasswordAuthentication yes
                X11Forwarding yes
            """,
            "/etc/ssh/sshd_config.d/50-hardening.conf": "passwordauthentication no   # first value wins\nPermitRootLogin no\n",
            "/etc/ssh/sshd_config.d/10-first.conf": "PermitRootLogin prohibit-password\n",
            "/etc/passwd":
                "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nalice:x:1000:1000:Alice Example,,,:/home/alice:/bin/bash\n",
            "/etc/group": "root:x:0:\nsudo:x:27:alice\n",
            "/etc/sudoers": "Defaults env_reset\nroot ALL=(ALL:ALL) ALL\n%sudo ALL=(ALL:ALL) ALL\n",
            "/etc/sudoers.d/deploy": "deploy ALL=(ALL) NOPASSWD: /usr/bin/systemctl\n",
            "/proc/net/tcp": """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 0100007F:0CEA 00000000:0000 0A 00000000:00000000 00:00000000 00000000   106        0 1001 1 0 100 0 0 10 0
               1: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1002 1 0 100 0 0 10 0
               2: 0100007F:0CEA 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000   106        0 1003 1 0 100 0 0 10 0
            """,
            "/proc/net/tcp6": """
              sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 00000000000000000000000000000000:01BB 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2001 1 0 100 0 0 10 0
               1: 0000000000000000FFFF00000100007F:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000    33        0 2002 1 0 100 0 0 10 0
            """,
            "/proc/net/udp":
                "  sl  local_address rem_address   st\n   0: 00000000:007B 00000000:0000 07 00000000:00000000 00:00000000 00000000   0 0 3001 2 0\n",
            "/etc/systemd/journald.conf": "[Journal]\n#Storage=auto\nStorage=persistent\n",
            "/etc/systemd/journald.conf.d/retention.conf": "[Journal]\nMaxRetentionSec=1year\n",
            "/etc/logrotate.conf": "weekly\nrotate 4\ninclude /etc/logrotate.d\n",
            "/etc/logrotate.d/nginx": "/var/log/nginx/*.log {\n  daily\n  rotate 14\n}\n",
            "/etc/apt/apt.conf.d/20auto-upgrades": "APT::Periodic::Update-Package-Lists \"1\";\nAPT::Periodic::Unattended-Upgrade \"1\";\n",
            "/var/lib/dpkg/status": "Package: unattended-upgrades\nStatus: install ok installed\n",
        ]
        for (path, text) in files {
            try FileManager.default.createDirectory(atPath: root + (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: root + path, atomically: true, encoding: .utf8)
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: root + "/etc/sudoers")
    }

    func collect() throws -> (Value, Value) {
        var b = SnapshotBuilder(asset: "h", kind: "hosting")
        let data = try HostingCollector(files: ["/etc/sudoers", "/etc/missing"], root: root).collect(into: &b)
        return (data, b.document(data: .null)["provenance"] ?? .null)
    }

    func testSSHDFirstValueWinsIncludesInOrderAndMatchRecorded() throws {
        let (d, prov) = try collect()
        let s = try XCTUnwrap(d["sshd"]?["settings"])
        XCTAssertEqual(d["sshd"]?["source"], "sshd_config")
        XCTAssertEqual(s["permitrootlogin"], "without-password", "10-first.conf is read first and the first value wins (named as sshd -T names it)")
        XCTAssertEqual(s["passwordauthentication"], "no")
        XCTAssertEqual(prov["/sshd/settings/passwordauthentication"], "/etc/ssh/sshd_config.d/50-hardening.conf:1")
        XCTAssertEqual(s["port"], .array(["22", "2222"]), "Port accumulates")
        XCTAssertEqual(s["allowusers"], .array(["alice", "bob"]))
        XCTAssertEqual(s["maxauthtries"], "6", "OpenSSH's default fills a key the files leave unset")
        XCTAssertEqual(d["sshd"]?["origin"]?["maxauthtries"], "default")
        XCTAssertEqual(
            d["sshd"]?["files"], .array(["/etc/ssh/sshd_config", "/etc/ssh/sshd_config.d/10-first.conf", "/etc/ssh/sshd_config.d/50-hardening.conf"]))
        let match = try XCTUnwrap(d["sshd"]?["matches"]?.arrayValue?.first)
        XCTAssertEqual(match["criteria"], "User backup")
        XCTAssertEqual(match["settings"]?["x11forwarding"], "yes")
        XCTAssertNil(s["x11forwarding"].flatMap { $0 == "yes" ? $0 : nil }, "a Match block does not change the global value")
    }

    func testSocketsDecodeKernelByteOrder() throws {
        let (d, prov) = try collect()
        XCTAssertEqual(prov["/listening/0"], "/proc/net/tcp:3", "port 22 is the third line of /proc/net/tcp")
        let l = try XCTUnwrap(d["listening"]?.arrayValue)
        let rows = l.map { "\($0["protocol"]!.display) \($0["address"]!.display):\($0["port"]!.display) public=\($0["public"]!.display)" }
        XCTAssertEqual(
            rows,
            [
                "tcp 0.0.0.0:22 public=true", "udp 0.0.0.0:123 public=true", "tcp :::443 public=true",
                "tcp 127.0.0.1:3306 public=false", "tcp ::ffff:127.0.0.1:8080 public=false",
            ].sorted { a, b in
                // same order as the collector: by port
                Int(a.split(separator: ":").last!.split(separator: " ").first!)! < Int(b.split(separator: ":").last!.split(separator: " ").first!)!
            })
        XCTAssertFalse(rows.contains { $0.contains("53488") }, "established connections are not listening sockets")
        XCTAssertEqual(ListeningSockets.address("B80D0120000000000000000001000000"), "2001:db8::1")
    }

    func testAccountsSudoAndFileModes() throws {
        let (d, _) = try collect()
        XCTAssertEqual(d["users"]?.arrayValue?.map { $0["name"]! }, ["root", "alice"], "nologin accounts are not login users")
        XCTAssertFalse(JSONWriter.string(d).contains("Alice Example"), "GECOS (personal names) is never collected")
        XCTAssertEqual(d["sudo"]?["users"], .array(["alice", "deploy"]))
        let deploy = try XCTUnwrap(d["sudo"]?["rules"]?.arrayValue?.first { $0["principal"] == "deploy" })
        XCTAssertEqual(deploy["nopasswd"], true)
        XCTAssertEqual(deploy["at"], "/etc/sudoers.d/deploy:1")
        let files = try XCTUnwrap(d["files"]?.arrayValue)
        XCTAssertEqual(files[0]["mode"], "0640")
        XCTAssertEqual(files[0]["world_readable"], false)
        XCTAssertEqual(files[1]["exists"], false)
    }

    func testOSLoggingAndUpdates() throws {
        let (d, prov) = try collect()
        XCTAssertEqual(d["os"]?["pretty_name"], "Debian GNU/Linux 12 (bookworm)")
        XCTAssertEqual(d["os"]?["version_id"], "12")
        XCTAssertEqual(prov["/os/id"], "/etc/os-release:2")
        XCTAssertEqual(d["logging"]?["journald"]?["Storage"], "persistent")
        XCTAssertEqual(d["logging"]?["journald"]?["MaxRetentionSec"], "1year", "drop-ins apply after journald.conf")
        XCTAssertEqual(d["logging"]?["logrotate"]?["rotate"], 4)
        let nginx = try XCTUnwrap(d["logging"]?["logrotate"]?["files"]?.arrayValue?.first)
        XCTAssertEqual(nginx["period"], "daily")
        XCTAssertEqual(nginx["rotate"], 14)
        XCTAssertEqual(d["updates"]?["unattended_upgrades_installed"], true)
        XCTAssertEqual(d["updates"]?["apt_periodic"]?["Unattended-Upgrade"], "1")
        XCTAssertNil(d["updates"]?["pending_security"], "apt is not run against --root, so there is no count at all")
        XCTAssertTrue(d["skipped"]?.arrayValue?.contains { $0["part"] == "updates" } ?? false)
        XCTAssertEqual(SnapshotSchemas.hosting.violations(d), [], "the fixture's snapshot has the documented shape")
    }

    func testMalformedCertificateIsReportedNotFatal() throws {
        try "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".write(toFile: root + "/bad.pem", atomically: true, encoding: .utf8)
        var b = SnapshotBuilder(asset: "h", kind: "hosting")
        let d = try HostingCollector(certificates: ["/bad.pem", "/none.pem"], root: root).collect(into: &b)
        let certs = try XCTUnwrap(d["certificates"]?.arrayValue)
        XCTAssertTrue(certs[0]["error"]?.stringValue?.hasPrefix("not a certificate") ?? false, "\(certs[0])")
        XCTAssertEqual(certs[1]["readable"], false)
        for _ in 0..<300 {  // random bytes never crash the DER walker
            let junk = (0..<Int.random(in: 0..<64)).map { _ in UInt8.random(in: 0...255) }
            _ = try? X509Certificate.parse([0x30, 0x82, 0x01, 0x00] + junk)
            _ = try? X509Certificate.parse(junk)
        }
    }
}
