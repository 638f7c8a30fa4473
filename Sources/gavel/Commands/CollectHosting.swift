import ArgumentParser
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

    func run() throws {
        try collecting {
            var b = SnapshotBuilder(asset: out.asset, kind: "hosting")
            let data = try HostingCollector(certificates: certificates, files: files.isEmpty ? nil : files, root: root).collect(into: &b)
            try out.write(b, data)
        }
    }
}
