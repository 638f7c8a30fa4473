import Foundation
import GavelCore
import XCTest

@testable import GavelCollectors

/// sshd itself is the oracle: for a config with includes, first-value-wins duplicates, `=`
/// syntax, quoting, comments and a Match block, what the sshd_config reader reports (with
/// OpenSSH's defaults filled in) must equal `sshd -T -f FILE` for every key it reports.
final class SSHDOracleTests: XCTestCase {
    static let sshd = "/usr/sbin/sshd"

    func testReaderAgreesWithSshdT() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.sshd), FileManager.default.fileExists(atPath: "/run/sshd") else {
            if ProcessInfo.processInfo.environment["CI"] != nil { XCTFail("openssh-server and /run/sshd must exist in CI (.ci/run sets them up)") }
            throw XCTSkip("sshd is not installed")
        }
        let dir = NSTemporaryDirectory() + "gavel-sshd-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/d", withIntermediateDirectories: true)
        let keygen = Process()
        keygen.executableURL = URL(fileURLWithPath: "/usr/bin/ssh-keygen")
        keygen.arguments = ["-q", "-t", "ed25519", "-N", "", "-f", dir + "/hostkey"]
        try keygen.run()
        keygen.waitUntilExit()
        try """
        # a comment
        Include \(dir)/d/*.conf
        PermitRootLogin yes
        passwordauthentication=yes
        Port 22
        Port 2222
        HostKey \(dir)/hostkey
        X11Forwarding yes # trailing comment
        LogLevel verbose
        Banner "\(dir)/banner file"
        ClientAliveInterval 300
        Match User backup
            X11Forwarding no
            PasswordAuthentication yes
        """.write(toFile: dir + "/sshd_config", atomically: true, encoding: .utf8)
        try "PasswordAuthentication no\nMaxAuthTries 3\n".write(toFile: dir + "/d/50-hardening.conf", atomically: true, encoding: .utf8)
        try "PermitRootLogin prohibit-password\n".write(toFile: dir + "/d/10-first.conf", atomically: true, encoding: .utf8)

        var host = HostFiles()
        var c = SSHDConfig()
        c.read(dir + "/sshd_config", &host)
        var ours: [String: [String]] = [:]
        for (k, s) in c.settings { ours[k] = s.values }
        for (k, v) in SSHDConfig.defaults where ours[k] == nil { ours[k] = [v] }

        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.sshd)
        p.arguments = ["-T", "-f", dir + "/sshd_config"]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
        let theirs = SSHDConfig.effective(text)

        var compared = 0
        for key in ours.keys.sorted() where !["include", "hostkey"].contains(key) {
            XCTAssertEqual(ours[key], theirs[key], key)
            compared += 1
        }
        XCTAssertGreaterThanOrEqual(compared, 20)
        XCTAssertEqual(theirs["permitrootlogin"], ["without-password"], "the first included file wins (sshd -T prints prohibit-password by its old name)")
        XCTAssertEqual(c.matches.count, 1)
    }
}
