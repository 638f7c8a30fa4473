import Foundation
import GavelCore
import XCTest

@testable import GavelCollectors

final class MagentoCollectorTests: XCTestCase {
    func testReadsEnvAndConfigWithoutSecrets() throws {
        let root = NSTemporaryDirectory() + "gavel-magento-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root + "/app/etc", withIntermediateDirectories: true)
        let corpus = Bundle.module.resourcePath! + "/PHPSourceCorpus/"
        try FileManager.default.copyItem(atPath: corpus + "env.php", toPath: root + "/app/etc/env.php")
        try """
        <?php
        return [
            'modules' => ['Magento_Store' => 1, 'Magento_TwoFactorAuth' => 0, 'Magento_Backend' => 1],
            'system' => ['default' => [
                'web' => ['secure' => ['use_in_adminhtml' => 0]],
                'payment' => ['braintree' => ['private_key' => 'test-only-not-a-secret-pk']],
                'dev' => ['debug' => ['debug_logging' => 1]],
            ]],
        ];
        """.write(toFile: root + "/app/etc/config.php", atomically: true, encoding: .utf8)
        try #"{"packages": [{"name": "magento/product-community-edition", "version": "2.4.7-p3"}]}"#.write(
            toFile: root + "/composer.lock", atomically: true, encoding: .utf8)

        try "CONFIG__DEFAULT__ADMIN__SECURITY__SESSION_LIFETIME=600\nCONFIG__WEBSITES__BASE__WEB__SECURE__USE_IN_FRONTEND=1\n".write(
            toFile: root + "/fpm.env", atomically: true, encoding: .utf8)
        try
            "scope\tscope_id\tpath\tvalue\ndefault\t0\tadmin/security/session_lifetime\t86400\ndefault\t0\tdev/debug/debug_logging\t0\ndefault\t0\tadmin/captcha/enable\t1\nwebsites\t1\tweb/secure/use_in_frontend\t0\n"
            .write(toFile: root + "/ccd.tsv", atomically: true, encoding: .utf8)
        var b = SnapshotBuilder(asset: "m", kind: "magento")
        var c = MagentoCollector(path: root)
        c.configExport = root + "/ccd.tsv"
        c.environmentFile = root + "/fpm.env"
        let d = try c.collect(into: &b)
        XCTAssertEqual(d["version"]?["version"], "2.4.7-p3")
        XCTAssertEqual(d["mode"], "production")
        XCTAssertEqual(d["admin_frontname"], "clinic_admin_7x")
        XCTAssertEqual(d["admin_frontname_is_default"], false)
        XCTAssertEqual(d["modules"]?["Magento_TwoFactorAuth"], false)
        XCTAssertEqual(d["crypt_key"]?["set"], true)
        XCTAssertEqual(d["db"]?["default"]?["password"]?["set"], true)
        XCTAssertEqual(d["db"]?["default"]?["host"], "localhost")
        // env.php's system section wins over config.php's for the same path.
        XCTAssertEqual(d["system"]?["default"]?["web/secure/use_in_adminhtml"]?["value"], 1)
        XCTAssertEqual(d["system"]?["default"]?["web/secure/use_in_adminhtml"]?["source"], "env.php")
        XCTAssertEqual(d["system"]?["default"]?["dev/debug/debug_logging"]?["source"], "config.php")
        XCTAssertEqual(d["system"]?["default"]?["payment/braintree/private_key"]?["value"]?["set"], true)
        // Precedence: module default < database < config.php < env.php < environment.
        XCTAssertEqual(d["system"]?["default"]?["admin/security/session_lifetime"]?["value"], "600")
        XCTAssertEqual(d["system"]?["default"]?["admin/security/session_lifetime"]?["source"], "environment")
        XCTAssertEqual(d["system"]?["default"]?["admin/captcha/enable"]?["source"], "database")
        XCTAssertEqual(d["system"]?["default"]?["admin/security/lockout_failures"]?["source"], "module default")
        XCTAssertEqual(d["system"]?["default"]?["dev/debug/debug_logging"]?["source"], "config.php", "config.php overrides the database")
        XCTAssertEqual(d["system"]?["websites/base"]?["web/secure/use_in_frontend"]?["source"], "environment")
        XCTAssertEqual(d["system"]?["websites/1"]?["web/secure/use_in_frontend"]?["source"], "database", "no store table here: the id stays")
        XCTAssertEqual(d["effective"]?["websites/base"]?["web/secure/use_in_frontend"]?["value"], "1")
        XCTAssertEqual(d["effective"]?["websites/base"]?["admin/security/session_lifetime"]?["scope"], "default", "inherited from default")
        let json = JSONWriter.string(d)
        XCTAssertFalse(json.contains("test-only-not-a-secret"), "no secret value in the snapshot")
        XCTAssertEqual(SnapshotSchemas.magento.violations(d), [])
        // From an export, admin users were not read: rules on them error with the reason.
        XCTAssertEqual(
            b.document(data: d)["unavailable"]?["/database/admin_users"]?.stringValue?.hasPrefix("database not read: configuration from the export"), true)
    }

    func testMissingEnvIsAClearError() {
        var b = SnapshotBuilder(asset: "m", kind: "magento")
        XCTAssertThrowsError(try MagentoCollector(path: NSTemporaryDirectory()).collect(into: &b)) { e in
            XCTAssertEqual((e as? Diagnostic)?.id, "magento-config")
        }
    }
}
