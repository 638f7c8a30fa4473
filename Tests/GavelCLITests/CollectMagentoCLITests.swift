import Foundation
import XCTest

/// `gavel collect magento` against MariaDB: a core_config_data, admin_user and
/// tfa_user_config loaded from a dump in Magento 2.4's table layout, and env.php/config.php
/// files pointing at it.
extension CLITests {
    static let magentoDump = """
        CREATE TABLE core_config_data (
          config_id int unsigned NOT NULL AUTO_INCREMENT, scope varchar(8) NOT NULL DEFAULT 'default',
          scope_id int NOT NULL DEFAULT 0, path varchar(255) NOT NULL DEFAULT 'general', value text,
          updated_at timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),
          PRIMARY KEY (config_id), UNIQUE KEY CORE_CONFIG_DATA_SCOPE_SCOPE_ID_PATH (scope, scope_id, path));
        INSERT INTO core_config_data (scope, scope_id, path, value) VALUES
          ('default', 0, 'web/secure/base_url', 'https://pharmacy.example.com/'),
          ('default', 0, 'web/secure/use_in_frontend', '1'),
          ('default', 0, 'web/secure/use_in_adminhtml', '1'),
          ('default', 0, 'admin/security/session_lifetime', '3600'),
          ('default', 0, 'admin/security/password_lifetime', NULL),
          ('default', 0, 'dev/debug/template_hints_storefront', '0'),
          ('default', 0, 'payment/braintree/private_key', '0:3:test-only-encrypted-not-a-secret'),
          ('websites', 1, 'web/cookie/cookie_httponly', '0'),
          ('stores', 2, 'design/head/default_title', 'Pharmacy\\tTab');
        CREATE TABLE admin_user (
          user_id int unsigned NOT NULL AUTO_INCREMENT, firstname varchar(32), lastname varchar(32), email varchar(128),
          username varchar(40), password varchar(255) NOT NULL, is_active smallint NOT NULL DEFAULT 1,
          lock_expires timestamp NULL DEFAULT NULL, PRIMARY KEY (user_id));
        INSERT INTO admin_user (firstname, lastname, email, username, password, is_active, lock_expires) VALUES
          ('Ops', 'One', 'ops1@example.invalid', 'ops-one', 'test-only-hash-1', 1, NULL),
          ('Ops', 'Two', 'ops2@example.invalid', 'ops-two', 'test-only-hash-2', 1, DATE_ADD(NOW(), INTERVAL 1 DAY)),
          ('Old', 'Admin', 'old@example.invalid', 'old-admin', 'test-only-hash-3', 0, NULL);
        CREATE TABLE store_website (website_id smallint unsigned NOT NULL, code varchar(32), name varchar(64), PRIMARY KEY (website_id));
        INSERT INTO store_website VALUES (0, 'admin', 'Admin'), (1, 'base', 'Main Website');
        CREATE TABLE store (store_id smallint unsigned NOT NULL, code varchar(32), website_id smallint unsigned, name varchar(255), PRIMARY KEY (store_id));
        INSERT INTO store VALUES (0, 'admin', 0, 'Admin'), (2, 'pharmacy_en', 1, 'Pharmacy EN');
        CREATE TABLE tfa_user_config (config_id int unsigned NOT NULL AUTO_INCREMENT, user_id int unsigned NOT NULL,
          encoded_config text, PRIMARY KEY (config_id));
        INSERT INTO tfa_user_config (user_id, encoded_config) VALUES (1, 'test-only-encoded');
        """

    func testCollectMagentoFromMariaDB() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/mariadb"), (try? mariadb("SELECT 1"))?.code == 0 else {
            if ProcessInfo.processInfo.environment["CI"] != nil { XCTFail("a running MariaDB is needed in CI (.ci/run starts it)") }
            throw XCTSkip("MariaDB is not available")
        }
        let id = UUID().uuidString.prefix(8).lowercased()
        let db = "gavel_m2_\(id)", user = "gavel_m_\(id)", password = "test-only-db-pass-\(id)"
        XCTAssertEqual(
            try mariadb(
                "CREATE DATABASE \(db); CREATE USER '\(user)'@'localhost' IDENTIFIED BY '\(password)'; GRANT SELECT ON \(db).* TO '\(user)'@'localhost';"
            ).code, 0)
        defer { _ = try? mariadb("DROP DATABASE \(db); DROP USER '\(user)'@'localhost';") }
        let load = try program("/usr/bin/mariadb", ["--database=" + db, "-e", Self.magentoDump])
        XCTAssertEqual(load.code, 0, load.err)

        let root = tempDir()
        try FileManager.default.createDirectory(atPath: root + "/app/etc", withIntermediateDirectories: true)
        try """
        <?php
        return [
            'backend' => ['frontName' => 'admin'],
            'crypt' => ['key' => 'test-only-crypt-key-\(id)'],
            'db' => ['table_prefix' => '', 'connection' => ['default' => [
                'host' => 'localhost', 'dbname' => '\(db)', 'username' => '\(user)', 'password' => '\(password)', 'active' => '1',
            ]]],
            'MAGE_MODE' => 'developer',
            'system' => ['default' => ['admin' => ['security' => ['session_lifetime' => '900']]]],
        ];
        """.write(toFile: root + "/app/etc/env.php", atomically: true, encoding: .utf8)
        try "<?php\nreturn ['modules' => ['Magento_TwoFactorAuth' => 1, 'Magento_Backend' => 1]];\n".write(
            toFile: root + "/app/etc/config.php", atomically: true, encoding: .utf8)

        let r = try gavel(["collect", "magento", "--asset", "pharmacy.example.com", "--path", root])
        XCTAssertEqual(r.code, 0, r.err)
        let data = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])?["data"] as? [String: Any])
        let database = try XCTUnwrap(data["database"] as? [String: Any])
        XCTAssertEqual(database["collected"] as? Bool, true, "\(database)")
        XCTAssertEqual(database["admin_users"] as? [String: Int], ["total": 3, "active": 2, "inactive": 1, "locked": 1])
        let tfa = try XCTUnwrap(database["tfa"] as? [String: Any])
        XCTAssertEqual(tfa["table"] as? Bool, true)
        XCTAssertEqual(tfa["configured_users"] as? Int, 1)
        let system = try XCTUnwrap(data["system"] as? [String: [String: [String: Any]]])
        XCTAssertEqual(system["default"]?["web/secure/use_in_adminhtml"]?["value"] as? String, "1")
        XCTAssertEqual(system["default"]?["web/secure/use_in_adminhtml"]?["source"] as? String, "database")
        XCTAssertEqual(system["default"]?["admin/security/session_lifetime"]?["value"] as? String, "900", "env.php overrides the database")
        XCTAssertEqual(system["default"]?["admin/security/session_lifetime"]?["source"] as? String, "env.php")
        XCTAssertTrue(system["default"]?["admin/security/password_lifetime"]?["value"] is NSNull, "a NULL value in the database stays null")
        XCTAssertEqual(system["websites/base"]?["web/cookie/cookie_httponly"]?["value"] as? String, "0", "website id 1 is named by its code")
        XCTAssertEqual(system["stores/pharmacy_en"]?["design/head/default_title"]?["value"] as? String, "Pharmacy\tTab", "the client's escapes are undone")
        // The store inherits from its website, then from default.
        let effective = try XCTUnwrap(data["effective"] as? [String: [String: [String: Any]]])
        XCTAssertEqual(effective["stores/pharmacy_en"]?["web/cookie/cookie_httponly"]?["scope"] as? String, "websites/base")
        XCTAssertEqual(effective["stores/pharmacy_en"]?["web/secure/use_in_frontend"]?["scope"] as? String, "default")
        XCTAssertEqual(effective["stores/pharmacy_en"]?["design/head/default_title"]?["scope"] as? String, "stores/pharmacy_en")
        XCTAssertEqual((system["default"]?["payment/braintree/private_key"]?["value"] as? [String: Any])?["set"] as? Bool, true)
        XCTAssertEqual(data["admin_frontname_is_default"] as? Bool, true)
        for secret in [password, "test-only-crypt-key", "test-only-encrypted", "test-only-hash", "@example.invalid", "test-only-encoded"] {
            XCTAssertFalse(r.out.contains(secret), "the snapshot must not contain \(secret)")
        }
    }
}
