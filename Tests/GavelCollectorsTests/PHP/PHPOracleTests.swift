import Foundation
import GavelCore
import XCTest

@testable import GavelCollectors

/// PHP itself is the oracle: for every php.ini in the corpus (ours plus the production and
/// development templates Debian's php-cli ships), each value the collector reports must be
/// what `php -n -c FILE` reports: `ini_get_all()` for every directive PHP registers (set in
/// the file or taken from PHP's built-in default) and `get_cfg_var()` for every key the file
/// sets, including ones PHP does not know.
final class PHPOracleTests: XCTestCase {
    static let php = "/usr/bin/php"

    static func phpOrSkip() throws {
        if FileManager.default.isExecutableFile(atPath: php) { return }
        if ProcessInfo.processInfo.environment["CI"] != nil { XCTFail("php-cli must be installed in CI (.ci/run installs it)") }
        throw XCTSkip("php-cli is not installed")
    }

    var corpus: [String] {
        let own = Bundle.module.resourcePath! + "/Corpus"
        var files = (try! FileManager.default.contentsOfDirectory(atPath: own)).filter { $0.hasSuffix(".ini") }.sorted().map { own + "/" + $0 }
        for dir in (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/php")) ?? [] {
            for t in ["php.ini-production", "php.ini-development"] where FileManager.default.fileExists(atPath: "/usr/lib/php/\(dir)/\(t)") {
                files.append("/usr/lib/php/\(dir)/\(t)")
            }
        }
        return files
    }

    func testCollectorAgreesWithPHP() throws {
        try Self.phpOrSkip()
        setenv("GAVEL_ORACLE_LOGDIR", "/var/log/gavel", 1)
        let files = corpus
        XCTAssertGreaterThanOrEqual(files.count, 6, "the corpus must include Debian's two templates")
        var compared = 0
        for file in files {
            var b = SnapshotBuilder(asset: "oracle", kind: "php")
            let data = try PHPIniCollector(ini: file, scanDirs: [], sapi: "cli").collect(into: &b)
            let ini = try XCTUnwrap(data["ini"]?.objectMembers)
            let origin = try XCTUnwrap(data["origin"]?.objectMembers)
            let fromFile = origin.filter { $0.value.stringValue != "default" }.map(\.key)
            let truth = try ask(file, keys: fromFile)
            let registered = truth["ini"] as! [String: Any]
            for (k, v) in registered {
                let want = (v as? String) ?? ""
                let got = ini.first { $0.key == k }?.value.stringValue
                XCTAssertEqual(got, want, "\((file as NSString).lastPathComponent): ini_get('\(k)')")
                compared += 1
            }
            let cfg = truth["cfg"] as! [String: Any]
            for k in fromFile {
                let got = ini.first { $0.key == k }?.value.stringValue
                XCTAssertEqual(got, cfg[k] as? String, "\((file as NSString).lastPathComponent): get_cfg_var('\(k)')")
                compared += 1
            }
        }
        XCTAssertGreaterThan(compared, 900)
    }

    /// Runs PHP on the file and returns `{ini: ini_get_all(), cfg: {key: get_cfg_var(key)}}`.
    func ask(_ file: String, keys: [String]) throws -> [String: Any] {
        let script = """
            $keys = json_decode(file_get_contents('php://stdin'), true);
            $cfg = [];
            foreach ($keys as $k) { $cfg[$k] = get_cfg_var($k); }
            echo "\\n@@gavel@@", json_encode(['ini' => ini_get_all(null, false), 'cfg' => $cfg]);
            """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.php)
        p.arguments = ["-n", "-c", file, "-r", script]
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        p.standardError = FileHandle.nullDevice
        try p.run()
        input.fileHandleForWriting.write(try JSONSerialization.data(withJSONObject: keys))
        try input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        // Startup warnings (an extension that cannot load) may precede the marker.
        let text = String(decoding: out, as: UTF8.self)
        guard let r = text.range(of: "@@gavel@@") else { XCTFail("php printed no answer: \(text.prefix(300))"); return ["ini": [:], "cfg": [:]] }
        return try JSONSerialization.jsonObject(with: Data(text[r.upperBound...].utf8)) as! [String: Any]
    }
}

/// `--binary`: the real programs answer for themselves.
final class PHPBinaryTests: XCTestCase {
    func testCLIBinaryReportsTheSameValuesAsTheIniParser() throws {
        try PHPOracleTests.phpOrSkip()
        let file = Bundle.module.resourcePath! + "/Corpus/tricky-values.ini"
        setenv("GAVEL_ORACLE_LOGDIR", "/var/log/gavel", 1)
        var b = SnapshotBuilder(asset: "a", kind: "php")
        let live = try PHPBinaryCollector(binary: PHPOracleTests.php, ini: file).collect(into: &b)
        let parsed = try PHPIniCollector(ini: file, scanDirs: [], sapi: "cli").collect(into: &b)
        XCTAssertEqual(live["source"]?.stringValue, "binary")
        XCTAssertEqual(live["sapi"]?.stringValue, "cli")
        XCTAssertEqual(live["ini_files"]?.arrayValue?.first?.stringValue, file)
        XCTAssertTrue(live["version"]?.stringValue?.hasPrefix("8.") ?? false)
        // -c FILE still reads the scan directory, so compare the directives the file sets.
        var compared = 0
        for m in parsed["origin"]?.objectMembers ?? [] where m.value.stringValue == "file" {
            guard let got = live["ini"]?[m.key]?.stringValue else { continue }
            XCTAssertEqual(got, parsed["ini"]?[m.key]?.stringValue, m.key)
            compared += 1
        }
        XCTAssertGreaterThan(compared, 25)
    }

    func testFPMBinaryAnswersThroughPhpinfo() throws {
        let fpm = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/sbin"))?.first { $0.hasPrefix("php-fpm") }
        guard let fpm else {
            if ProcessInfo.processInfo.environment["CI"] != nil { XCTFail("php-fpm must be installed in CI") }
            throw XCTSkip("php-fpm is not installed")
        }
        var b = SnapshotBuilder(asset: "a", kind: "php")
        let live = try PHPBinaryCollector(binary: "/usr/sbin/" + fpm).collect(into: &b)
        XCTAssertEqual(live["source"]?.stringValue, "binary-info")
        XCTAssertEqual(live["sapi"]?.stringValue, "fpm-fcgi")
        XCTAssertNotNil(live["ini"]?["session.cookie_secure"]?.stringValue)
        XCTAssertNil(live["ini"]?["Directive"], "the table header is not a directive")
        XCTAssertGreaterThan(live["ini"]?.objectMembers?.count ?? 0, 100)
    }
}
