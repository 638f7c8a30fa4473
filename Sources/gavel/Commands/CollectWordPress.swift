import ArgumentParser
import GavelCollectors
import GavelCore

struct CollectWordPress: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wordpress",
        abstract: "Snapshot a WordPress install's files: wp-config.php (never executed), core version, plugins, themes, file modes.",
        discussion: """
            Keys, salts and DB_PASSWORD are recorded as {set, length, placeholder} only. The database \
            (options, roles, users) is read with the mariadb/mysql client and the credentials from \
            wp-config.php or the --db-* options; see docs/snapshots/wordpress.md.

            Example:
              gavel collect wordpress --asset shop.example.com --path /var/www/shop \\
                  -o Snapshots/shop.example.com/wordpress.json
            """
    )

    @OptionGroup var out: CollectOutput

    @Option(help: "The WordPress root (the directory with wp-includes/ and wp-content/).")
    var path: String

    @Option(
        name: .customLong("site-name"),
        help:
            "A host name the site is served under; with Debian's packaged WordPress it chooses /etc/wordpress/config-NAME.php (repeatable; default: the asset)."
    )
    var siteNames: [String] = []

    @Flag(name: .customLong("no-database"), help: "Read the files only.")
    var noDatabase = false

    @Option(name: .customLong("db-host"), help: "Database host instead of DB_HOST (host, host:port or host:/socket).")
    var dbHost: String?

    @Option(name: .customLong("db-name"), help: "Database name instead of DB_NAME.")
    var dbName: String?

    @Option(name: .customLong("db-user"), help: "Database user instead of DB_USER (a read-only user is enough).")
    var dbUser: String?

    @Option(name: .customLong("db-password-file"), help: "A file holding the database password (it is never taken on the command line).")
    var dbPasswordFile: String?

    func run() throws {
        try collecting {
            var b = SnapshotBuilder(asset: out.asset, kind: "wordpress")
            var c = WordPressCollector(path: path)
            c.siteNames = siteNames.isEmpty ? [out.asset] : siteNames
            c.readDatabase = !noDatabase
            c.dbHost = dbHost
            c.dbName = dbName
            c.dbUser = dbUser
            c.dbPasswordFile = dbPasswordFile
            let data = try c.collect(into: &b)
            try out.write(b, data)
        }
    }
}
