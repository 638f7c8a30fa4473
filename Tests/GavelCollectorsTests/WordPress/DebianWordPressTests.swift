import Foundation
import GavelCore
import XCTest

@testable import GavelCollectors

/// Debian's packaged WordPress: the master wp-config.php (the file from Debian 12's
/// `wordpress` 6.1.9+dfsg1-0+deb12u1, unchanged) requires `/etc/wordpress/config-HOST.php`.
final class DebianWordPressTests: XCTestCase {
    func testCandidatesFollowDebiansOrder() {
        XCTAssertEqual(
            DebianWordPress.candidates(siteNames: ["Blog.Clinic.example:8443", "www.clinic.example"]),
            [
                "/etc/wordpress/config-blog.clinic.example.php", "/etc/wordpress/config-www.clinic.example.php",
                "/etc/wordpress/config-clinic.example.php", "/etc/wordpress/config-default.php",
            ])
        XCTAssertEqual(DebianWordPress.candidates(siteNames: ["we<i>rd"]), ["/etc/wordpress/config-weird.php", "/etc/wordpress/config-default.php"])
    }

    /// A machine image: /usr/share/wordpress with Debian's master file, the site's file in
    /// /etc/wordpress and plugins in /var/lib/wordpress/wp-content.
    func makeImage(siteFile: String?, defaultFile: String? = nil) throws -> String {
        let image = NSTemporaryDirectory() + "gavel-debian-wp-\(UUID().uuidString)"
        let master = Bundle.module.resourcePath! + "/Debian/wp-config.php"
        let files: [String: String?] = [
            "/usr/share/wordpress/wp-includes/version.php": "<?php\n$wp_version = '6.1.9';\n",
            "/var/lib/wordpress/wp-content/plugins/wp-2fa/wp-2fa.php": "<?php\n/* Plugin Name: WP 2FA\nVersion: 2.6.0 */\n",
            "/etc/wordpress/config-blog.clinic.example.php": siteFile,
            "/etc/wordpress/config-default.php": defaultFile,
        ]
        for (rel, text) in files {
            guard let text else { continue }
            let p = image + rel
            try FileManager.default.createDirectory(atPath: (p as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: p, atomically: true, encoding: .utf8)
        }
        try FileManager.default.copyItem(atPath: master, toPath: image + "/usr/share/wordpress/wp-config.php")
        return image
    }

    func collect(_ image: String, names: [String]) throws -> (Value, Value) {
        var b = SnapshotBuilder(asset: "blog", kind: "wordpress")
        var c = WordPressCollector(path: image + "/usr/share/wordpress")
        c.readDatabase = false
        c.siteNames = names
        c.machineRoot = image
        let d = try c.collect(into: &b)
        return (d, b.document(data: d))
    }

    func testReadsTheSitesOwnFileBeforeTheMaster() throws {
        let password = "pw-" + UUID().uuidString
        let image = try makeImage(
            siteFile: """
                <?php
                define('DB_NAME', 'clinic_blog');
                define('DB_USER', 'clinic');
                define('DB_PASSWORD', '\(password)');
                define('WP_DEBUG', true);
                $table_prefix = 'cb_';
                """, defaultFile: "<?php\ndefine('DB_NAME', 'not-this-one');\n")
        let (d, doc) = try collect(image, names: ["blog.clinic.example"])
        XCTAssertEqual(d["site_config_file"], "/etc/wordpress/config-blog.clinic.example.php")
        XCTAssertEqual(d["constants"]?["DB_NAME"]?["value"], "clinic_blog", "the site's define wins over the master's default")
        XCTAssertEqual(d["constants"]?["DB_HOST"]?["value"], "localhost", "what the site leaves out comes from the master")
        XCTAssertEqual(d["constants"]?["DB_HOST"]?["conditional"], true)
        XCTAssertEqual(d["effective"]?["WP_DEBUG"], true)
        XCTAssertEqual(d["effective"]?["WP_AUTO_UPDATE_CORE"], false, "Debian's master turns core updates off")
        XCTAssertEqual(d["table_prefix"], "cb_")
        XCTAssertEqual(d["secrets"]?["DB_PASSWORD"]?["set"], true)
        XCTAssertEqual(d["plugins"]?.arrayValue?.compactMap { $0["slug"]?.stringValue }, ["wp-2fa"], "plugins from WP_CONTENT_DIR")
        let text = JSONWriter.string(doc)
        XCTAssertFalse(text.contains(password))
        XCTAssertTrue(text.contains("\"/constants/DB_NAME\":\"/etc/wordpress/config-blog.clinic.example.php:2\""), text)
        XCTAssertTrue(text.contains("\"/constants/DB_HOST\":\"\(image)/usr/share/wordpress/wp-config.php:"), "the master's defines point at the master")
    }

    func testFallsBackToTheDomainThenTheDefault() throws {
        let image = try makeImage(siteFile: nil, defaultFile: "<?php\ndefine('DB_NAME', 'shared');\n")
        let (d, _) = try collect(image, names: ["shop.clinic.example"])
        XCTAssertEqual(d["site_config_file"], "/etc/wordpress/config-default.php")
        XCTAssertEqual(d["constants"]?["DB_NAME"]?["value"], "shared")
        // The site's own name wins over the default when it exists.
        try "<?php\ndefine('DB_NAME', 'main');\n".write(toFile: image + "/etc/wordpress/config-clinic.example.php", atomically: true, encoding: .utf8)
        XCTAssertEqual(try collect(image, names: ["shop.clinic.example"]).0["site_config_file"], "/etc/wordpress/config-clinic.example.php")
    }

    func testWithoutAnySiteFileOnlyTheMasterIsRead() throws {
        let image = try makeImage(siteFile: nil)
        let (d, _) = try collect(image, names: ["blog.clinic.example"])
        XCTAssertEqual(d["site_config_file"], .null)
        XCTAssertEqual(d["constants"]?["DB_NAME"]?["value"], "wordpress", "the master's own default")
    }

    func testAnOrdinaryWpConfigIsNotDebians() throws {
        XCTAssertFalse(DebianWordPress.isMaster(Array("<?php define('DB_NAME', 'x');".utf8)))
    }
}
