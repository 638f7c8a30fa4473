import ArgumentParser
import GavelCollectors
import GavelCore

struct CollectNginx: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nginx",
        abstract: "Snapshot nginx's configuration from its files or from the nginx binary (nginx -T).",
        discussion: """
            With --config, the file and everything it includes are parsed the way nginx reads them \
            (relative includes from the main file's directory, globs in byte order). With --binary, \
            nginx itself checks and dumps its configuration (nginx -T), and the dump is parsed. Both \
            give the raw directive tree and the per-server, per-location model of docs/snapshots/nginx.md.

            Examples:
              gavel collect nginx --asset shop.example.com --config /etc/nginx/nginx.conf \\
                  -o Snapshots/shop.example.com/nginx.json
              gavel collect nginx --asset shop.example.com --binary /usr/sbin/nginx
            """
    )

    @OptionGroup var out: CollectOutput

    @Option(help: "The main configuration file to parse (or, with --binary, to pass as -c).")
    var config: String?

    @Option(help: "Run this nginx binary with -T and parse its dump instead of reading files.")
    var binary: String?

    @Option(name: .customLong("nginx-version"), help: "The nginx version to record with --config (its defaults depend on it); --binary reports its own.")
    var nginxVersion: String?

    @Option(help: "With --config: read the files under this directory (a mounted image); paths in the snapshot stay as on the machine.")
    var root: String = "/"

    func validate() throws {
        if config == nil && binary == nil { throw ValidationError("give --config FILE or --binary PATH") }
        if binary != nil && root != "/" { throw ValidationError("--root applies to --config, not --binary") }
        if root != "/" && !(config ?? "").hasPrefix("/") {
            throw ValidationError("with --root, --config is the absolute path on the machine, e.g. /etc/nginx/nginx.conf")
        }
    }

    func run() throws {
        try collecting {
            var b = SnapshotBuilder(asset: out.asset, kind: "nginx")
            let data = try NginxCollector(config: config, binary: binary, version: nginxVersion, root: root).collect(into: &b)
            // A typo (`proxy_passs`) silently changes what nginx would do if it were loaded;
            // a third-party module's directive is not modelled. Both are said, not dropped.
            for u in data["unknown_directives"]?.arrayValue ?? [] {
                let at = "\(u["file"]?.stringValue ?? "?"):\(u["line"].map { JSONWriter.string($0) } ?? "?")"
                printError(
                    "gavel collect: \(at): warning[\(DiagnosticID.nginxUnknownDirective)]: unknown directive \"\(u["name"]?.stringValue ?? "")\": none of nginx's own modules declares it (a third-party module's, or a typo); it is listed under unknown_directives and not modelled"
                )
            }
            try out.write(b, data)
        }
    }
}
