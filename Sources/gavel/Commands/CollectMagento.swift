import ArgumentParser
import GavelCollectors
import GavelCore

struct CollectMagento: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "magento",
        abstract: "Snapshot a Magento 2 install's files: app/etc/env.php and config.php (never executed), version, mode, modules, admin path.",
        discussion: """
            Secrets (crypt key, passwords) are recorded as presence and length only. The configuration \
            is merged with Magento's precedence (module defaults < database < config.php < env.php < \
            CONFIG__ environment); see docs/snapshots/magento.md.

            Example:
              gavel collect magento --asset shop.example.com --path /var/www/magento \\
                  -o Snapshots/shop.example.com/magento.json
            """
    )

    @OptionGroup var out: CollectOutput

    @Option(help: "The Magento root (the directory with app/etc/env.php).")
    var path: String

    @Flag(name: .customLong("no-database"), help: "Read the files only.")
    var noDatabase = false

    @Option(
        name: .customLong("config-export"),
        help: "Read core_config_data from this export (mysql --batch output of SELECT scope, scope_id, path, value) instead of the database.")
    var configExport: String?

    @Option(name: .customLong("env-file"), help: "CONFIG__... = value lines: the environment PHP-FPM gives Magento (highest precedence).")
    var envFile: String?

    func validate() throws {
        if noDatabase && configExport != nil {
            throw ValidationError("--no-database and --config-export are either-or: the export stands in for the database")
        }
    }

    func run() throws {
        try collecting {
            var b = SnapshotBuilder(asset: out.asset, kind: "magento")
            var c = MagentoCollector(path: path)
            c.readDatabase = !noDatabase
            c.configExport = configExport
            c.environmentFile = envFile
            let data = try c.collect(into: &b)
            try out.write(b, data)
        }
    }
}
