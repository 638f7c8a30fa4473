import ArgumentParser
import GavelCollectors
import GavelCore

struct CollectMariaDB: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mariadb",
        abstract: "Snapshot a running MariaDB or MySQL server: TLS, encryption at rest, network, logging and audit settings, plugins, accounts.",
        discussion: """
            Reads the server with the mariadb (or mysql) client: the security-relevant global \
            variables (an allowlist; none that can hold a credential), the plugins, and each \
            account's host, ways to authenticate, whether it has no password, TLS requirement, \
            lock, password lifetime and global privileges. No password or hash is ever read \
            into the snapshot. Accounts need SELECT on mysql.user and mysql.global_priv; \
            without it they are recorded as unavailable and the rules reading them give error. \
            See docs/snapshots/mariadb.md.

            Connect with an option file of your own (--defaults-file, e.g. Debian's \
            /etc/mysql/debian.cnf), or with --socket/--host, --user and --password-file (the \
            password is never taken on the command line); with none of them, through the local \
            socket as the operating-system user (root on Debian authenticates that way).

            Example:
              sudo gavel collect mariadb --asset db1.example.com \\
                  -o Snapshots/db1.example.com/mariadb.json
              gavel collect mariadb --asset db1.example.com --host db1.internal:3306 \\
                  --user gavel --password-file /etc/gavel/db.pass -o mariadb.json
            """
    )

    @OptionGroup var out: CollectOutput

    @Option(name: .customLong("defaults-file"), help: "An option file that says how to connect (read instead of the client's own option files).")
    var defaultsFile: String?

    @Option(help: "The server's Unix socket.")
    var socket: String?

    @Option(help: "The server's host or host:port (default: the local socket).")
    var host: String?

    @Option(help: "The account to read with (default: the operating-system user).")
    var user: String?

    @Option(name: .customLong("password-file"), help: "A file holding the account's password (it is never taken on the command line).")
    var passwordFile: String?

    func validate() throws {
        if defaultsFile != nil && (socket != nil || host != nil || user != nil || passwordFile != nil) {
            throw ValidationError("--defaults-file says how to connect; give it alone, or --socket/--host, --user and --password-file")
        }
        if socket != nil && host != nil { throw ValidationError("give --socket or --host, not both") }
    }

    func run() throws {
        try collecting {
            var b = SnapshotBuilder(asset: out.asset, kind: "mariadb")
            var c = MariaDBCollector()
            c.defaultsFile = defaultsFile
            c.socket = socket
            c.host = host
            c.user = user
            c.passwordFile = passwordFile
            let data = try c.collect(into: &b)
            try out.write(b, data)
        }
    }
}
