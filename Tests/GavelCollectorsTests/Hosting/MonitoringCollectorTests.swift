import Foundation
import GavelCore
import XCTest

@testable import GavelCollectors

/// Log retention, auditd watches, AIDE and fail2ban read from a fixture root as the programs
/// themselves read their files.
final class MonitoringCollectorTests: XCTestCase {
    func root(_ files: [String: String]) throws -> String {
        let root = NSTemporaryDirectory() + "gavel-monitoring-\(UUID().uuidString)"
        for (path, text) in files.merging(["/etc/os-release": "ID=debian\n"], uniquingKeysWith: { a, _ in a }) {
            try FileManager.default.createDirectory(atPath: root + (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: root + path, atomically: true, encoding: .utf8)
        }
        return root
    }

    func collect(_ files: [String: String]) throws -> (Value, Value) {
        var b = SnapshotBuilder(asset: "t", kind: "hosting")
        let data = try HostingCollector(root: root(files)).collect(into: &b)
        return (data, b.document(data: .null)["provenance"] ?? .null)
    }

    func testAuditWatchesFromRulesFilesAndSyscallRules() throws {
        let (d, prov) = try collect([
            "/sbin/auditd": "",
            "/etc/audit/rules.d/10-base.rules": "-D\n-b 8192\n# -w /commented -p r\n",
            "/etc/audit/rules.d/50-phi.rules": """
            -w /var/lib/mysql -p rwa -k phi
            -a always,exit -F arch=b64 -S openat -F dir=/var/www -F perm=wa -k uploads
            -a always,exit -F path=/etc/shadow -F perm=r
            -w /var/lib/mysql -p w
            -e 2
            """,
            "/etc/audit/audit.rules": "-w /ignored/when/rules.d/has/rules\n",
        ])
        let audit = try XCTUnwrap(d["audit"])
        XCTAssertEqual(audit["installed"], true)
        XCTAssertEqual(audit["watched_paths"], .array(["/var/lib/mysql", "/var/www", "/etc/shadow"]), "once each, in order")
        XCTAssertEqual(audit["watches"]?.arrayValue?[1]["permissions"], "wa")
        XCTAssertEqual(audit["watches"]?.arrayValue?[1]["key"], "uploads")
        XCTAssertEqual(audit["watches"]?.arrayValue?[2]["key"], .null)
        XCTAssertEqual(audit["immutable"], true)
        XCTAssertEqual(prov["/audit/watches/0"], "/etc/audit/rules.d/50-phi.rules:1")

        let (none, _) = try collect(["/etc/audit/audit.rules": "-w /etc/passwd -p wa\n"])
        XCTAssertEqual(none["audit"]?["installed"], false, "rules without the daemon record nothing")
        XCTAssertEqual(none["audit"]?["watched_paths"], .array(["/etc/passwd"]), "audit.rules when rules.d has none")
    }

    func testFail2BanReadsItsFilesInItsOwnOrder() throws {
        let (d, _) = try collect([
            "/usr/bin/fail2ban-server": "",
            "/etc/fail2ban/jail.conf": "[DEFAULT]\nenabled = false\n[sshd]\nport = ssh\n[nginx-http-auth]\nport = http\n[recidive]\nenabled = true\n",
            "/etc/fail2ban/jail.d/defaults-debian.conf": "[sshd]\nenabled = true\n",
            "/etc/fail2ban/jail.local": "[recidive]\nenabled = false\n[wordpress]\nenabled: yes\n",
            "/etc/fail2ban/jail.d/zz.local": "[nginx-http-auth]\nenabled = true\n",
        ])
        XCTAssertEqual(d["fail2ban"]?["installed"], true)
        XCTAssertEqual(d["fail2ban"]?["enabled_jails"], .array(["nginx-http-auth", "sshd", "wordpress"]))

        let (defaultOn, _) = try collect(["/etc/fail2ban/jail.conf": "[sshd]\nport = ssh\n", "/etc/fail2ban/jail.local": "[DEFAULT]\nenabled = true\n"])
        XCTAssertEqual(defaultOn["fail2ban"]?["enabled_jails"], .array(["sshd"]), "a later [DEFAULT] applies to jails that do not say")
        XCTAssertEqual(defaultOn["fail2ban"]?["installed"], false)
    }

    func testAIDEDatabaseAndSchedule() throws {
        let (d, _) = try collect([
            "/usr/bin/aide": "", "/etc/aide/aide.conf": "database_in=file:/srv/aide/baseline.db\n", "/srv/aide/baseline.db.gz": "x",
            "/etc/systemd/system/timers.target.wants/dailyaidecheck.timer": "",
        ])
        XCTAssertEqual(d["integrity"]?["database"], "/srv/aide/baseline.db")
        XCTAssertEqual(d["integrity"]?["database_initialised"], true, "a gzipped database counts")
        XCTAssertEqual(d["integrity"]?["scheduled"], true)
        let (fresh, _) = try collect(["/usr/bin/aide": "", "/etc/aide/aide.conf": "# nothing\n"])
        XCTAssertEqual(fresh["integrity"]?["database"], "/var/lib/aide/aide.db")
        XCTAssertEqual(fresh["integrity"]?["database_initialised"], false)
        XCTAssertEqual(fresh["integrity"]?["scheduled"], false)
    }

    func testRetentionDays() throws {
        XCTAssertEqual(Maintenance.retentionDays(rotate: 14, period: "daily", maxage: nil), 14)
        XCTAssertEqual(Maintenance.retentionDays(rotate: 13, period: "weekly", maxage: nil), 91)
        XCTAssertEqual(Maintenance.retentionDays(rotate: 52, period: "weekly", maxage: 30), 30, "maxage cuts it")
        XCTAssertEqual(Maintenance.retentionDays(rotate: 48, period: "hourly", maxage: nil), 2)
        XCTAssertEqual(Maintenance.journaldRetentionDays("0"), .null, "0 is no time limit")
        XCTAssertEqual(Maintenance.journaldRetentionDays(""), .null)
        XCTAssertEqual(Maintenance.journaldRetentionDays("3month"), 91)
        XCTAssertEqual(Maintenance.journaldRetentionDays("1y"), 365)
        XCTAssertEqual(Maintenance.journaldRetentionDays("2w 1d"), 15)
        XCTAssertEqual(Maintenance.journaldRetentionDays("90d"), 90)
        XCTAssertEqual(Maintenance.journaldRetentionDays("86400"), 1, "a bare number is seconds")
        XCTAssertEqual(Maintenance.journaldRetentionDays("5m"), 0, "m is minutes, not months")
        XCTAssertEqual(Maintenance.journaldRetentionDays("1 fortnight"), .null)

        let (d, _) = try collect([
            "/etc/logrotate.conf": "weekly\nrotate 4\ninclude /etc/logrotate.d\n",
            "/etc/logrotate.d/nginx": "/var/log/nginx/*.log {\n\tdaily\n\trotate 14\n}\n",
            "/etc/systemd/journald.conf": "[Journal]\nMaxRetentionSec=1month\n",
        ])
        XCTAssertEqual(d["logging"]?["logrotate"]?["files"]?.arrayValue?[0]["retention_days"], 14)
        XCTAssertEqual(d["logging"]?["journald_retention_days"], 30)
    }
}
