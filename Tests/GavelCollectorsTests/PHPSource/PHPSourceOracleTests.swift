import Foundation
import GavelCore
import XCTest

@testable import GavelCollectors

/// PHP itself is the oracle: for every file of the corpus, each constant, variable and
/// returned value the reader evaluates statically must equal what `php` gets when it
/// includes the file; what the reader records as an expression must be exactly what needs
/// PHP to evaluate.
final class PHPSourceOracleTests: XCTestCase {
    static let harness = #"""
        function gavel_load($__f) { $__r = include $__f; $__v = get_defined_vars(); unset($__v['__f'], $__v['__r']); return [$__r, $__v]; }
        [$r, $v] = gavel_load($argv[1]);
        echo json_encode(['return' => $r, 'vars' => (object)$v, 'constants' => (object)(get_defined_constants(true)['user'] ?? [])],
                         JSON_PRESERVE_ZERO_FRACTION | JSON_UNESCAPED_SLASHES);
        """#

    func php(_ file: String) throws -> Value {
        try PHPOracleTests.phpOrSkip()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: PHPOracleTests.php)
        p.arguments = ["-n", "-r", Self.harness, file]
        var env = ProcessInfo.processInfo.environment
        env["WP_DB_PASSWORD"] = "from-the-environment"
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, String(decoding: data, as: UTF8.self))
        return SchemaConformanceTests.value(try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]))
    }

    func testReaderAgreesWithPHP() throws {
        let corpus = Bundle.module.resourcePath! + "/PHPSourceCorpus"
        var compared = 0
        var expressions: [String] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: corpus).sorted() where name.hasSuffix(".php") {
            let path = corpus + "/" + name
            let r = try PHPSourceReader.read(Array(try Data(contentsOf: URL(fileURLWithPath: path))), file: path)
            let oracle = try php(path)
            for d in r.defines {
                guard d.value.isStatic else { expressions.append("\(name):\(d.name)=\(d.value.json.display)"); continue }
                XCTAssertTrue(
                    Value.same(d.value.json, oracle["constants"]?[d.name] ?? .null),
                    "\(name): \(d.name): ours \(d.value.json.display), php \(oracle["constants"]?[d.name]?.display ?? "absent")")
                compared += 1
            }
            for a in r.assignments {
                guard a.value.isStatic else { expressions.append("\(name):$\(a.name)"); continue }
                XCTAssertTrue(
                    Value.same(a.value.json, oracle["vars"]?[a.name] ?? .null),
                    "\(name): $\(a.name): ours \(a.value.json.display), php \(oracle["vars"]?[a.name]?.display ?? "absent")")
                compared += 1
            }
            if let ret = r.returned {
                XCTAssertTrue(
                    Value.same(ret.json, oracle["return"] ?? .null), "\(name): return: ours \(ret.json.display)\nphp \(oracle["return"]?.display ?? "absent")")
                compared += 1
            }
        }
        XCTAssertGreaterThanOrEqual(compared, 38)
        XCTAssertEqual(expressions, [#"wp-config-spellings.php:DB_PASSWORD={"expression":"getenv('WP_DB_PASSWORD')"}"#], "only what needs PHP is an expression")
    }
}
