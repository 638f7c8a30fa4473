import ArgumentParser
import GavelCollectors
import GavelCore

struct CollectMagento: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "magento",
        abstract: "Snapshot a Magento 2 install's files: app/etc/env.php and config.php (never executed), version, mode, modules, admin path.",
        discussion: """
        Secrets (crypt key, passwords) are recorded as presence and length only. core_config_data in \
        the database is not read yet; see docs/snapshots/magento.md.

        Example:
          gavel collect magento --asset shop.example.com --path /var/www/magento -o Snapshots/shop.example.com/magento.json
        """
    )

    @OptionGroup var out: CollectOutput

    @Option(help: "The Magento root (the directory with app/etc/env.php).")
    var path: String

    func run() throws {
        try collecting {
            var b = SnapshotBuilder(asset: out.asset, kind: "magento")
            let data = try MagentoCollector(path: path).collect(into: &b)
            try out.write(b, data)
        }
    }
}
