import Foundation
import GavelCore
import XCTest

@testable import GavelCollectors

/// The file side of the WordPress collector on a WordPress tree written by the test.
final class WordPressFilesTests: XCTestCase {
    func makeSite() throws -> String {
        let root = NSTemporaryDirectory() + "gavel-wp-\(UUID().uuidString)/public"
        let files: [String: String] = [
            "wp-includes/version.php": "<?php\n$wp_version = '6.4.5';\n$wp_db_version = 56657;\n$required_php_version = '7.0.0';\n",
            "wp-content/plugins/woocommerce/woocommerce.php": "<?php\n/**\n * Plugin Name: WooCommerce\n * Version: 8.9.3\n * Requires PHP: 7.4\n */\n",
            "wp-content/plugins/two-factor/readme.php": "<?php // no header here\n",
            "wp-content/plugins/two-factor/two-factor.php":
                "<?php\n/*\nPlugin Name: Two Factor\nVersion: 0.9.1\nUpdate URI: https://updates.example.com/two-factor\n*/\n",
            "wp-content/plugins/hello.php": "<?php\n/*\n * @package Hello_Dolly\n * Plugin Name: Hello Dolly\n * Version: 1.7.2\n */\n",
            "wp-content/plugins/not-a-plugin/notes.txt": "x",
            "wp-content/mu-plugins/force-ssl.php": "<?php\n/* Plugin Name: Force SSL (MU) */\n",
            "wp-content/themes/twentytwentyfour/style.css": "/*\nTheme Name: Twenty Twenty-Four\nVersion: 1.1\n*/\n",
            "wp-content/themes/clinic-child/style.css": "/*\n Theme Name: Clinic Child\n Template: twentytwentyfour\n Version: 2.0.0\n*/\n",
            "wp-content/uploads/2024/05/scan.pdf": "%PDF",
            "wp-content/uploads/2024/05/shell.php": "<?php system($_GET['c']);",
            ".htaccess": "# BEGIN WordPress\nRewriteEngine On\n# END WordPress\n",
        ]
        for (rel, text) in files {
            let p = root + "/" + rel
            try FileManager.default.createDirectory(atPath: (p as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: p, atomically: true, encoding: .utf8)
        }
        // wp-config.php one level up, as WordPress allows.
        let corpus = Bundle.module.resourcePath! + "/PHPSourceCorpus/wp-config-spellings.php"
        try FileManager.default.copyItem(atPath: corpus, toPath: (root as NSString).deletingLastPathComponent + "/wp-config.php")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: (root as NSString).deletingLastPathComponent + "/wp-config.php")
        return root
    }

    func testCollectsFilesWithoutSecrets() throws {
        let root = try makeSite()
        var b = SnapshotBuilder(asset: "wp", kind: "wordpress")
        var c = WordPressCollector(path: root)
        c.readDatabase = false
        let d = try c.collect(into: &b)
        let doc = JSONWriter.string(b.document(data: d))

        XCTAssertEqual(d["core"]?["wp_version"], "6.4.5")
        XCTAssertEqual(d["config_file"]?.stringValue?.hasSuffix("/wp-config.php"), true)
        XCTAssertEqual(d["table_prefix"], "wpc_")
        XCTAssertEqual(d["constants"]?["WP_DEBUG_DISPLAY"]?["value"], false)
        XCTAssertEqual(d["constants"]?["WP_HOME"]?["value"], "https://clinic.example.com")
        XCTAssertEqual(d["constants"]?["ABSPATH"]?["conditional"], true)
        // Effective values: what the file says, else WordPress's default.
        XCTAssertEqual(d["effective"]?["DISALLOW_FILE_EDIT"], true)
        XCTAssertEqual(d["effective"]?["DISALLOW_FILE_MODS"], false)
        XCTAssertEqual(d["effective"]?["EMPTY_TRASH_DAYS"], 30)
        // Keys and the DB password: presence and length, never the value.
        XCTAssertEqual(d["secrets"]?["AUTH_KEY"]?["set"], true)
        XCTAssertEqual(d["secrets"]?["AUTH_KEY"]?["placeholder"], false)
        XCTAssertEqual(d["secrets"]?["LOGGED_IN_KEY"]?["placeholder"], true)
        XCTAssertEqual(d["secrets"]?["AUTH_SALT"]?["set"], false, "a salt the file never defines")
        XCTAssertEqual(d["secrets"]?["DB_PASSWORD"]?["from_expression"], true)
        XCTAssertFalse(doc.contains("test-only-not-a-secret"), "no key or salt value in the snapshot")
        XCTAssertNil(d["constants"]?["DB_PASSWORD"])
        XCTAssertEqual(d["plugins"]?.arrayValue?.map { $0["slug"]! }, ["hello", "two-factor", "woocommerce"])
        XCTAssertEqual(d["plugins"]?.arrayValue?[1]["update_uri"], "https://updates.example.com/two-factor")
        XCTAssertEqual(d["plugins"]?.arrayValue?[2]["version"], "8.9.3")
        XCTAssertEqual(d["mu_plugins"]?.arrayValue?.first?["name"], "Force SSL (MU)")
        XCTAssertEqual(d["themes"]?.arrayValue?.first?["parent"], "twentytwentyfour")
        XCTAssertEqual(d["files"]?["php_in_uploads"], .array(["wp-content/uploads/2024/05/shell.php"]))
        XCTAssertEqual(d["files"]?["wp_config"]?["world_readable"], true)
        XCTAssertEqual(d["files"]?["htaccess"]?["present"], true)
        XCTAssertEqual(d["database"]?["collected"], false)
        XCTAssertNil(d["audit_log"], "which plugins are active is in the database: not guessed")
        let unavailable = b.document(data: d)["unavailable"]
        XCTAssertEqual(
            unavailable?.objectMembers?.map(\.key), ["/database/options", "/database/roles", "/database/users", "/audit_log"],
            "rules reading the database give error, not a pass")
        XCTAssertEqual(unavailable?["/database/options"]?.stringValue?.hasPrefix("database not read: "), true)
        XCTAssertEqual(d["security_plugins"], .array(["two-factor"]), "activity unknown without the database: listed")
        XCTAssertEqual(b.document(data: d)["provenance"]?["/constants/WP_DEBUG_DISPLAY"]?.stringValue?.hasSuffix("wp-config.php:24"), true)
        XCTAssertEqual(SnapshotSchemas.wordpress.violations(d), [])
    }

    func testMissingConfigIsAClearError() throws {
        let root = NSTemporaryDirectory() + "gavel-wp-\(UUID().uuidString)/a/b"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        var b = SnapshotBuilder(asset: "wp", kind: "wordpress")
        XCTAssertThrowsError(try WordPressCollector(path: root).collect(into: &b)) { e in
            XCTAssertEqual((e as? Diagnostic)?.id, "wordpress-config")
        }
    }
}
