import ArgumentParser
import Foundation
import GavelCollectors
import GavelCore

struct CollectHost: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "host",
        abstract: "Snapshot everything Gavel knows on this machine, one asset per nginx site.",
        discussion: """
        Reads the host (hosting), nginx's configuration, every PHP-FPM pool, and the WordPress or \
        Magento install under each site's root, and writes DIR/<asset>/<kind>.json for each site: \
        the server blocks that share a first server_name are one site, named after it. Each site \
        carries the host's hosting snapshot and only its own server blocks; its php snapshot is \
        the pool its fastcgi_pass leads to (unavailable, with the reason, when none listens there). \
        A host without nginx is one asset named after the host. What was found and skipped is \
        printed on stderr.

        Examples:
          sudo gavel collect host -o /var/lib/gavel/snapshots
          gavel collect host --root /mnt/image --host-name web-1 -o Snapshots/
        """
    )

    @Option(name: [.short, .customLong("output")], help: "The folder to write DIR/<asset>/<kind>.json into (created when missing).")
    var output: String

    @Option(help: "Read files under this directory instead of / (a mounted image); runs no programs.")
    var root: String = "/"

    @Option(name: .customLong("nginx-config"), help: "nginx's main configuration file on the machine.")
    var nginxConfig: String = "/etc/nginx/nginx.conf"

    @Option(name: .customLong("host-name"), help: "The host's name, for assets without a server_name (default: this machine's).")
    var hostName: String?

    func validate() throws {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: output, isDirectory: &isDir), !isDir.boolValue {
            throw ValidationError("--output \(output) is a file; give the folder to write the snapshots into")
        }
    }

    func run() throws {
        try collecting {
            let name = hostName ?? ProcessInfo.processInfo.hostName
            let outcome = try HostCollector(root: root, nginxConfig: nginxConfig, hostName: name).collect()
            for site in outcome.sites {
                let dir = PathNames.join(output, site.asset)
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
                for (kind, doc) in site.snapshots {
                    try emit(JSONWriter.string(doc, pretty: true) + "\n", to: PathNames.join(dir, kind + ".json"))
                }
            }
            for f in outcome.found { printError("found    \(f)") }
            for s in outcome.skipped { printError("skipped  \(s)") }
            printError("gavel collect host: \(outcome.sites.count) asset\(outcome.sites.count == 1 ? "" : "s") written to \(output): "
                + outcome.sites.map { "\($0.asset) (\($0.snapshots.map(\.kind).joined(separator: ", ")))" }.joined(separator: "; "))
        }
    }
}
