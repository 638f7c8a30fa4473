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

    @Option(
        name: [.short, .customLong("output")], help: "The folder to write DIR/<asset>/<kind>.json into (created when missing), or - for JSON Lines on stdout.")
    var output: String

    @Option(help: "Read files under this directory instead of / (a mounted image); runs no programs.")
    var root: String = "/"

    @Option(name: .customLong("nginx-config"), help: "nginx's main configuration file on the machine.")
    var nginxConfig: String = "/etc/nginx/nginx.conf"

    @Option(name: .customLong("nginx-binary"), help: "The nginx whose 'nginx -T' dump is read (default: nginx on this machine, when --root is /).")
    var nginxBinary: String?

    @Flag(name: .customLong("no-nginx-binary"), help: "Read nginx's configuration files, never 'nginx -T'.")
    var noNginxBinary = false

    @Option(name: .customLong("host-name"), help: "The host's name, for assets without a server_name (default: this machine's).")
    var hostName: String?

    @Option(name: .customLong("asset-name"), help: "How a site's asset is named, from {site} (its first server_name) and {host} (default: {site}).")
    var assetName: String = "{site}"

    @Option(help: "A WordPress install nginx does not lead to, collected as asset HOST-FOLDER (repeatable).")
    var wordpress: [String] = []

    @Option(help: "A Magento install nginx does not lead to, collected as asset HOST-FOLDER (repeatable).")
    var magento: [String] = []

    @Option(
        name: .customLong("mariadb-socket"),
        help: "The local MariaDB/MySQL server's socket, read as the OS user (default, when --root is /: /run/mysqld/mysqld.sock if it exists).")
    var mariadbSocket: String?

    @Flag(name: .customLong("no-mariadb"), help: "Do not read the local MariaDB/MySQL server.")
    var noMariaDB = false

    func validate() throws {
        var isDir: ObjCBool = false
        if output != "-", FileManager.default.fileExists(atPath: output, isDirectory: &isDir), !isDir.boolValue {
            throw ValidationError("--output \(output) is a file; give the folder to write the snapshots into, or - for stdout")
        }
        if case .failure(let e) = AssetNameTemplate.parse(assetName) { throw ValidationError("--asset-name: \(e.message)") }
        if root != "/", nginxBinary != nil { throw ValidationError("--nginx-binary runs nginx on this machine; with --root the files under the root are read") }
        if root != "/", mariadbSocket != nil {
            throw ValidationError("--mariadb-socket reads the server running on this machine; with --root only files are read")
        }
        if noMariaDB, mariadbSocket != nil { throw ValidationError("--no-mariadb and --mariadb-socket contradict each other") }
    }

    func run() throws {
        try collecting {
            let name = hostName ?? ProcessInfo.processInfo.hostName
            var collector = HostCollector(root: root, nginxConfig: nginxConfig, hostName: name)
            collector.assetName = try AssetNameTemplate.parse(assetName).get()
            collector.extraApplications = wordpress.map { ("wordpress", $0) } + magento.map { ("magento", $0) }
            collector.nginxBinary = noNginxBinary ? nil : (nginxBinary ?? HostCollector.installedNginx(root: root))
            collector.mariadbSocket = noMariaDB ? nil : (mariadbSocket ?? HostCollector.runningMariaDB(root: root))
            let outcome = try collector.collect()
            if output == "-" {
                // JSON Lines, one snapshot per line: what `eval --snapshots -` and `collect fleet` read.
                var lines = ""
                for site in outcome.sites { for (_, doc) in site.snapshots { lines += JSONWriter.string(doc) + "\n" } }
                FileHandle.standardOutput.write(Data(lines.utf8))
            } else {
                // Each asset folder is replaced whole; the host's assets from its last run that
                // it no longer has (a site taken out of nginx) are retired.
                let folders = try AssetFolders(output)
                let at = Timestamp.string(collector.now)
                try folders.replace(
                    outcome.sites.map { site in
                        (
                            site.asset,
                            site.snapshots.map { (kind: String, doc: Value) in (kind + ".json", Data((JSONWriter.string(doc, pretty: true) + "\n").utf8)) }
                        )
                    }, owner: name, outcome: "ok", at: at, lastGood: at)
            }
            for f in outcome.found { printError("found    \(f)") }
            for s in outcome.skipped { printError("skipped  \(s)") }
            printError(
                "gavel collect host: \(outcome.sites.count) asset\(outcome.sites.count == 1 ? "" : "s") written to \(output == "-" ? "stdout" : output): "
                    + outcome.sites.map { "\($0.asset) (\($0.snapshots.map(\.kind).joined(separator: ", ")))" }.joined(separator: "; "))
        }
    }
}
