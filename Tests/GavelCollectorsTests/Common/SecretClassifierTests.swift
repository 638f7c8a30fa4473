import Foundation
import GavelCore
import XCTest

@testable import GavelCollectors

/// The one classifier every collector's output goes through: what it calls a secret, what
/// it must leave alone (rules read those values), and what it records instead.
final class SecretClassifierTests: XCTestCase {
    func testNamesThatMakeAValueSecret() {
        let secretNames = [
            "mysqli.default_pw", "ldap.password", "DB_PASSWORD", "WP_REDIS_PASSWORD", "WPMS_SMTP_PASS", "STRIPE_SECRET_KEY",
            "payment/braintree/api_secret", "AUTH_KEY", "NONCE_SALT", "crypt/key", "key", "X-Api-Key", "X-Auth-Token",
            "clientSecret", "apiToken", "SENTRY_DSN", "private_key", "smtp_passwd", "GITHUB_TOKEN", "aws_secret_access_key",
            "carriers/ups/access_license_number", "env[DB_PASSWORD]", "php_admin_value[mysqli.default_pw]", "Authorization",
        ]
        for n in secretNames {
            XCTAssertNotNil(SecretClassifier.reason(name: n, value: "s3cr3t-value"), n)
        }
    }

    func testNamesAndValuesThatAreNotSecrets() {
        let plain: [(String, String)] = [
            ("fastcgi_pass", "unix:/run/php/php-fpm.sock"), ("proxy_pass", "http://127.0.0.1:8080"),
            ("ssl_certificate_key", "/etc/ssl/private/shop.key"), ("auth_basic_user_file", "/etc/nginx/.htpasswd"),
            ("auth_basic", "off"), ("session.save_path", "/var/lib/php/sessions"), ("session.cookie_secure", "1"),
            ("passwordauthentication", "no"), ("pubkeyauthentication", "yes"), ("public_key", "ssh-ed25519 AAAA"),
            ("session.sid_length", "48"), ("expose_php", "0"), ("server_tokens", "off"), ("web/secure/use_in_adminhtml", "1"),
            ("admin/security/session_lifetime", "900"), ("DISALLOW_FILE_EDIT", "true"), ("token_lifetime", "3600"),
            ("description", "Basic plan"), ("url", "https://shop.example.com/checkout?step=2"),
        ]
        for (n, v) in plain {
            XCTAssertNil(SecretClassifier.reason(name: n, value: v), "\(n) = \(v): \(SecretClassifier.reason(name: n, value: v) ?? "")")
        }
    }

    func testValuesThatAreSecretsWhateverTheirName() {
        // Made at run time from their well-known shapes: no literal in the repository looks
        // like a real credential.
        func fake(_ prefix: String, _ n: Int, upper: Bool = false) -> String {
            prefix + String((0..<n).map { _ in (upper ? "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789" : "abcdefghijkmnpqrstuvwxyz0123456789").randomElement()! })
        }
        let values = [
            "Basic " + Data("user:\(fake("", 12))".utf8).base64EncodedString(), "Bearer " + fake("", 20), fake("sk_" + "live_", 16),
            fake("shp" + "at_", 16), fake("gh" + "p_", 20), fake("xo" + "xb-", 18), fake("AK" + "IA", 16, upper: true), fake("gl" + "pat-", 16),
            "https://deploy:\(fake("", 10))@backend.example.com/", "tcp://10.0.0.5:6379?weight=1&auth=\(fake("", 10))",
            "mysql://app:\(fake("", 10))@db/app", "redis://:\(fake("", 10))@127.0.0.1:6379/0", "https://x.example/hook?token=\(fake("", 10))",
            ["eyJ" + fake("", 10), "eyJ" + fake("", 10), fake("", 12)].joined(separator: "."),
            "-----BEGIN RSA " + "PRIVATE KEY-----\n" + fake("", 40),
        ]
        for v in values {
            XCTAssertNotNil(SecretClassifier.reason(name: "anything", value: v), v)
            XCTAssertNotNil(SecretClassifier.reason(name: nil, value: v), v)
        }
        XCTAssertNil(SecretClassifier.reason(name: nil, value: fake("AK" + "IA", 17, upper: true)), "21 characters is not an access key id")
    }

    func testRedactionRecordsPresenceLengthReasonAndPlaceholder() {
        let data: Value = .object([
            .init(
                "ini",
                .object([
                    .init("mysqli.default_pw", "hunter22"), .init("expose_php", "0"),
                    .init("session.save_path", "tcp://10.0.0.5:6379?auth=hunter22"),
                ])),
            .init("constants", .object([.init("DB_PASSWORD", .object([.init("value", "changeme"), .init("line", 3)]))])),
            .init("headers", .array([.object([.init("name", "X-Api-Key"), .init("value", "k-123456")])])),
            .init("directives", .array([.object([.init("name", "fastcgi_param"), .init("args", .array(["DB_PASSWORD", "hunter22"]))])])),
        ])
        let out = SecretRedaction.apply(data)
        let text = JSONWriter.string(out)
        XCTAssertFalse(text.contains("hunter22"), text)
        XCTAssertFalse(text.contains("k-123456"), text)
        XCTAssertEqual(out["ini"]?["expose_php"], "0")
        XCTAssertEqual(out["ini"]?["mysqli.default_pw"]?["length"], 8)
        XCTAssertEqual(out["ini"]?["mysqli.default_pw"]?["set"], true)
        XCTAssertEqual(out["ini"]?["mysqli.default_pw"]?["placeholder"], false)
        XCTAssertEqual(out["ini"]?["session.save_path"]?["redacted"], "tcp://10.0.0.5:6379?auth=***")
        XCTAssertEqual(out["constants"]?["DB_PASSWORD"]?["value"]?["placeholder"], true, "changeme is a well-known default")
        XCTAssertEqual(out["constants"]?["DB_PASSWORD"]?["line"], 3)
        XCTAssertEqual(SecretRedaction.apply(out), out, "a recorded secret is left as it is")
        // Every secret record fits the schema of a string.
        XCTAssertEqual(SchemaType.string.violations(out["ini"]!["mysqli.default_pw"]!), [])
        XCTAssertEqual(SchemaType.string.member("placeholder").map { $0.describe }, "a boolean or null")
    }
}
