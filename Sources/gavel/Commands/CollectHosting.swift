import ArgumentParser
import Foundation
import GavelCollectors
import GavelCore

struct CollectHosting: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hosting",
        abstract: "Snapshot the machine this runs on: OS, sshd, listening sockets, certificates, firewall, accounts, file modes, updates, logging.",
        discussion: """
            Read-only. Without root, the parts root alone can read (sshd -T, sudoers, the firewall, \
            other users' processes) are listed under `skipped`. See docs/snapshots/hosting.md.

            Examples:
              sudo gavel collect hosting --asset web-1.example.com \\
                  --cert /etc/ssl/certs/shop.pem \\
                  -o Snapshots/web-1.example.com/hosting.json
              gavel collect hosting --asset image --root /mnt/image --file /etc/shadow
            """
    )

    @OptionGroup var out: CollectOutput

    @Option(name: .customLong("cert"), help: "A TLS certificate file (PEM or DER) to describe (repeatable).")
    var certificates: [String] = []

    @Option(
        name: .customLong("file"), help: "A file whose mode and owner to record (repeatable; default: passwd, shadow, group, gshadow, sudoers, sshd_config).")
    var files: [String] = []

    @Option(help: "Read files under this directory instead of / (a mounted image); runs no programs.")
    var root: String = "/"

    @Option(
        name: .customLong("as-of"),
        help:
            "With --root: collect as of this RFC 3339 time (certificates' days left, package list age, collected_at), for an archived image or reproducible examples."
    )
    var asOf: String?

    func validate() throws {
        guard let asOf else { return }
        guard root != "/" else { throw ValidationError("--as-of needs --root: a running machine is read as it is now") }
        guard Timestamp.parse(asOf) != nil else { throw ValidationError("--as-of \(asOf) is not an RFC 3339 time (2026-11-22T22:24:14Z)") }
    }

    func run() throws {
        try collecting {
            let now = asOf.flatMap(Timestamp.parse) ?? Date()
            var b = SnapshotBuilder(asset: out.asset, kind: "hosting", collectedAt: now)
            let data = try HostingCollector(certificates: certificates, files: files.isEmpty ? nil : files, root: root, now: now).collect(into: &b)
            try out.write(b, data)
        }
    }
}
