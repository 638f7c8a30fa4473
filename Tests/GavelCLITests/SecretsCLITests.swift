import Foundation
import XCTest

/// Secrets planted in every format each collector reads must never reach a snapshot: not
/// the value, nor any part of it. Each planted value is unique ("gvplant" and a number), so
/// finding it anywhere in the snapshot text is a leak. Fake values only; they look like
/// their kind so the value checks are exercised too.
extension CLITests {
    /// Token shapes made at run time, so that no literal here looks like a real credential.
    static var stripeLike: String { "sk_" + "live_" + String(UUID().uuidString.prefix(8)).lowercased() }
    static var awsLike: String { "AK" + "IA" + String(UUID().uuidString.replacingOccurrences(of: "-", with: "").uppercased().prefix(16)) }

    /// Fails for every planted value found in `snapshot`; returns the parsed document.
    @discardableResult
    private func assertNoPlantedSecret(_ r: Run, _ what: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        XCTAssertEqual(r.code, 0, "\(what): \(r.err)", file: file, line: line)
        let leaks = r.out.components(separatedBy: "gvplant").count - 1
        XCTAssertEqual(leaks, 0, "\(what): \(leaks) planted secret(s) in the snapshot:\n\(r.out)", file: file, line: line)
        XCTAssertFalse(r.err.contains("gvplant"), "\(what): a planted secret in the log: \(r.err)", file: file, line: line)
        return try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as! [String: Any]
    }

    private func secretRecord(_ v: Any?) -> [String: Any]? {
        guard let o = v as? [String: Any], o["secret"] is String, o["set"] as? Bool == true else { return nil }
        return o
    }

    func testPHPIniAndFPMPoolSecretsNeverReachTheSnapshot() throws {
        let dir = tempDir()
        try """
        [PHP]
        expose_php = Off
        mysqli.default_pw = "gvplant01"
        ldap.password = gvplant02
        session.save_handler = redis
        session.save_path = "tcp://10.0.0.5:6379?weight=1&auth=gvplant03"
        mail.smtp_password = "gvplant04"
        """.write(toFile: dir + "/php.ini", atomically: true, encoding: .utf8)
        try """
        [www]
        user = www-data
        listen = /run/php/php-fpm.sock
        php_admin_value[mysqli.default_pw] = gvplant05
        php_value[session.save_path] = "redis://:gvplant06@127.0.0.1:6379/0"
        env[DB_PASSWORD] = gvplant07
        env[STRIPE_KEY] = \(Self.stripeLike)gvplant08
        env[APP_ENV] = production
        """.write(toFile: dir + "/www.conf", atomically: true, encoding: .utf8)
        let doc = try assertNoPlantedSecret(
            try gavel(["collect", "php", "--asset", "a", "--ini", dir + "/php.ini", "--fpm-pool", dir + "/www.conf", "--php-version", "8.2.7"]), "php")
        let data = doc["data"] as! [String: Any]
        let ini = data["ini"] as! [String: Any]
        XCTAssertNotNil(secretRecord(ini["mysqli.default_pw"]), "\(ini["mysqli.default_pw"] ?? "nil")")
        // The pool's php_value overrides php.ini's save_path; the URL is kept without its password.
        let save = try XCTUnwrap(secretRecord(ini["session.save_path"]))
        XCTAssertEqual(save["redacted"] as? String, "redis://***@127.0.0.1:6379/0", "what rules may still read")
        XCTAssertEqual(ini["session.save_handler"] as? String, "redis", "ordinary settings are untouched")
        let pool = data["fpm_pool"] as! [String: Any]
        let settings = pool["settings"] as! [String: Any]
        XCTAssertEqual(settings["user"] as? String, "www-data")
        // The provenance still says where the secret is set.
        let provenance = doc["provenance"] as! [String: String]
        XCTAssertNotNil(provenance["/ini/mysqli.default_pw"])
    }

    func testPHPBinarySecretsNeverReachTheSnapshot() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/php") else { throw XCTSkip("php is not installed") }
        let dir = tempDir()
        try "mysqli.default_pw = gvplant11\nsession.save_path = \"tcp://127.0.0.1:6379?auth=gvplant12\"\n".write(
            toFile: dir + "/php.ini", atomically: true, encoding: .utf8)
        try assertNoPlantedSecret(try gavel(["collect", "php", "--asset", "a", "--binary", "/usr/bin/php", "--ini", dir + "/php.ini"]), "php --binary")
    }

    func testNginxSecretsNeverReachTheSnapshot() throws {
        let dir = tempDir()
        try """
        events {}
        http {
          server {
            listen 443 ssl;
            server_name shop.example.com;
            ssl_certificate /etc/ssl/certs/shop.pem;
            ssl_certificate_key /etc/ssl/private/shop.key;
            location /api/ {
              proxy_set_header Authorization "Basic Z3ZwbGFudDIxOnVzZXI=gvplant21";
              proxy_set_header X-Api-Key gvplant22;
              proxy_set_header Proxy-Authorization "Bearer gvplant23";
              proxy_pass http://127.0.0.1:8080;
            }
            location ~ \\.php$ {
              fastcgi_param DB_PASSWORD gvplant24;
              fastcgi_param APP_SECRET "gvplant25";
              fastcgi_pass unix:/run/php/php-fpm.sock;
            }
            location /old { return 301 https://deploy:gvplant26@backend.example.com/new; }
            add_header X-Auth-Token gvplant27;
          }
        }
        """.write(toFile: dir + "/nginx.conf", atomically: true, encoding: .utf8)
        let doc = try assertNoPlantedSecret(
            try gavel(["collect", "nginx", "--asset", "a", "--config", dir + "/nginx.conf", "--nginx-version", "1.22.1"]), "nginx")
        let server = ((doc["data"] as! [String: Any])["servers"] as! [[String: Any]])[0]
        XCTAssertEqual(
            (server["ssl_certificates"] as? [[String: Any]])?.first?["key"] as? String, "/etc/ssl/private/shop.key",
            "a key file's path is not a secret: \(server)")
        let php = (server["locations"] as! [[String: Any]]).first { $0["fastcgi_pass"] is String }
        XCTAssertEqual(php?["fastcgi_pass"] as? String, "unix:/run/php/php-fpm.sock", "an upstream is not a password")
    }

    func testWordPressConfigSecretsNeverReachTheSnapshot() throws {
        let site = tempDir() + "/site"
        try FileManager.default.createDirectory(atPath: site + "/wp-content/plugins", withIntermediateDirectories: true)
        try "<?php\n$wp_version = '6.4.2';\n".write(toFile: site + "/wp-includes-version.php", atomically: true, encoding: .utf8)
        try """
        <?php
        define( 'DB_NAME', 'shop' );
        define( 'DB_USER', 'shop' );
        define( 'DB_PASSWORD', 'gvplant31' );
        define( 'DB_HOST', 'localhost' );
        define( 'WP_REDIS_PASSWORD', 'gvplant32' );
        define( 'WPMS_SMTP_PASS', 'gvplant33' );
        define( 'STRIPE_SECRET_KEY', '\(Self.stripeLike)gvplant34' );
        define( 'MAILGUN_APIKEY', 'key-gvplant35' );
        define( 'AS3CF_SETTINGS', serialize( array(
            'provider' => 'aws',
            'access-key-id' => '\(Self.awsLike)',
            'secret-access-key' => 'gvplant37',
        ) ) );
        define( 'AS3CF_RAW', 'a:2:{s:8:"provider";s:3:"aws";s:17:"secret-access-key";s:9:"gvplant38";}' );
        define( 'WP_REDIS_SERVERS', 'tcp://127.0.0.1:6379?database=0&password=gvplant39' );
        define( 'DISALLOW_FILE_EDIT', true );
        $table_prefix = 'wp_';
        """.write(toFile: site + "/wp-config.php", atomically: true, encoding: .utf8)
        let doc = try assertNoPlantedSecret(try gavel(["collect", "wordpress", "--asset", "a", "--path", site, "--no-database"]), "wordpress")
        let constants = (doc["data"] as! [String: Any])["constants"] as! [String: [String: Any]]
        XCTAssertNotNil(secretRecord(constants["WP_REDIS_PASSWORD"]?["value"]), "\(constants["WP_REDIS_PASSWORD"] ?? [:])")
        XCTAssertEqual(constants["DISALLOW_FILE_EDIT"]?["value"] as? Bool, true)
    }

    func testMagentoConfigSecretsNeverReachTheSnapshot() throws {
        let root = tempDir()
        try FileManager.default.createDirectory(atPath: root + "/app/etc", withIntermediateDirectories: true)
        try """
        <?php
        return [
            'backend' => ['frontName' => 'admin'],
            'crypt' => ['key' => 'gvplant41'],
            'db' => ['table_prefix' => '', 'connection' => ['default' => [
                'host' => 'localhost', 'dbname' => 'm', 'username' => 'm', 'password' => 'gvplant42', 'active' => '1',
            ]]],
            'session' => ['save' => 'redis', 'redis' => ['host' => '127.0.0.1', 'password' => 'gvplant43']],
            'system' => ['default' => [
                'payment' => ['braintree' => ['api_secret' => 'gvplant44', 'merchant_id' => 'm-1']],
                'carriers' => ['ups' => ['access_license_number' => 'gvplant45x', 'password' => 'gvplant46']],
                'admin' => ['security' => ['session_lifetime' => '900']],
            ]],
        ];
        """.write(toFile: root + "/app/etc/env.php", atomically: true, encoding: .utf8)
        try "<?php\nreturn ['modules' => ['Magento_Backend' => 1]];\n".write(toFile: root + "/app/etc/config.php", atomically: true, encoding: .utf8)
        let doc = try assertNoPlantedSecret(try gavel(["collect", "magento", "--asset", "a", "--path", root, "--no-database"]), "magento")
        let system = (doc["data"] as! [String: Any])["system"] as! [String: [String: [String: Any]]]
        XCTAssertEqual(system["default"]?["admin/security/session_lifetime"]?["value"] as? String, "900")
        XCTAssertNotNil(secretRecord(system["default"]?["payment/braintree/api_secret"]?["value"]))
        XCTAssertEqual(system["default"]?["payment/braintree/merchant_id"]?["value"] as? String, "m-1")
    }
}
