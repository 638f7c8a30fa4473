import ArgumentParser
import GavelCollectors
import GavelCore

struct CollectWordPress: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wordpress",
        abstract: "Snapshot a WordPress install's files: wp-config.php (never executed), core version, plugins, themes, file modes.",
        discussion: """
        Keys, salts and DB_PASSWORD are recorded as {set, length, placeholder} only. The database \
        (options, roles, users) is not read yet; see docs/snapshots/wordpress.md.

        Example:
          gavel collect wordpress --asset shop.example.com --path /var/www/shop -o Snapshots/shop.example.com/wordpress.json
        """
    )

    @OptionGroup var out: CollectOutput

    @Option(help: "The WordPress root (the directory with wp-includes/ and wp-content/).")
    var path: String

    func run() throws {
        try collecting {
            var b = SnapshotBuilder(asset: out.asset, kind: "wordpress")
            let data = try WordPressCollector(path: path).collect(into: &b)
            try out.write(b, data)
        }
    }
}
