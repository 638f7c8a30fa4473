import Foundation
import XCTest

/// `gavel collect wordpress` against Debian's WordPress installed for real into MariaDB:
/// wp_install() run by PHP, options changed, a user and a plugin added; then the snapshot
/// must show them, and none of the passwords, e-mail addresses or hashes involved.
extension CLITests {
    func mariadb(_ sql: String) throws -> Run { try program("/usr/bin/mariadb", ["-e", sql]) }

    func testCollectWordPressFromARealInstall() throws {
        let ready =
            FileManager.default.fileExists(atPath: "/usr/share/wordpress/wp-settings.php")
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/mariadb") && (try? mariadb("SELECT 1"))?.code == 0
        if !ready {
            if ProcessInfo.processInfo.environment["CI"] != nil {
                XCTFail("mariadb-server (running) and wordpress must be installed in CI (.ci/run sets them up)")
            }
            throw XCTSkip("MariaDB or Debian's wordpress is not available")
        }
        let id = UUID().uuidString.prefix(8).lowercased()
        let db = "gavel_wp_\(id)", user = "gavel_\(id)", password = "test-only-db-pass-\(id)"
        XCTAssertEqual(
            try mariadb("CREATE DATABASE \(db); CREATE USER '\(user)'@'localhost' IDENTIFIED BY '\(password)'; GRANT ALL ON \(db).* TO '\(user)'@'localhost';")
                .code, 0)
        defer { _ = try? mariadb("DROP DATABASE \(db); DROP USER '\(user)'@'localhost';") }

        let site = tempDir() + "/site"
        XCTAssertEqual(try program("/bin/cp", ["-rL", "/usr/share/wordpress", site]).code, 0)
        try """
        <?php
        define( 'DB_NAME', '\(db)' );
        define( 'DB_USER', '\(user)' );
        define( 'DB_PASSWORD', '\(password)' );
        define( 'DB_HOST', 'localhost' );
        define( 'DB_CHARSET', 'utf8mb4' );
        define( 'AUTH_KEY', 'test-only-auth-key-\(id)-0000000000000000000000000000000000' );
        define( 'SECURE_AUTH_KEY', 'put your unique phrase here' );
        $table_prefix = 'gv_';
        define( 'WP_DEBUG', false );
        define( 'DISALLOW_FILE_EDIT', true );
        if ( ! defined( 'ABSPATH' ) ) { define( 'ABSPATH', __DIR__ . '/' ); }
        require_once ABSPATH . 'wp-settings.php';
        """.write(toFile: site + "/wp-config.php", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: site + "/wp-content/plugins/gavel-test", withIntermediateDirectories: true)
        try "<?php\n/**\n * Plugin Name: Gavel Test Plugin\n * Version: 1.2.3\n */\n".write(
            toFile: site + "/wp-content/plugins/gavel-test/gavel-test.php", atomically: true, encoding: .utf8)

        // Plugins are only read for their headers, never run: an audit log, Stream, and a
        // must-use plugin that turns XML-RPC off.
        for slug in ["wp-security-audit-log", "stream"] {
            try FileManager.default.createDirectory(atPath: site + "/wp-content/plugins/\(slug)", withIntermediateDirectories: true)
            try "<?php\n/**\n * Plugin Name: \(slug)\n * Version: 1.0\n */\n".write(
                toFile: site + "/wp-content/plugins/\(slug)/\(slug).php", atomically: true, encoding: .utf8)
        }
        try FileManager.default.createDirectory(atPath: site + "/wp-content/mu-plugins", withIntermediateDirectories: true)
        let muPlugin = """
            <?php
            /**
             * Plugin Name: Hardening
             */
            add_filter( 'xmlrpc_enabled', '__return_false' );
            if (isset($x)) { $x->add_filter('not_wordpress', 'y'); }
            add_filter('auth_cookie_expiration', function ($ttl, $user, $remember) { return 8 * HOUR_IN_SECONDS; }, 10, 3);

            """
        try muPlugin.write(toFile: site + "/wp-content/mu-plugins/hardening.php", atomically: true, encoding: .utf8)

        let install = """
            $_SERVER['HTTP_HOST'] = 'clinic.example.com';
            define('WP_INSTALLING', true);
            require '\(site)/wp-load.php';
            require_once ABSPATH . 'wp-admin/includes/upgrade.php';
            wp_install('Clinic', 'clinic-admin', 'admin@example.invalid', true, '', 'test-only-user-pass');
            update_option('users_can_register', 1);
            update_option('default_role', 'editor');
            update_option('active_plugins', ['gavel-test/gavel-test.php', 'wp-security-audit-log/wp-security-audit-log.php', 'stream/stream.php']);
            wp_insert_user(['user_login' => 'editor-one', 'user_pass' => 'test-only-editor-pass', 'user_email' => 'editor@example.invalid', 'role' => 'editor']);
            wp_insert_user(['user_login' => 'Admin', 'user_pass' => 'test-only-admin-pass', 'user_email' => 'old@example.invalid', 'role' => 'subscriber']);
            update_option('wsal_pruning-date-e', 'yes');
            update_option('wsal_pruning-date', '6 months');
            update_option('wp_stream', ['general_records_ttl' => '90', 'general_api_key' => 'test-only-stream-key-\(id)']);
            update_option('woocommerce_version', '9.1.0');
            update_option('woocommerce_gateway_order', ['stripe' => 0, 'paypal_pro' => 1]);
            update_option('woocommerce_paypal_pro_settings', ['enabled' => 'yes', 'api_password' => 'test-only-gateway-pass-\(id)']);
            update_option('woocommerce_stripe_settings', ['enabled' => 'no', 'secret_key' => 'test-only-stripe-key-\(id)']);
            $app = WP_Application_Passwords::create_new_application_password(get_user_by('login', 'clinic-admin')->ID, ['name' => 'ci']);
            if (is_wp_error($app)) { echo $app->get_error_message(); exit(1); }
            echo 'installed';
            """
        let php = try program("/usr/bin/php", ["-r", install])
        XCTAssertTrue(php.out.hasSuffix("installed"), php.out + php.err)

        let r = try gavel(["collect", "wordpress", "--asset", "clinic.example.com", "--path", site])
        XCTAssertEqual(r.code, 0, r.err)
        let doc = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        let data = try XCTUnwrap(doc["data"] as? [String: Any])
        let database = try XCTUnwrap(data["database"] as? [String: Any])
        XCTAssertEqual(database["collected"] as? Bool, true, "\(database)")
        let options = try XCTUnwrap(database["options"] as? [String: Any])
        XCTAssertEqual(options["users_can_register"] as? String, "1")
        XCTAssertEqual(options["default_role"] as? String, "editor")
        XCTAssertTrue((options["siteurl"] as? String)?.hasPrefix("http://clinic.example.com") ?? false, "\(options["siteurl"] ?? "")")
        XCTAssertEqual(
            options["active_plugins"] as? [String], ["gavel-test/gavel-test.php", "wp-security-audit-log/wp-security-audit-log.php", "stream/stream.php"],
            "serialized option decoded")
        let roles = try XCTUnwrap(database["roles"] as? [String: Any])
        XCTAssertTrue(((roles["administrator"] as? [String: Any])?["capabilities"] as? [String])?.contains("manage_options") ?? false)
        let users = try XCTUnwrap(database["users"] as? [String: Any])
        XCTAssertEqual(users["total"] as? Int, 3)
        XCTAssertEqual(users["per_role"] as? [String: Int], ["administrator": 1, "editor": 1, "subscriber": 1])
        XCTAssertEqual(users["administrators"] as? [String], ["clinic-admin"])
        XCTAssertEqual(users["default_logins"] as? [String], ["Admin"], "an 'admin' login of any role")
        XCTAssertEqual(users["application_passwords"] as? [String: Int], ["users": 1, "administrators": 1])
        XCTAssertEqual(options["wp_stream"] as? [String: String], ["general_records_ttl": "90"], "only Stream's retention keys are kept")
        let gateways = try XCTUnwrap(database["payment_gateways"] as? [[String: Any]])
        XCTAssertEqual(gateways.map { $0["id"] as? String }, ["stripe", "paypal_pro"])
        XCTAssertEqual(gateways.map { $0["enabled"] as? Bool }, [false, true])
        let audit = try XCTUnwrap(data["audit_log"] as? [String: Any])
        XCTAssertEqual(audit["plugins"] as? [String], ["wp-security-audit-log", "stream"])
        XCTAssertEqual(audit["retention_days"] as? Int, 180, "6 months (WP Activity Log) is longer than Stream's 90 days")
        XCTAssertEqual(audit["keeps_forever"] as? Bool, false)
        let hooks = try XCTUnwrap(data["mu_plugin_hooks"] as? [[String: Any]])
        XCTAssertEqual(hooks.count, 2, "a method called add_filter on some object is not WordPress's")
        XCTAssertEqual((data["session"] as? [String: Any])?["login_lifetime_seconds"] as? Int, 28_800, "8 * HOUR_IN_SECONDS")
        XCTAssertEqual(hooks.first?["hook"] as? String, "xmlrpc_enabled")
        XCTAssertEqual(hooks.first?["callback"] as? String, "__return_false")
        XCTAssertEqual(hooks.first?["line"] as? Int, 5)

        let snapshot = tempDir() + "/wordpress.json"
        try r.out.write(toFile: snapshot, atomically: true, encoding: .utf8)
        let verdicts = try verdicts(tempDir(), snapshot)
        for (rule, verdict) in [
            ("WP-AUDIT-001", "pass"), ("WP-AUDIT-002", "fail"), ("WP-XMLRPC-001", "pass"), ("WP-APPPASS-001", "fail"), ("WP-ADMINLOGIN-002", "fail"),
            ("WP-ADMINLOGIN-001", "pass"), ("WP-SESSION-001", "pass"), ("WP-WC-004", "fail"), ("WP-THROTTLE-001", "fail"), ("WP-ENUM-001", "fail"),
        ] {
            XCTAssertEqual(verdicts[rule], verdict, rule)
        }
        let plugins = try XCTUnwrap(data["plugins"] as? [[String: Any]])
        XCTAssertEqual(plugins.first { $0["slug"] as? String == "gavel-test" }?["active"] as? Bool, true)
        XCTAssertEqual(plugins.first { $0["slug"] as? String == "akismet" }?["active"] as? Bool, false)
        XCTAssertEqual((data["effective"] as? [String: Any])?["FORCE_SSL_ADMIN"] as? Bool, false, "derived from the http siteurl, as WordPress does")
        XCTAssertEqual(data["security_plugins"] as? [String], [])
        for secret in [
            password, "test-only-user-pass", "test-only-editor-pass", "test-only-auth-key", "@example.invalid", "$P$", "$wp$2y$", "$2y$",
            "test-only-stream-key", "test-only-gateway-pass", "test-only-stripe-key", "$generic$",
        ] {
            XCTAssertFalse(r.out.contains(secret), "the snapshot must not contain \(secret)")
        }
        XCTAssertFalse(r.err.contains(password))
    }
}
