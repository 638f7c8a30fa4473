import Foundation
import GavelCore
import XCTest

@testable import GavelCollectors

/// What the collectors write must be what docs/snapshots/ and `SnapshotSchemas` (which the
/// compiler checks policy paths against) say, field for field, so the three cannot drift.
final class SchemaConformanceTests: XCTestCase {
    func assertConforms(_ data: Value, _ schema: SchemaType, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        let v = schema.violations(data)
        XCTAssertEqual(v, [], "\(label): \(v.prefix(10))", file: file, line: line)
    }

    func testPHPFromIniConforms() throws {
        let corpus = Bundle.module.resourcePath! + "/Corpus"
        for name in try FileManager.default.contentsOfDirectory(atPath: corpus) where name.hasSuffix(".ini") {
            var b = SnapshotBuilder(asset: "s", kind: "php")
            let data = try PHPIniCollector(ini: corpus + "/" + name, scanDirs: [], sapi: "fpm-fcgi", version: "8.2.7").collect(into: &b)
            assertConforms(data, SnapshotSchemas.php, name)
        }
    }

    func testNginxModelConforms() throws {
        let dir = NSTemporaryDirectory() + "gavel-schema-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try """
        events {}
        http {
            map $scheme $hsts { https "max-age=63072000"; default ""; }
            server_tokens off;
            allow 10.0.0.0/8; deny all;
            server {
                listen 443 ssl http2 default_server;
                ssl_certificate /a.pem; ssl_certificate_key /a.key;
                add_header Strict-Transport-Security $hsts always;
                location ~ \\.php$ { fastcgi_pass unix:/run/php.sock; fastcgi_param PHP_VALUE "a=1"; location /n { access_log off; } }
            }
            server { listen unix:/run/x.sock; return 301 https://$host$request_uri; }
        }
        """.write(toFile: dir + "/nginx.conf", atomically: true, encoding: .utf8)
        var b = SnapshotBuilder(asset: "s", kind: "nginx")
        let data = try NginxCollector(config: dir + "/nginx.conf", version: "1.22.1").collect(into: &b)
        assertConforms(data, SnapshotSchemas.nginx, "nginx")
    }

    func testHostingOnThisMachineConforms() throws {
        var b = SnapshotBuilder(asset: "s", kind: "hosting")
        let data = try HostingCollector(certificates: ["/nonexistent.pem"]).collect(into: &b)
        assertConforms(data, SnapshotSchemas.hosting, "hosting")
    }

    func testViolationsAreFound() {
        let bad: Value = .object([("source", 1), ("ini", .object([("a", .array([]))])), ("extra", true)])
        let v = SnapshotSchemas.php.violations(bad)
        XCTAssertTrue(v.contains("/source: expected a string, found number"), "\(v)")
        XCTAssertTrue(v.contains("/ini/a: expected a string, found array"), "\(v)")
        XCTAssertTrue(v.contains("/extra: not in the schema"), "\(v)")
        XCTAssertTrue(v.contains("/ini_files: missing"), "\(v)")
    }
}

extension SchemaConformanceTests {
    static func value(_ any: Any) -> Value {
        switch any {
        case let s as String: return .string(s)
        case let b as Bool where type(of: any) == Bool.self: return .bool(b)
        case let i as Int where type(of: any) == Int.self: return .int(Int64(i))
        case let n as NSNumber:
            let type = String(cString: n.objCType)
            if type == "c" { return .bool(n.boolValue) }  // JSON true/false
            if type == "d" || type == "f" { return .double(n.doubleValue) }
            return .int(n.int64Value)
        case let a as [Any]: return .array(a.map(value))
        case let o as [String: Any]: return .object(o.keys.sorted().map { ($0, value(o[$0]!)) })
        default: return .null
        }
    }

    /// The shipped samples are collector output and must keep the documented shape.
    func testShippedSnapshotsConform() throws {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        var checked = 0
        for asset in try FileManager.default.contentsOfDirectory(atPath: repo + "/Snapshots") {
            for file in try FileManager.default.contentsOfDirectory(atPath: repo + "/Snapshots/" + asset) where file.hasSuffix(".json") {
                let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: repo + "/Snapshots/\(asset)/\(file)"))) as! [String: Any]
                let kind = doc["kind"] as! String
                let schema = try XCTUnwrap(SnapshotSchemas.schema(for: kind), kind)
                assertConforms(Self.value(doc["data"]!), schema, "\(asset)/\(file)")
                checked += 1
            }
        }
        XCTAssertGreaterThanOrEqual(checked, 7)
    }
}
