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
          logdate timestamp NULL DEFAULT NULL, lock_expires timestamp NULL DEFAULT NULL, PRIMARY KEY (user_id));
        INSERT INTO admin_user (firstname, lastname, email, username, password, is_active, logdate, lock_expires) VALUES
          ('Ops', 'One', 'ops1@example.invalid', 'ops-one', 'test-only-hash-1', 1, DATE_SUB(NOW(), INTERVAL 3 DAY), NULL),
          ('Ops', 'Two', 'ops2@example.invalid', 'ops-two', 'test-only-hash-2', 1, DATE_SUB(NOW(), INTERVAL 200 DAY), DATE_ADD(NOW(), INTERVAL 1 DAY)),
          ('Old', 'Admin', 'old@example.invalid', 'old-admin', 'test-only-hash-3', 0, NULL, NULL);
        CREATE TABLE authorization_role (
          role_id int unsigned NOT NULL AUTO_INCREMENT, parent_id int unsigned NOT NULL DEFAULT 0, tree_level smallint unsigned NOT NULL DEFAULT 0,
          sort_order smallint unsigned NOT NULL DEFAULT 0, role_type varchar(1) NOT NULL DEFAULT '0', user_id int unsigned NOT NULL DEFAULT 0,
          user_type varchar(16) DEFAULT NULL, role_name varchar(50) DEFAULT NULL, PRIMARY KEY (role_id));
        INSERT INTO authorization_role (role_id, parent_id, tree_level, role_type, user_id, user_type, role_name) VALUES
          (1, 0, 1, 'G', 0, '2', 'Administrators'), (2, 1, 2, 'U', 1, '2', 'ops-one'), (3, 1, 2, 'U', 3, '2', 'old-admin'),
          (4, 0, 1, 'G', 0, '2', 'Pharmacists'), (5, 4, 2, 'U', 2, '2', 'ops-two'), (6, 0, 1, 'U', 1, '1', 'Marketing sync');
        CREATE TABLE authorization_rule (
          rule_id int unsigned NOT NULL AUTO_INCREMENT, role_id int unsigned NOT NULL DEFAULT 0, resource_id varchar(255) DEFAULT NULL,
          privileges varchar(20) DEFAULT NULL, permission varchar(10) DEFAULT NULL, PRIMARY KEY (rule_id));
        INSERT INTO authorization_rule (role_id, resource_id, permission) VALUES
          (1, 'Magento_Backend::all', 'allow'), (4, 'Magento_Backend::all', 'deny'), (4, 'Magento_Sales::sales', 'allow'),
          (6, 'Magento_Backend::all', 'allow');
        CREATE TABLE integration (
          integration_id int unsigned NOT NULL AUTO_INCREMENT, name varchar(255) NOT NULL, email varchar(255), endpoint varchar(255),
          status smallint unsigned NOT NULL, consumer_id int unsigned, setup_type smallint unsigned NOT NULL DEFAULT 0, PRIMARY KEY (integration_id));
        INSERT INTO integration (name, email, endpoint, status, setup_type) VALUES
          ('Marketing sync', 'sync@example.invalid', 'https://sync.example.invalid/hook?token=test-only-endpoint-token', 1, 0);
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
        let review = try XCTUnwrap(database["access_review"] as? [String: Any])
        let accounts = try XCTUnwrap(review["admin_accounts"] as? [[String: Any]])
        XCTAssertEqual(accounts.map { $0["username"] as? String }, ["old-admin", "ops-one", "ops-two"])
        XCTAssertEqual(accounts.map { $0["days_since_login"] as? Int }, [nil, 3, 200])
        XCTAssertEqual(accounts.map { $0["role"] as? String }, ["Administrators", "Administrators", "Pharmacists"])
        XCTAssertEqual(accounts.map { $0["all_resources"] as? Bool }, [true, true, false], "a deny on Magento_Backend::all is not all")
        let roles = try XCTUnwrap(review["roles"] as? [[String: Any]])
        XCTAssertEqual(roles.map { $0["name"] as? String }, ["Administrators", "Pharmacists"])
        XCTAssertEqual(roles.map { $0["all_resources"] as? Bool }, [true, false])
        XCTAssertEqual(roles.map { $0["users"] as? Int }, [2, 1])
        XCTAssertEqual((review["integrations"] as? [[String: Any]])?.first?["all_resources"] as? Bool, true)
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
        for secret in [password, "test-only-crypt-key", "test-only-encrypted", "test-only-hash", "@example.invalid", "test-only-encoded", "test-only-endpoint"]
        {
            XCTAssertFalse(r.out.contains(secret), "the snapshot must not contain \(secret)")
        }

        // The shipped rules on the review: ops-two has not logged in for 200 days, the
        // integration holds every resource; two full administrators are within the limit.
        let snapshot = tempDir() + "/magento.json"
        try r.out.write(toFile: snapshot, atomically: true, encoding: .utf8)
        let v = try verdicts(tempDir(), snapshot)
        XCTAssertEqual(v["M2-ACCESS-001"], "fail")
        XCTAssertEqual(v["M2-ACCESS-002"], "pass")
        XCTAssertEqual(v["M2-INTEG-001"], "fail")

        // A reader who may not read the ACL tables: the review is unavailable, its rules error.
        XCTAssertEqual(
            try mariadb(
                "REVOKE SELECT ON \(db).* FROM '\(user)'@'localhost'; GRANT SELECT ON \(db).core_config_data TO '\(user)'@'localhost'; GRANT SELECT ON \(db).admin_user TO '\(user)'@'localhost'; GRANT SELECT ON \(db).tfa_user_config TO '\(user)'@'localhost';"
            ).code, 0)
        let limited = try gavel(["collect", "magento", "--asset", "pharmacy.example.com", "--path", root, "-o", snapshot])
        XCTAssertEqual(limited.code, 0, limited.err)
        let doc = try jsonObject(snapshot)
        XCTAssertTrue(
            ((doc["unavailable"] as? [String: String])?["/database/access_review"] ?? "").hasPrefix("the admin ACL tables could not be read"),
            "\(doc["unavailable"] ?? "")")
        XCTAssertNil(((doc["data"] as? [String: Any])?["database"] as? [String: Any])?["access_review"])
        XCTAssertEqual(try verdicts(tempDir(), snapshot)["M2-ACCESS-001"], "error")
    }
}
