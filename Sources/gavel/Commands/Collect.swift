import ArgumentParser
import Foundation
import GavelCollectors
import GavelCore

struct Collect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Snapshot one asset's configuration into a snapshot/v1 JSON document.",
        discussion: "Collectors only read; they never print secrets. See docs/snapshots/ for each kind's fields.",
        subcommands: [
            CollectHost.self, CollectFleet.self, CollectFile.self, CollectCommand.self, CollectHosting.self, CollectPHP.self, CollectNginx.self,
            CollectWordPress.self, CollectMagento.self, CollectShopify.self, CollectMariaDB.self,
        ]
    )
}

/// Options every collector shares.
struct CollectOutput: ParsableArguments {
    @Option(help: "The asset name recorded in the snapshot (e.g. the site's host name).")
    var asset: String

    @Option(name: [.short, .customLong("output")], help: "Write the snapshot to this file (atomically) instead of standard output.")
    var output: String?

    /// A collector rewrites its own snapshot every night, but never a file that is not one:
    /// `collect php --ini php.ini -o php.ini` would replace the configuration it reads.
    func validate() throws {
        guard let output else { return }
        try InputPaths.checkWritable(output, "--output")
        if FileManager.default.fileExists(atPath: output), !CollectOutput.isSnapshot(output) {
            throw ValidationError(
                "--output \(output) exists and is not a Gavel snapshot (it may be a file collectors read); remove it first or choose another file")
        }
    }

    /// Empty, or a JSON object that says it is a snapshot near its start (where Gavel writes
    /// the marker).
    static func isSnapshot(_ path: String) -> Bool {
        guard let h = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? h.close() }
        let head = String(decoding: (try? h.read(upToCount: 4096)) ?? Data(), as: UTF8.self)
        let text = head.drop { $0 == "\u{FEFF}" || $0.isWhitespace }
        return text.isEmpty || (text.hasPrefix("{") && text.contains("\"snapshot/v1\""))
    }

    func write(_ b: SnapshotBuilder, _ data: Value) throws {
        try emit(JSONWriter.string(b.document(data: data), pretty: true) + "\n", to: output)
    }
}

/// Maps a collector failure to a message and exit 3 (an input could not be read).
func collecting(_ body: () throws -> Void) throws {
    do { try body() } catch let e as Diagnostic {
        throw CommandFailure(Exit.input, text: "gavel collect: " + e.description)
    } catch let e as AssetFolders.Failure {
        throw CommandFailure.input(.output, "\(e)").prefixed("gavel collect: ")
    }
}

struct CollectPHP: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "php",
        abstract: "Snapshot PHP's configuration from php.ini files or from the php binary.",
        discussion: """
            With --ini, php.ini and its scan directory are parsed the way PHP reads them and every \
            directive PHP defines but the files leave unset gets PHP's built-in default. With \
            --binary, the real PHP reports its effective values.

            Examples:
              gavel collect php --asset shop.example.com --ini /etc/php/8.2/fpm/php.ini \\
                  --fpm-pool /etc/php/8.2/fpm/pool.d/www.conf \\
                  -o Snapshots/shop.example.com/php.json
              gavel collect php --asset shop.example.com --binary /usr/bin/php
            """
    )

    @OptionGroup var out: CollectOutput

    @Option(help: "The main php.ini to parse (or, with --binary, to pass as -c).")
    var ini: String?

    @Option(name: .customLong("scan-dir"), help: "A directory of extra *.ini files read after --ini (repeatable; default: conf.d next to --ini).")
    var scanDirs: [String] = []

    @Flag(name: .customLong("no-scan-dir"), help: "Read no scan directory.")
    var noScanDir = false

    @Option(name: .customLong("fpm-pool"), help: "An FPM pool file whose php_value/php_admin_value overrides apply on top.")
    var fpmPool: String?

    @Option(help: "The pool to use when the --fpm-pool file defines several.")
    var pool: String?

    @Option(help: "The SAPI the files configure (cli, fpm-fcgi, apache2handler); default: from the path.")
    var sapi: String?

    @Option(name: .customLong("php-version"), help: "The PHP version to record (with --ini; --binary reports its own).")
    var phpVersion: String?

    @Option(help: "Ask this php binary for its effective configuration instead of parsing files.")
    var binary: String?

    @Option(help: "With --ini: read the files under this directory (a mounted image); paths in the snapshot stay as on the machine.")
    var root: String = "/"

    func validate() throws {
        if ini == nil && binary == nil { throw ValidationError("give --ini FILE or --binary PATH") }
        if binary != nil && root != "/" { throw ValidationError("--root applies to --ini, not --binary") }
        if binary != nil && (fpmPool != nil || !scanDirs.isEmpty) { throw ValidationError("--fpm-pool and --scan-dir apply to --ini, not --binary") }
    }

    func run() throws {
        try collecting {
            var b = SnapshotBuilder(asset: out.asset, kind: "php")
            let data: Value
            if let binary {
                data = try PHPBinaryCollector(binary: binary, ini: ini).collect(into: &b)
            } else {
                let dirs: [String]? = noScanDir ? [] : scanDirs.isEmpty ? nil : scanDirs
                data = try PHPIniCollector(ini: ini!, scanDirs: dirs, fpmPool: fpmPool, poolName: pool, sapi: sapi, version: phpVersion, root: root).collect(
                    into: &b)
            }
            try out.write(b, data)
        }
    }
}
