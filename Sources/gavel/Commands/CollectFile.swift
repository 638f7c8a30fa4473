import ArgumentParser
import Foundation
import GavelCollectors
import GavelCore

extension ConfigFormat: ExpressibleByArgument {}

/// `--kind`: any kind name, checked before anything is read.
struct KindOption: ParsableArguments {
    @Option(help: "The snapshot's kind: a name of your own such as redis ([a-z][a-z0-9_-]*).")
    var kind: String

    func validate() throws {
        guard SnapshotKinds.isValidName(kind) else {
            throw ValidationError("--kind '\(kind)' is not a kind name: lowercase letters, digits, '-' and '_', starting with a letter")
        }
    }
}

struct CollectFile: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "file",
        abstract: "Snapshot configuration files of any kind (JSON, YAML, INI, key-value, .env) with the file and line of every value.",
        discussion: """
            Files are read in the order given; later ones override earlier ones. Values whose names \
            or text look secret are recorded as {set, length} only; --secret-key adds name words. \
            What each format becomes is in docs/snapshots/README.md (kinds of your own).

            Examples:
              gavel collect file --kind redis --asset cache-1 --format keyvalue \\
                  --list rename-command -o cache-1/redis.json /etc/redis/redis.conf
              gavel collect file --kind mariadb-config --asset db-1 --format ini \\
                  /etc/mysql/my.cnf
            """
    )

    @OptionGroup var out: CollectOutput
    @OptionGroup var kind: KindOption

    @Option(help: "The files' format: json, yaml, ini, keyvalue or env.")
    var format: ConfigFormat

    @Option(name: .customLong("list"), help: "A key that is always a list, even when given once (repeatable).")
    var listKeys: [String] = []

    @Option(name: .customLong("secret-key"), help: "A name word that makes a value secret, besides the built-in ones (repeatable).")
    var secretKeys: [String] = []

    @Option(help: "Read the files under this directory (a mounted image); paths in the snapshot stay the machine's.")
    var root: String = "/"

    @Argument(help: "The files, in the order they override each other.")
    var paths: [String]

    func validate() throws {
        guard !paths.isEmpty else { throw ValidationError("give at least one file") }
    }

    func run() throws {
        try collecting {
            var b = SnapshotBuilder(asset: out.asset, kind: kind.kind)
            b.extraSecretWords = Set(secretKeys.map { $0.lowercased() })
            var c = FileCollector(format: format, paths: paths)
            c.listKeys = Set(listKeys)
            c.root = root
            let data = try c.collect(into: &b)
            try out.write(b, data)
        }
    }
}

struct CollectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "command",
        abstract: "Run a program of your own that prints JSON, and write it as a snapshot of any kind.",
        discussion: """
            The program's JSON object is the snapshot's data; an object with "gavel": "collector/v1" \
            carries data and optionally provenance and unavailable maps. It gets a minimal \
            environment (PATH, LC_ALL=C, and --env names). A non-zero exit, output that is not such \
            an object, or a timeout is an error and no snapshot is written.

            Examples:
              gavel collect command --kind redis-live --asset cache-1 \\
                  -- ./redis-config-get.sh
              gavel collect command --kind cloud --asset acct-1 --timeout 120 \\
                  -- python3 export.py
            """
    )

    @OptionGroup var out: CollectOutput
    @OptionGroup var kind: KindOption

    @Option(help: "Seconds the program may run.")
    var timeout: Double = 60

    @Option(name: .customLong("env"), help: "A variable of this environment the program gets too (repeatable; it is never written anywhere).")
    var keep: [String] = []

    @Argument(parsing: .postTerminator, help: "The program and its arguments, after --.")
    var command: [String] = []

    func validate() throws {
        guard !command.isEmpty else { throw ValidationError("give the program to run after --") }
        guard timeout > 0 else { throw ValidationError("--timeout must be a positive number of seconds") }
    }

    func run() throws {
        try collecting {
            var b = SnapshotBuilder(asset: out.asset, kind: kind.kind)
            var c = CommandCollector(program: command[0], arguments: Array(command.dropFirst()))
            c.timeout = timeout
            c.keepEnvironment = keep
            let data = try c.collect(into: &b)
            try out.write(b, data)
        }
    }
}
