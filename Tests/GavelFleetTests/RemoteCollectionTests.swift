import Foundation
import GavelCollectors
import GavelCore
import XCTest

@testable import GavelFleet

final class RemoteCollectionTests: XCTestCase {
    func host(_ name: String = "web-1", gavel: Inventory.RemoteGavel = .copy, sudo: Bool = false, checking: Inventory.HostKeyChecking = .strict)
        -> Inventory.Host
    {
        Inventory.Host(
            name: name, address: "10.0.0.5", user: "deploy", port: 2222, identityFile: nil, connectTimeout: 7, timeout: 90,
            hostKeyChecking: checking, sshOptions: ["ProxyJump=bastion"], sudo: sudo, gavel: gavel, assetName: .default,
            nginxConfig: "/etc/nginx/it's.conf", wordpress: ["/srv/blog"], magento: [], groups: [])
    }

    func testSSHIsNeverAskedAQuestionAndChecksHostKeys() {
        let a = RemoteCollection(host: host(), sshConfig: "/inv/ssh_config", binary: "/usr/bin/gavel").sshArguments()
        let joined = a.joined(separator: " ")
        XCTAssertTrue(joined.hasPrefix("-F /inv/ssh_config -o BatchMode=yes -o StrictHostKeyChecking=yes -o ConnectTimeout=7"), joined)
        XCTAssertTrue(joined.contains("-o ProxyJump=bastion -p 2222 -l deploy -T -- 10.0.0.5 "), joined)
        XCTAssertEqual(a[a.count - 2], "10.0.0.5", "the address right after --, so it is never read as an option")
        XCTAssertTrue(RemoteCollection(host: host(checking: .off), sshConfig: nil, binary: "g").sshArguments().contains("StrictHostKeyChecking=no"))
        XCTAssertTrue(
            RemoteCollection(host: host(checking: .acceptNew), sshConfig: nil, binary: "g").sshArguments().contains("StrictHostKeyChecking=accept-new"))
    }

    /// The remote command, run by a local shell as the host's login shell would run it: the
    /// script gets its arguments back intact, quotes and all.
    func testTheRemoteCommandSurvivesTheLoginShell() throws {
        let r = RemoteCollection(host: host(gavel: .installed("/bin/echo")), sshConfig: nil, binary: "unused")
        let out = try Subprocess.run("/bin/sh", ["-c", r.remoteCommand()])
        XCTAssertEqual(out.status, 0, out.stderr)
        XCTAssertEqual(out.stdout, "collect host -o - --host-name web-1 --asset-name {site} --nginx-config /etc/nginx/it's.conf --wordpress /srv/blog\n")
        XCTAssertTrue(RemoteCollection(host: host(sudo: true), sshConfig: nil, binary: "x").remoteCommand().hasPrefix("'sudo' '-n' '/bin/sh' '-c' "))
    }

    /// With `copy`, a stand-in ssh that runs the command locally receives the binary on
    /// stdin: the script writes it to a private folder, runs it and removes the folder.
    func testCopyModeRunsTheSentBinaryInAPrivateFolderAndRemovesIt() throws {
        let dir = NSTemporaryDirectory() + "gavel-remote-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/tmp", withIntermediateDirectories: true)
        // The "binary": a script that prints a snapshot for the host, and where it ran.
        let fake = dir + "/fake-gavel"
        try """
        #!/bin/sh
        echo "ran from $(dirname "$0") mode $(stat -c %a "$(dirname "$0")") args $*" >&2
        printf '{"gavel":"snapshot/v1","asset":"%s","kind":"hosting","data":{}}\\n' "$6"
        """.write(toFile: fake, atomically: true, encoding: .utf8)
        chmod(fake, 0o755)
        let ssh = dir + "/ssh"
        try "#!/bin/sh\nfor a; do last=$a; done\nexport TMPDIR=\(dir)/tmp\nexec /bin/sh -c \"$last\"\n".write(toFile: ssh, atomically: true, encoding: .utf8)
        chmod(ssh, 0o755)
        var r = RemoteCollection(host: host(), sshConfig: nil, binary: fake)
        r.ssh = ssh
        guard case .success(let got) = r.run() else { return XCTFail("\(r.run())") }
        XCTAssertEqual(got.snapshots.map(\.asset), ["web-1"])
        let line = got.log.first { $0.hasPrefix("ran from ") } ?? ""
        XCTAssertTrue(line.hasPrefix("ran from \(dir)/tmp/gavel."), line)
        XCTAssertTrue(line.contains(" mode 700 "), line)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir + "/tmp"), [], "the folder is removed")
    }

    func testWhatAHostSendsBackIsChecked() {
        func outcome(_ text: String) -> String {
            if case .failure(let e) = RemoteCollection.snapshots(text) { return e.outcome.detail }
            return "ok"
        }
        let good = #"{"gavel":"snapshot/v1","asset":"a","kind":"php","data":{}}"#
        XCTAssertEqual(outcome(good + "\n"), "ok")
        XCTAssertEqual(outcome(""), "it sent no snapshots (the output ended early)")
        XCTAssertEqual(outcome(good + "\n{\"gavel\":"), "line 2 of its output is not JSON")
        XCTAssertEqual(outcome(good + "\n" + good), "it sent two php snapshots for a")
        XCTAssertEqual(
            outcome(#"{"gavel":"snapshot/v1","asset":"../etc","kind":"php","data":{}}"#), #"line 1: asset "../etc" or kind "php" cannot be a file name"#)
        XCTAssertEqual(outcome(#"{"gavel":"results/v1"}"#), "line 1 of its output is not a snapshot/v1 document")
    }

    /// ssh's own words (OpenSSH 9.2), each to its outcome.
    func testSSHFailuresAreNamed() {
        let cases: [(String, String)] = [
            ("ssh: connect to host 10.213.3.2 port 22: Connection timed out", "unreachable"),
            ("ssh: connect to host 10.0.0.9 port 22: Connection refused", "unreachable"),
            ("ssh: Could not resolve hostname nohost: Name or service not known", "unreachable"),
            ("Connection timed out during banner exchange\nConnection to 10.213.5.2 port 22 timed out", "timeout"),
            ("@@@@@@@@\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n@@@@@@@@\nHost key verification failed.", "host-key-refused"),
            ("No ED25519 host key is known for 10.0.0.5 and you have requested strict checking.\nHost key verification failed.", "host-key-refused"),
            ("deploy@10.0.0.5: Permission denied (publickey).", "auth-refused"),
            ("kex_exchange_identification: read: Connection reset by peer", "unreachable"),
            ("something else entirely", "failed"),
        ]
        for (stderr, name) in cases { XCTAssertEqual(HostOutcome.classifySSH(stderr).name, name, stderr) }
    }
}
